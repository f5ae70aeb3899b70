#include "findings_list.hpp"

#include <optional>
#include <string_view>

#include "../trace_fields.hpp"
#include "clockwork/time/time_format.hpp"
#include "html_text.hpp"

namespace clockwork::detail {
namespace {

struct entry {
  std::string kind;     // the finding's kind, or what failed
  std::string message;  // in full
};

// What the record says went wrong, if it says so. The runtime also logs each finding as a
// warning ("[drift] ..."), which the finding record already covers, so warnings are left out.
std::optional<entry> entry_of(const trace_record& r) {
  const std::string_view kind = r.kind;
  if (kind == trace_kind::finding) return entry{field_or_empty(r, "finding"), field_or_empty(r, "message")};
  if (kind == trace_kind::service_faulted || kind == trace_kind::task_faulted) {
    return entry{r.kind, field_or_empty(r, "error")};
  }
  if (kind == "job.failed") return entry{r.kind, "job " + field_or_empty(r, "job") + ": " + field_or_empty(r, "error")};
  if (kind == "job_failed") return entry{r.kind, field_or_empty(r, "error") + " (" + field_or_empty(r, "why") + ")"};
  if (kind == trace_kind::log && field_or_empty(r, "level") == "error") {
    return entry{"error log", field_or_empty(r, "message")};
  }
  return std::nullopt;
}

}  // namespace

std::string findings_list_html(const std::vector<trace_record>& records, steady_time origin, std::size_t limit) {
  std::string items;
  std::size_t shown = 0;
  std::size_t total = 0;
  for (const auto& r : records) {
    const auto e = entry_of(r);
    if (!e) continue;
    ++total;
    if (shown == limit) continue;
    ++shown;
    const bool finding = r.kind == trace_kind::finding;
    items += finding ? "<li class=\"finding\">" : "<li class=\"failure\">";
    items += "<span class=\"time\">";
    append_html(items, format_offset(r.steady, origin));
    items += "</span> <span class=\"source\">";
    append_html(items, r.source);
    items += "</span> <span class=\"kind\">";
    append_html(items, e->kind);
    items += "</span> <span class=\"message\">";
    append_html(items, e->message);
    items += "</span></li>\n";
  }
  if (total == 0) return {};
  std::string out =
      "<div class=\"findings\">\n<p class=\"findings-title\"><span class=\"label\">what went wrong</span> " +
      std::to_string(total) + (total == 1 ? " entry" : " entries") + "</p>\n<ol class=\"findings\">\n";
  out += items;
  out += "</ol>\n";
  if (total > shown) out += "<p class=\"more\">and " + std::to_string(total - shown) + " more on the timeline</p>\n";
  out += "</div>\n";
  return out;
}

}  // namespace clockwork::detail
