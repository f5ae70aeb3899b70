#include "clockwork/testing/timeline_html.hpp"

#include "clockwork/time/time_format.hpp"

namespace clockwork::testing {
namespace {

// A verdict's text, one claim a line: what the verdict panel compares side by side.
// The verdict's text, a line an entry.
std::vector<std::string> text_lines(const verdict& v) {
  std::vector<std::string> out;
  const std::string text = v.to_text();
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

}  // namespace

timeline_run timeline_of(const scenario& s, const scenario_run& run, const run_options& options) {
  timeline_run t;
  t.title = s.name;
  t.summary = s.summary;
  t.replay_command = replay_command(s, options);
  t.expected = run.expected;
  t.actual = run.actual;
  t.matched = run.matched();
  t.error = run.error;
  t.records = run.records;
  t.origin = run.origin;
  t.shutdown_timeout = s.host.shutdown_timeout;
  if (run.real) {
    timeline_real_host r;
    r.time_scale = run.time_scale;
    r.distortion = run.distortion;
    r.resolution = s.resolution.value_or(std::chrono::nanoseconds{0});
    r.inconclusive = run.inconclusive;
    t.real_host = r;
  }
  return t;
}

clockwork::timeline_run to_timeline(const timeline_run& run) {
  clockwork::timeline_run t;
  t.title = run.title;
  t.summary = run.summary;
  t.replay_command = run.replay_command;
  if (run.judged) {
    t.judgement =
        timeline_judgement{run.matched, run.actual.headline(), text_lines(run.expected), text_lines(run.actual)};
  }
  t.error = run.error;
  t.records = run.records;
  t.origin = run.origin;
  t.shutdown_timeout = run.shutdown_timeout;
  t.real_host = run.real_host;
  return t;
}

std::string render_timeline_html(const timeline_run& run) {
  return clockwork::render_timeline_html(to_timeline(run));
}

std::optional<exploration_reproduction> reproduction_of(const exploration& e) {
  if (!e.shrunk) return std::nullopt;
  const reproduction& s = *e.shrunk;
  exploration_reproduction r;
  r.scenario = e.scenario;
  r.seed = s.seed;
  r.shrunk = true;
  r.failure = s.failure;
  r.details.push_back(std::to_string(s.fault_budget) + " fault(s) over " + format_duration(s.span));
  for (const auto& f : s.faults)
    r.details.push_back("fault " + std::to_string(f.index) + ": " + f.site + ": " + f.what);
  r.replay_command = s.command;
  return r;
}

std::string render_exploration_html(std::string_view title, const std::vector<exploration_row>& rows,
                                    const std::vector<exploration_reproduction>& reproductions) {
  std::vector<clockwork::exploration_row> converted;
  converted.reserve(rows.size());
  for (const auto& row : rows) {
    clockwork::exploration_row c;
    c.seed = row.seed;
    c.passed = row.passed;
    c.deterministic = row.deterministic;
    c.note = row.note;
    c.replay_command = row.replay_command;
    if (row.run) c.run = to_timeline(*row.run);
    converted.push_back(std::move(c));
  }
  return clockwork::render_exploration_html(title, converted, reproductions);
}

}  // namespace clockwork::testing
