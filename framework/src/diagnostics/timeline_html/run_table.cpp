#include "run_table.hpp"

#include <charconv>
#include <map>
#include <string_view>

#include "../trace_fields.hpp"
#include "clockwork/time/time_format.hpp"
#include "html_text.hpp"

namespace clockwork::detail {
namespace {

// Reads back what format_duration wrote ("[Nd]HH:MM:SS.fff", 3, 6 or 9 fraction digits): a
// recurring job's retry records its delay that way, and the next attempt starts that much later.
std::optional<std::chrono::nanoseconds> parse_formatted_duration(std::string_view text) {
  std::int64_t days = 0;
  if (const auto d = text.find('d'); d != std::string_view::npos) {
    if (std::from_chars(text.data(), text.data() + d, days).ec != std::errc{}) return std::nullopt;
    text.remove_prefix(d + 1);
  }
  if (text.size() < 12 || text[2] != ':' || text[5] != ':' || text[8] != '.') return std::nullopt;
  const auto number = [&](std::size_t from, std::size_t length) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data() + from, text.data() + from + length, v);
    if (ec != std::errc{} || end != text.data() + from + length) return std::nullopt;
    return v;
  };
  const auto h = number(0, 2), m = number(3, 2), s = number(6, 2), f = number(9, text.size() - 9);
  if (!h || !m || !s || !f) return std::nullopt;
  std::int64_t fraction_ns = *f;
  for (std::size_t digits = text.size() - 9; digits < 9; ++digits) fraction_ns *= 10;
  return std::chrono::hours(days * 24 + *h) + std::chrono::minutes(*m) + std::chrono::seconds(*s) +
         std::chrono::nanoseconds(fraction_ns);
}

bool ends_a_job_attempt(std::string_view kind) {
  return kind == "job.succeeded" || kind == "job.failed" || kind == "job.retrying" || kind == "job.snoozed" ||
         kind == "job.cancelled" || kind == "job.released" || kind == "job.lease_lost";
}

class collector {
 public:
  void add(const trace_record& r) {
    const std::string_view kind = r.kind;
    if (kind == trace_kind::run) {
      const std::string scheduled = field_or_empty(r, "scheduled");
      if (scheduled.empty()) {  // a service's loop: one unit of work, an instant
        rows_.push_back({r.source, "", "", r.steady, std::nullopt, "ran", "", ""});
      } else {  // a recurring job's run: its first attempt starts here
        open(recurring_[r.source + '\n' + scheduled], {r.source, "", scheduled, r.steady, std::nullopt, "", "1", ""});
      }
    } else if (kind == "job_succeeded" || kind == "job_canceled" || kind == "job_failed") {
      const auto it = recurring_.find(r.source + '\n' + field_or_empty(r, "scheduled"));
      if (it == recurring_.end()) return;
      run_row& row = rows_[it->second];
      row.ended = r.steady;
      row.outcome = kind == "job_succeeded" ? "succeeded" : kind == "job_canceled" ? "canceled" : "failed";
      row.error = field_or_empty(r, "error");
      if (const std::string why = field_or_empty(r, "why"); !why.empty()) row.error += " (" + why + ")";
      recurring_.erase(it);
    } else if (kind == "job_retry") {
      const std::string key = r.source + '\n' + field_or_empty(r, "scheduled");
      const auto it = recurring_.find(key);
      if (it == recurring_.end()) return;
      run_row& row = rows_[it->second];
      row.ended = r.steady;
      row.outcome = "retrying";
      row.error = field_or_empty(r, "error");
      run_row next{r.source, "", row.scheduled, r.steady, std::nullopt, "", field_or_empty(r, "attempt"), ""};
      if (const auto delay = parse_formatted_duration(field_or_empty(r, "delay"))) next.started += *delay;
      open(recurring_[key], std::move(next));
    } else if (kind == "job.enqueued" || kind == "job.retrying" || kind == "job.snoozed") {
      const std::string due = field_or_empty(r, "due");
      if (!due.empty()) due_[field_or_empty(r, "job")] = due;
      if (kind != "job.enqueued") end_job_attempt(r);
    } else if (kind == "job.claimed") {
      const std::string job = field_or_empty(r, "job");
      const auto due = due_.find(job);
      open(jobs_[job + '\n' + field_or_empty(r, "epoch")],
           {r.source, "job " + job, due == due_.end() ? "" : due->second, r.steady, std::nullopt, "",
            field_or_empty(r, "attempt"), ""});
    } else if (kind == "job.rescued") {
      // A rescue carries the epoch it moved to: it ends whichever attempt of the job was open.
      const std::string prefix = field_or_empty(r, "job") + '\n';
      for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (it->first.starts_with(prefix)) {
          rows_[it->second].ended = r.steady;
          rows_[it->second].outcome = "rescued";
          it = jobs_.erase(it);
        } else {
          ++it;
        }
      }
    } else if (ends_a_job_attempt(kind)) {
      end_job_attempt(r);
    }
  }

  std::vector<run_row> finish() && {
    for (auto& row : rows_) {
      if (row.outcome.empty()) row.outcome = "unfinished";
    }
    return std::move(rows_);
  }

 private:
  void open(std::size_t& index, run_row row) {
    index = rows_.size();
    rows_.push_back(std::move(row));
  }

  void end_job_attempt(const trace_record& r) {
    const auto it = jobs_.find(field_or_empty(r, "job") + '\n' + field_or_empty(r, "epoch"));
    if (it == jobs_.end()) return;
    run_row& row = rows_[it->second];
    row.ended = r.steady;
    row.outcome = std::string(std::string_view(r.kind).substr(4));  // "job.failed" -> "failed"
    row.error = field_or_empty(r, "error");
    jobs_.erase(it);
  }

  std::vector<run_row> rows_;
  std::map<std::string, std::size_t> recurring_;  // "source\nscheduled" -> its open attempt's row
  std::map<std::string, std::size_t> jobs_;       // "job\nepoch" -> its open attempt's row
  std::map<std::string, std::string> due_;        // job -> when it is next due
};

}  // namespace

std::vector<run_row> run_rows(const std::vector<trace_record>& records) {
  collector c;
  for (const auto& r : records) c.add(r);
  return std::move(c).finish();
}

std::string run_table_html(const std::vector<trace_record>& records, steady_time origin, std::size_t limit) {
  const auto rows = run_rows(records);
  if (rows.empty()) return {};
  std::string out = "<details class=\"runs\" open>\n<summary>Runs <span class=\"count\">" +
                    std::to_string(rows.size()) + "</span></summary>\n";
  out +=
      "<div class=\"runs-scroll\"><table "
      "class=\"runs\">\n<thead><tr><th>source</th><th>what</th><th>scheduled</th><th>started</th>"
      "<th>duration</th><th>outcome</th><th>attempt</th><th>error</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
    const run_row& row = rows[i];
    out += "<tr class=\"" + html(row.outcome) + "\"><td>";
    append_html(out, row.source);
    out += "</td><td>";
    append_html(out, row.what);
    out += "</td><td>";
    append_html(out, row.scheduled.empty() ? "\u2014" : row.scheduled);
    out += "</td><td>";
    append_html(out, format_offset(row.started, origin));
    out += "</td><td>";
    append_html(out, row.ended ? format_duration(*row.ended - row.started) : "\u2014");
    out += "</td><td>";
    append_html(out, row.outcome);
    out += "</td><td>";
    append_html(out, row.attempt.empty() ? "\u2014" : row.attempt);
    out += "</td><td>";
    append_html(out, row.error);
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
  if (rows.size() > limit) {
    out +=
        "<p class=\"more\">and " + std::to_string(rows.size() - limit) + " more (the timeline shows every one)</p>\n";
  }
  out += "</details>\n";
  return out;
}

}  // namespace clockwork::detail
