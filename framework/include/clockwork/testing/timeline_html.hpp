// clockwork::testing — a picture of a run: one self-contained HTML file (inline CSS and vanilla
// JavaScript, nothing fetched) that shows a scenario's run as a timeline, with its verdict on top.
//
// The page has a lane per service (the trace records' sources; a service's hooks fold into its
// lane), a lane for the host (host, scenario, simulation, runtime and block_on records) and one
// for the clock when wall time changed. Markers show runs, ticks, waits (delay armed → fired,
// when the trace recorded timers), retries and job failures, injected faults, findings (coloured
// by kind), log records at warning level and above, the service's life (started, stopping,
// stopped, abandoned) and, across every lane, clock steps and zone changes, the stop request and
// the shutdown deadline. It zooms from a year to a millisecond (wheel, pinch, drag, buttons, keys) with a time
// axis in run offset and UTC; hovering a marker shows the record's time, source, kind and every
// field. Busy traces stay fast: at coarse zoom a lane is drawn as a density, individual markers
// appear once few enough are in view.
//
// An exploration (one scenario under many seeds) renders as a table of seeds — passed, failed,
// not deterministic — each failing seed linking to its own timeline further down the same file,
// each with the command line that replays it. On top, the case to start from: the reproduction
// shrinking found (explore.hpp), or the lowest failing seed, with its replay command on one line.
//
// Every name, message and field is escaped: shown as text, never run as markup or script,
// including inside the page's embedded JSON.
//
// Example:
//
//   const auto s = *clockwork::scenarios::find_scenario("m2.delay_without_token.wrong");
//   const auto run = clockwork::testing::run_scenario(s);
//   clockwork::testing::write_html(clockwork::testing::render_timeline_html(clockwork::testing::timeline_of(s, run)),
//                                  "delay_without_token.html");
//   // or from any trace of your own:
//   clockwork::testing::timeline_run t;
//   t.title = "nightly import";
//   t.records = tr.records();          // see trace's thread-safety contract
//   t.origin = tr.origin();
//   clockwork::testing::write_html(clockwork::testing::render_timeline_html(t), "import.html");
//
// Thread safety: pure functions over values.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/scenario.hpp"
#include "clockwork/testing/verdict.hpp"

namespace clockwork::testing {

// A real-host run: how simulated time mapped onto the machine and how faithfully it kept it.
struct timeline_real_host {
  double time_scale = 1.0;                 // simulated seconds per real second
  std::chrono::nanoseconds distortion{0};  // in simulated time
  std::chrono::nanoseconds resolution{0};  // the scenario's: what the distortion is judged against
  bool inconclusive = false;               // the distortion was past half the resolution
};

// One run to draw.
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

// The failing case an exploration's page shows first: the smaller reproduction shrinking found,
// or, when nothing was shrunk, the lowest failing seed.
struct exploration_reproduction {
  std::string scenario;  // which scenario, when the page explores several; may be empty
  std::uint64_t seed = 0;
  bool shrunk = false;  // true: smaller than the seed's own run (fewer faults, a shorter span)
  std::string failure;
  std::vector<std::string> details;  // e.g. "1 fault(s) over 00:10:00.000", "fault 3: store.insert: throws"
  std::string replay_command;
};

// The exploration's shrunk reproduction, if it has one.
std::optional<exploration_reproduction> reproduction_of(const exploration& e);

// The page for an exploration: the reproductions first (when none are given, the lowest failing
// seed of the rows, if any failed), the table of seeds, then a timeline per row that has a run.
std::string render_exploration_html(std::string_view title, const std::vector<exploration_row>& rows,
                                    const std::vector<exploration_reproduction>& reproductions = {});

// Writes html to path (created or truncated). Throws std::runtime_error naming the path when it
// cannot be written.
void write_html(const std::string& html, const std::filesystem::path& path);

}  // namespace clockwork::testing
