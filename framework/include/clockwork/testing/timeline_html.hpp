// clockwork::testing — the HTML timeline (clockwork/diagnostics/timeline_html.hpp) for scenario
// runs: a run with its verdict, ready to draw. The renderer itself is production code, in
// clockwork::framework; this header adds what depends on the testing types (scenario, verdict,
// exploration) and converts them to the renderer's plain values: the verdict panel becomes a
// headline and the expected and actual verdicts line by line.
//
// The names clockwork::testing has always offered keep working: timeline_run and exploration_row
// (with their verdicts), render_timeline_html, render_exploration_html, write_html.
//
// Example — production and test side by side:
//
//   // test: a scenario's run, drawn with its verdict
//   const auto s = *clockwork::scenarios::find_scenario("m2.delay_without_token.wrong");
//   const auto run = clockwork::testing::run_scenario(s);
//   clockwork::testing::write_html(clockwork::testing::render_timeline_html(clockwork::testing::timeline_of(s, run)),
//                                  "delay_without_token.html");
//   // production: any trace of your own, without GoogleTest (clockwork::render_timeline_html)
//   clockwork::timeline_run t;
//   t.title = "nightly import";
//   t.records = tr.records();  // see trace's thread-safety contract
//   t.origin = tr.origin();
//   clockwork::write_html(clockwork::render_timeline_html(t), "import.html");
//
// Thread safety: pure functions over values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/timeline_html.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/scenario.hpp"
#include "clockwork/testing/verdict.hpp"

namespace clockwork::testing {

using clockwork::exploration_reproduction;
using clockwork::timeline_real_host;
using clockwork::write_html;

// One run to draw, with its verdicts.
struct timeline_run {
  std::string title;           // "m2.delay_without_token.wrong"
  std::string summary;         // one line, may be empty
  std::string replay_command;  // "clockwork-replay --scenario m2.delay_without_token.wrong", may be empty
  verdict expected;
  verdict actual;
  bool matched = false;
  // False for a saved trace drawn as it is (clockwork-timeline --from-trace): nothing was
  // expected of it, and the page shows the run without a verdict panel.
  bool judged = true;
  std::string error;  // an exception that ended the run early, if any
  std::vector<trace_record> records;
  steady_time origin{};  // offsets are measured from here (the run's start)
  // The host's shutdown timeout: the deadline is drawn this long after the host's stop request.
  std::optional<std::chrono::nanoseconds> shutdown_timeout;
  std::optional<timeline_real_host> real_host;
};

// A scenario's run, ready to draw (title, summary, verdicts, records, shutdown timeout, real-host
// figures, replay command).
timeline_run timeline_of(const scenario& s, const scenario_run& run, const run_options& options = {});

// The renderer's value: the verdicts as a headline and lines of text.
clockwork::timeline_run to_timeline(const timeline_run& run);

// The page for one run.
std::string render_timeline_html(const timeline_run& run);

// One seed of an exploration.
struct exploration_row {
  std::uint64_t seed = 0;
  bool passed = false;
  bool deterministic = true;   // false: the seed's two runs differed
  std::string note;            // e.g. the findings headline
  std::string replay_command;  // used when run is empty (otherwise run->replay_command)
  // The run's timeline, drawn below the table and linked from its row (typically failing seeds only).
  std::optional<timeline_run> run;
};

// The exploration's shrunk reproduction, if it has one.
std::optional<exploration_reproduction> reproduction_of(const exploration& e);

// The page for an exploration (clockwork::render_exploration_html): the reproductions first
// (when none are given, the lowest failing seed), the table of seeds, a timeline per row with a run.
std::string render_exploration_html(std::string_view title, const std::vector<exploration_row>& rows,
                                    const std::vector<exploration_reproduction>& reproductions = {});

}  // namespace clockwork::testing
