#include "clockwork/diagnostics/timeline_html.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "clockwork/time/time_format.hpp"
#include "timeline_assets.hpp"  // generated from timeline_html/timeline.css and timeline.js
#include "timeline_html/findings_list.hpp"
#include "timeline_html/html_text.hpp"
#include "timeline_html/run_table.hpp"

namespace clockwork {
namespace {

// ---- escaping ---------------------------------------------------------------------------------

using detail::append_html;
using detail::html;

// A JSON string literal safe inside a <script> element: invalid UTF-8 becomes U+FFFD, and '<',
// '>' and '&' are written as \u escapes, so that no value can close the element ("</script>"),
// open a comment ("<!--") or be read as markup by anything that scans the page.
void append_json_string(std::string& out, std::string_view text) {
  const std::string dumped =
      nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const char c : dumped) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
}

// ---- lanes ------------------------------------------------------------------------------------

// Sources of the host's own records and of the harness driving it (its scripted events' timers,
// which no task owns, are recorded as "-"): they share the host's lane.
bool is_host_source(std::string_view source) {
  return source == "host" || source == "block_on" || source == "scenario" || source == "simulation" ||
         source == "runtime" || source == "-";
}

// "deaf (starting hook)" -> "deaf": a service's hooks are drawn in the service's lane.
std::string_view lane_of_source(std::string_view source) {
  if (is_host_source(source)) return "host";
  if (source == "clock") return "clock";
  constexpr std::string_view hook_end = " hook)";
  if (source.size() > hook_end.size() && source.substr(source.size() - hook_end.size()) == hook_end) {
    const auto open = source.rfind(" (");
    if (open != std::string_view::npos && open > 0) return source.substr(0, open);
  }
  return source;
}

struct lane {
  std::string name;
  std::string role;  // host, clock, service, other
  std::size_t first = 0;
};

// Interns strings: each distinct value once, referred to by index.
class string_table {
 public:
  std::size_t operator()(std::string_view s) {
    const auto it = index_.find(std::string(s));
    if (it != index_.end()) return it->second;
    index_.emplace(std::string(s), values_.size());
    values_.emplace_back(s);
    return values_.size() - 1;
  }
  const std::vector<std::string>& values() const noexcept { return values_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> values_;
};

void append_string_array(std::string& out, const std::vector<std::string>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, values[i]);
  }
  out += ']';
}

template <typename Int>
void append_int_array(std::string& out, const std::vector<Int>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The run's records as the page's script reads them: columns of small integers (times delta-coded
// in the coarsest unit that keeps them exact to the microsecond; sources, kinds and field sets as
// indexes into tables of distinct strings), so that a busy year stays a few bytes per record.
std::string run_json(const timeline_run& run) {
  const auto& records = run.records;
  const std::size_t n = records.size();

  std::vector<std::int64_t> offset_us(n);
  std::vector<std::int64_t> utc_us(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = records[i];
    offset_us[i] = floor_div(std::chrono::duration_cast<std::chrono::nanoseconds>(r.steady - run.origin).count(), 1000);
    utc_us[i] = floor_div(std::chrono::duration_cast<std::chrono::nanoseconds>(r.utc.time_since_epoch()).count(), 1000);
  }
  std::int64_t unit = 1'000'000;  // a second, a millisecond, a microsecond: whichever keeps every time exact
  for (const auto t : offset_us) {
    while (unit > 1 && t % unit != 0) unit /= 1000;
  }

  // Lanes in order: the host, the clock, services as they first appear, then other sources.
  std::map<std::string, std::size_t, std::less<>> lane_index;
  std::vector<lane> lanes;
  std::vector<bool> is_service;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = records[i];
    const std::string_view name =
        r.kind == trace_kind::clock_changed ? std::string_view("clock") : lane_of_source(r.source);
    auto it = lane_index.find(name);
    if (it == lane_index.end()) {
      it = lane_index.emplace(std::string(name), lanes.size()).first;
      lanes.push_back({std::string(name), name == "host" ? "host" : name == "clock" ? "clock" : "other", i});
    }
    if (r.kind.starts_with("service_") && lanes[it->second].role == "other") lanes[it->second].role = "service";
  }
  const auto rank = [](const lane& l) {
    return l.role == "host" ? 0 : l.role == "clock" ? 1 : l.role == "service" ? 2 : 3;
  };
  std::vector<std::size_t> order(lanes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank(lanes[a]) != rank(lanes[b]) ? rank(lanes[a]) < rank(lanes[b]) : lanes[a].first < lanes[b].first;
  });
  std::vector<std::size_t> position(lanes.size());
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;

  string_table sources, kinds, keys, values;
  std::vector<std::size_t> source_lane;
  std::map<std::vector<std::size_t>, std::size_t> fieldset_index{{{}, 0}};
  std::vector<std::vector<std::size_t>> fieldsets{{}};
  std::vector<std::int64_t> t_col, q_col;
  std::vector<std::size_t> s_col, k_col, f_col;
  t_col.reserve(n);
  q_col.reserve(n);
  s_col.reserve(n);
  k_col.reserve(n);
  f_col.reserve(n);
  std::string skew;
  std::int64_t last_t = 0;
  std::uint64_t last_seq = 0;
  std::optional<std::int64_t> last_skew;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = records[i];
    t_col.push_back((offset_us[i] - last_t) / unit);
    last_t = offset_us[i];
    q_col.push_back(static_cast<std::int64_t>(r.seq - last_seq));
    last_seq = r.seq;
    const std::size_t s = sources(r.source);
    if (s == source_lane.size()) {
      const std::string_view name =
          r.kind == trace_kind::clock_changed ? std::string_view("clock") : lane_of_source(r.source);
      source_lane.push_back(position[lane_index.find(name)->second]);
    }
    s_col.push_back(s);
    k_col.push_back(kinds(r.kind));
    std::vector<std::size_t> set;
    set.reserve(r.fields.size() * 2);
    for (const auto& f : r.fields) {
      set.push_back(keys(f.key));
      set.push_back(values(f.value));
    }
    const auto [it, added] = fieldset_index.emplace(std::move(set), fieldsets.size());
    if (added) fieldsets.push_back(it->first);
    f_col.push_back(it->second);
    const std::int64_t sk = utc_us[i] - offset_us[i];
    if (!last_skew || *last_skew != sk) {
      if (!skew.empty()) skew += ',';
      skew += std::to_string(i) + ',' + std::to_string(sk);
      last_skew = sk;
    }
  }

  std::string out;
  out.reserve(n * 24 + 4096);
  out += "{\"title\":";
  append_json_string(out, run.title);
  out += ",\"unit_us\":" + std::to_string(unit);
  out += ",\"lanes\":[";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const lane& l = lanes[order[i]];
    if (i > 0) out += ',';
    out += "{\"name\":";
    append_json_string(out, l.name);
    out += ",\"role\":";
    append_json_string(out, l.role);
    out += '}';
  }
  out += "],\"sources\":";
  append_string_array(out, sources.values());
  out += ",\"source_lane\":";
  append_int_array(out, source_lane);
  out += ",\"kinds\":";
  append_string_array(out, kinds.values());
  out += ",\"keys\":";
  append_string_array(out, keys.values());
  out += ",\"values\":";
  append_string_array(out, values.values());
  out += ",\"fieldsets\":[";
  for (std::size_t i = 0; i < fieldsets.size(); ++i) {
    if (i > 0) out += ',';
    append_int_array(out, fieldsets[i]);
  }
  out += "],\"t\":";
  append_int_array(out, t_col);
  out += ",\"seq\":";
  append_int_array(out, q_col);
  out += ",\"source\":";
  append_int_array(out, s_col);
  out += ",\"kind\":";
  append_int_array(out, k_col);
  out += ",\"fields\":";
  append_int_array(out, f_col);
  out += ",\"skew\":[" + skew + "]";
  out += ",\"shutdown_timeout_us\":";
  out += run.shutdown_timeout ? std::to_string(run.shutdown_timeout->count() / 1000) : std::string("null");
  out += '}';
  return out;
}

// ---- the static parts of the page ---------------------------------------------------------------

// The page's stylesheet and script: inline (one self-contained file), or linked from
// assets_url for a server whose Content-Security-Policy forbids inline code.
std::string head(std::string_view title, const std::string& assets_url = {}) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  if (assets_url.empty()) {
    // Nothing leaves the file: no fetch, no frame, no form; the inline style and script only.
    out +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n";
  } else {
    out +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; "
        "script-src 'self'; img-src data:\">\n";
  }
  out += "<title>";
  append_html(out, title);
  if (assets_url.empty()) {
    out += "</title>\n<style>\n";
    out += detail::timeline_css;
    out += "</style>\n</head>\n<body>\n";
  } else {
    out += "</title>\n<link rel=\"stylesheet\" href=\"";
    append_html(out, assets_url + "/timeline.css");
    out += "\">\n</head>\n<body>\n";
  }
  return out;
}

std::string tail(const std::vector<const timeline_run*>& runs, const std::string& assets_url = {}) {
  std::string out = "<script type=\"application/json\" id=\"clockwork-timeline-data\">{\"runs\":[";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) out += ",\n";
    out += run_json(*runs[i]);
  }
  if (assets_url.empty()) {
    out += "]}</script>\n<script>\n";
    out += detail::timeline_js;
    out += "</script>\n</body>\n</html>\n";
  } else {
    out += "]}</script>\n<script src=\"";
    append_html(out, assets_url + "/timeline.js");
    out += "\"></script>\n</body>\n</html>\n";
  }
  return out;
}

std::string real_host_text(const timeline_real_host& r) {
  char scale[64];
  std::snprintf(scale, sizeof scale, "%g", r.time_scale);
  std::string out = "time scale \u00d7" + std::string(scale) + " (1 real second = " + scale +
                    " simulated seconds); distortion " + format_duration(r.distortion) + " of simulated time";
  if (r.resolution.count() > 0) out += " against a resolution of " + format_duration(r.resolution);
  out += r.inconclusive ? ": inconclusive, the machine distorted the run too much for the verdict to count"
                        : ": conclusive";
  return out;
}

// The end of a run's section: what went wrong (as text, no hovering needed), the container its
// timeline is drawn into, the table of its runs, and the footer.
std::string run_section_end(const timeline_run& run, std::size_t index, std::string_view noscript,
                            std::string_view footer) {
  std::string out = detail::findings_list_html(run.records, run.origin);
  out += "<div class=\"timeline\" data-run=\"" + std::to_string(index) + "\"><noscript>";
  out += noscript;
  out += "</noscript></div>\n";
  out += detail::run_table_html(run.records, run.origin);
  out += footer;
  out += "</section>\n";
  return out;
}

// The verdict panel and the timeline's container for one run.
std::string run_section(const timeline_run& run, std::size_t index, std::string_view id, int heading_level,
                        std::string_view footer = {}) {
  const bool inconclusive = run.real_host && run.real_host->inconclusive;
  const std::string state = !run.judgement           ? "saved"
                            : inconclusive           ? "inconclusive"
                            : run.judgement->matched ? "matched"
                                                     : "mismatch";
  std::string out = "<section class=\"run " + state + "\" id=\"" + html(id) + "\">\n";
  const std::string h = "h" + std::to_string(heading_level);
  out += "<" + h + " class=\"run-title\">";
  append_html(out, run.title);
  out += "</" + h + ">\n";
  if (!run.summary.empty()) {
    out += "<p class=\"summary\">";
    append_html(out, run.summary);
    out += "</p>\n";
  }
  if (!run.judgement) {
    // A saved trace: nothing was expected of it, so there is no verdict to show, only the run.
    out += "<div class=\"verdict\">\n<p class=\"headline\"><span class=\"label\">saved trace</span> ";
    append_html(out, std::to_string(run.records.size()) + " records; nothing was expected of it, so no verdict");
    out += "</p>\n</div>\n";
    return out + run_section_end(run, index, "The timeline needs JavaScript.", footer);
  }
  out += "<div class=\"verdict\">\n<div class=\"badge " + state + "\">";
  const timeline_judgement& judged = *run.judgement;
  out += inconclusive ? "? inconclusive" : judged.matched ? "\u2713 verdict as expected" : "\u2717 verdict MISMATCH";
  out += "</div>\n<p class=\"headline\"><span class=\"label\">found</span> ";
  append_html(out, judged.found);
  out += "</p>\n";
  if (run.real_host) {
    out += "<p class=\"real\"><span class=\"label\">real host</span> ";
    append_html(out, real_host_text(*run.real_host));
    out += "</p>\n";
  }
  if (!run.error.empty()) {
    out += "<p class=\"error\"><span class=\"label\">ended early</span> ";
    append_html(out, run.error);
    out += "</p>\n";
  }
  if (!run.replay_command.empty()) {
    out += "<p class=\"replay\"><span class=\"label\">replay</span> <code>";
    append_html(out, run.replay_command);
    out += "</code></p>\n";
  }
  // Expected and actual, line for line; the lines only one side has are marked.
  const auto& a = judged.expected_lines;
  const auto& b = judged.actual_lines;
  std::vector<std::string> all = a;
  for (const auto& line : b) {
    if (std::find(all.begin(), all.end(), line) == all.end()) all.push_back(line);
  }
  std::sort(all.begin(), all.end());
  out += "<table class=\"verdicts\">\n<thead><tr><th></th><th>expected</th><th>actual</th></tr></thead>\n<tbody>\n";
  for (const auto& line : all) {
    const bool in_a = std::find(a.begin(), a.end(), line) != a.end();
    const bool in_b = std::find(b.begin(), b.end(), line) != b.end();
    out += in_a && in_b ? "<tr>" : "<tr class=\"differs\">";
    out += in_a && in_b ? "<td></td>" : "<td class=\"mark\">\u2717</td>";
    out += "<td>";
    append_html(out, in_a ? line : "\u2014");
    out += "</td><td>";
    append_html(out, in_b ? line : "\u2014");
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</div>\n";
  return out + run_section_end(run, index, "The timeline needs JavaScript; the verdict above does not.", footer);
}

}  // namespace

std::string_view timeline_stylesheet() noexcept {
  return detail::timeline_css;
}

std::string_view timeline_script() noexcept {
  return detail::timeline_js;
}

std::string render_timeline_html(const timeline_run& run) {
  std::string out = head("clockwork timeline \u2014 " + run.title, run.assets_url);
  out += "<main>\n<p class=\"brand\"><b>clockwork</b> \u00b7 the timeline of a run</p>\n";
  out += run_section(run, 0, "run", 1);
  out += "</main>\n";
  out += tail({&run}, run.assets_url);
  return out;
}

namespace {

// A failure's note with every number blanked ("found 3 drift(poller) at +00:12:00.000" and "found
// 5 drift(poller) at +01:40:00.000" are one failure): what groups seeds by their failure.
std::string blank_numbers(std::string_view note) {
  std::string out;
  bool in_number = false;
  for (const char c : note) {
    const bool digit = c >= '0' && c <= '9';
    if (digit && !in_number) out += 'N';
    if (!digit) out += c;
    in_number = digit;
  }
  return out;
}

struct failure_group {
  std::string failure;  // the note, numbers blanked
  std::vector<const exploration_row*> rows;
};

// Failing or non-deterministic seeds by their failure: the largest group first, then the one
// whose first seed comes first; the seeds of a group in the order of the table.
std::vector<failure_group> failure_groups(const std::vector<exploration_row>& rows) {
  std::vector<failure_group> groups;
  for (const auto& row : rows) {
    if (row.passed && row.deterministic) continue;
    std::string failure = blank_numbers(row.note);
    auto at = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.failure == failure; });
    if (at == groups.end()) {
      groups.push_back({std::move(failure), {}});
      at = std::prev(groups.end());
    }
    at->rows.push_back(&row);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.rows.size() > b.rows.size(); });
  return groups;
}

constexpr std::size_t seeds_shown_per_group = 12;

std::string failure_groups_html(const std::vector<failure_group>& groups) {
  std::string out =
      "<h2>Failures, grouped</h2>\n<p class=\"groups-note\">Seeds whose notes differ only in their "
      "numbers are one failure; each seed links to its timeline.</p>\n";
  out += "<table class=\"groups\">\n<thead><tr><th>seeds</th><th>failure</th><th>which</th></tr></thead>\n<tbody>\n";
  for (const auto& g : groups) {
    out += "<tr><td class=\"count\">" + std::to_string(g.rows.size()) + "</td><td class=\"failure\">";
    append_html(out, g.failure);
    out += "</td><td class=\"which\">";
    for (std::size_t i = 0; i < g.rows.size() && i < seeds_shown_per_group; ++i) {
      const std::string seed = std::to_string(g.rows[i]->seed);
      if (i > 0) out += ", ";
      out += "<a href=\"#" + std::string(g.rows[i]->run ? "seed-" : "row-") + seed + "\">" + seed + "</a>";
    }
    if (g.rows.size() > seeds_shown_per_group) {
      out += " and " + std::to_string(g.rows.size() - seeds_shown_per_group) + " more";
    }
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

// The lowest failing (or non-deterministic) seed: the case to start from when nothing was shrunk.
std::optional<exploration_reproduction> lowest_failing_seed(const std::vector<exploration_row>& rows) {
  const exploration_row* lowest = nullptr;
  for (const auto& row : rows) {
    if (row.passed && row.deterministic) continue;
    if (!lowest || row.seed < lowest->seed) lowest = &row;
  }
  if (!lowest) return std::nullopt;
  exploration_reproduction r;
  r.seed = lowest->seed;
  r.failure = lowest->note;
  r.replay_command = lowest->run ? lowest->run->replay_command : lowest->replay_command;
  return r;
}

std::string reproductions_html(const std::vector<exploration_reproduction>& reproductions,
                               const std::vector<exploration_row>& rows) {
  std::string out;
  for (const auto& r : reproductions) {
    out += "<div class=\"reproduction\">\n<h2>";
    out += r.shrunk ? "Smallest reproduction" : "Lowest failing seed";
    if (!r.scenario.empty()) {
      out += ": ";
      append_html(out, r.scenario);
    }
    out += "</h2>\n<p class=\"failure\"><span class=\"label\">seed</span> ";
    const std::string seed = std::to_string(r.seed);
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& x) { return x.seed == r.seed; });
    if (row != rows.end()) {
      out += "<a href=\"#" + std::string(row->run ? "seed-" : "row-") + seed + "\">" + seed + "</a>";
    } else {
      out += seed;
    }
    out += " \u2014 ";
    append_html(out, r.failure);
    out += "</p>\n";
    for (const auto& d : r.details) {
      out += "<p class=\"detail\">";
      append_html(out, d);
      out += "</p>\n";
    }
    // One click selects the whole command (user-select: all), and it stays on one line.
    out += "<p class=\"replay\"><span class=\"label\">replay</span> <code class=\"command\">";
    append_html(out, r.replay_command);
    out += "</code></p>\n</div>\n";
  }
  return out;
}

}  // namespace

std::string render_exploration_html(std::string_view title, const std::vector<exploration_row>& rows,
                                    const std::vector<exploration_reproduction>& reproductions) {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t nondeterministic = 0;
  for (const auto& row : rows) {
    (row.passed ? passed : failed) += 1;
    if (!row.deterministic) ++nondeterministic;
  }
  std::string out = head("clockwork exploration \u2014 " + std::string(title));
  out += "<main>\n<p class=\"brand\"><b>clockwork</b> \u00b7 an exploration: one scenario under many seeds</p>\n";
  out += "<section class=\"exploration\" id=\"seeds\">\n<h1>";
  append_html(out, title);
  out += "</h1>\n<p class=\"totals\">" + std::to_string(rows.size()) + " seeds: <span class=\"pass\">" +
         std::to_string(passed) + " passed</span>, <span class=\"fail\">" + std::to_string(failed) +
         " failed</span>, <span class=\"nondet\">" + std::to_string(nondeterministic) +
         " not deterministic</span></p>\n";
  if (!reproductions.empty()) {
    out += reproductions_html(reproductions, rows);
  } else if (const auto lowest = lowest_failing_seed(rows)) {
    out += reproductions_html({*lowest}, rows);
  }
  const auto groups = failure_groups(rows);
  if (!groups.empty()) out += failure_groups_html(groups);
  out += "<h2>Seeds</h2>\n";
  if (!groups.empty() && passed > 0) {  // something to hide, and something left
    out += "<p class=\"filters\"><label><input type=\"checkbox\" id=\"failed-only\"> failed only</label></p>\n";
  }
  out +=
      "<table class=\"seeds\">\n<thead><tr><th>seed</th><th>result</th><th>note</th><th>replay</th>"
      "<th>timeline</th></tr></thead>\n<tbody>\n";
  std::vector<const timeline_run*> runs;
  std::string sections;
  for (const auto& row : rows) {
    const std::string seed = std::to_string(row.seed);
    const std::string anchor = "seed-" + seed;
    std::string cls = row.passed ? "pass" : "fail";
    if (!row.deterministic) cls += " nondet";
    out += "<tr class=\"" + cls + "\" data-seed=\"" + seed + "\" id=\"row-" + seed + "\"><td class=\"seed\">" + seed +
           "</td><td class=\"result\">";
    out += row.passed ? "\u2713 passed" : "\u2717 failed";
    if (!row.deterministic) out += " <span class=\"nondet-tag\">not deterministic</span>";
    out += "</td><td class=\"note\">";
    append_html(out, row.note);
    out += "</td><td class=\"replay\"><code>";
    append_html(out, row.run ? row.run->replay_command : row.replay_command);
    out += "</code></td><td>";
    if (row.run) {
      out += "<a href=\"#" + anchor + "\">timeline</a>";
      sections += run_section(*row.run, runs.size(), anchor, 2,
                              "<p class=\"back\"><a href=\"#seeds\">\u2191 back to the seeds</a></p>\n");
      runs.push_back(&*row.run);
    }
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
  out += sections;
  out += "</main>\n";
  out += tail(runs);
  return out;
}

void write_html(const std::string& html_text, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("clockwork::write_html: cannot write " + path.string());
  out.write(html_text.data(), static_cast<std::streamsize>(html_text.size()));
  out.flush();
  if (!out) throw std::runtime_error("clockwork::write_html: cannot write " + path.string());
}

}  // namespace clockwork
