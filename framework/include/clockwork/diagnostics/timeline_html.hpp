// clockwork::render_timeline_html — a picture of a run: one self-contained HTML file (inline CSS
// and vanilla JavaScript, nothing fetched) that shows a trace as a timeline, with what was judged
// of the run (when something was) on top.
//
// The page has a lane per service (the trace records' sources; a service's hooks fold into its
// lane), a lane for the host (host, scenario, simulation, runtime and block_on records) and one
// for the clock when wall time changed. Markers show runs, ticks, waits (delay armed → fired,
// when the trace recorded timers), retries and job failures, injected faults, findings (coloured
// by kind), log records at warning level and above, the service's life (started, stopping,
// stopped, abandoned) and, across every lane, clock steps and zone changes, the stop request and
// the shutdown deadline. It zooms from a year to a millisecond (wheel, pinch, drag, buttons,
// keys) with a time axis in run offset and UTC; hovering a marker shows the record's time,
// source, kind and every field. Busy traces stay fast: at coarse zoom a lane is drawn as a
// density, individual markers appear once few enough are in view.
//
// Without hovering anything, the page lists what went wrong (findings, faulted services and
// tasks, failed jobs, error logs: time, source, kind, whole message) and, under the lanes, a
// table of the runs: a service's `run` records, a recurring job's attempts and retries, a durable
// job's attempts (claimed → succeeded, retrying, failed, ...), with when each was due, started,
// how long it took, how it ended and which attempt it was.
//
// An exploration (one scenario under many seeds) renders as a table of seeds — passed, failed,
// not deterministic — each failing seed linking to its own timeline further down the same file,
// each with the command line that replays it. On top, the case to start from: a shrunk
// reproduction, or the lowest failing seed, with its replay command on one line.
//
// Every name, message and field is escaped: shown as text, never run as markup or script,
// including inside the page's embedded JSON.
//
// Example — production and test side by side:
//
//   // production: a real host's run, kept for a look when something went wrong
//   clockwork::timeline_run t;
//   t.title = "nightly import";
//   t.records = tr.records();  // see trace's thread-safety contract
//   t.origin = tr.origin();
//   clockwork::write_html(clockwork::render_timeline_html(t), "/var/log/app/import.html");
//   // test: a scenario's run with its verdict (clockwork/testing/timeline_html.hpp adapts it)
//   const auto s = *clockwork::scenarios::find_scenario("m2.delay_without_token.wrong");
//   const auto run = clockwork::testing::run_scenario(s);
//   clockwork::write_html(clockwork::testing::render_timeline_html(clockwork::testing::timeline_of(s, run)),
//                         "delay_without_token.html");
//
// Thread safety: pure functions over values; write_html writes one file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork {

// A real-host run: how simulated time mapped onto the machine and how faithfully it kept it.
struct timeline_real_host {
  double time_scale = 1.0;                 // simulated seconds per real second
  std::chrono::nanoseconds distortion{0};  // in simulated time
  std::chrono::nanoseconds resolution{0};  // the scenario's: what the distortion is judged against
  bool inconclusive = false;               // the distortion was past half the resolution
};

// What was expected of a run and what it came to, as the verdict panel shows it.
struct timeline_judgement {
  bool matched = false;
  std::string found;                        // the headline: "cancellation_ignored(deaf), abandoned(deaf)"
  std::vector<std::string> expected_lines;  // one claim a line: "finding cancellation_ignored deaf"
  std::vector<std::string> actual_lines;
};

// One run to draw.
struct timeline_run {
  std::string title;           // "nightly import"
  std::string summary;         // one line, may be empty
  std::string replay_command;  // how to run it again, may be empty
  // Empty for a trace drawn as it is: nothing was expected of it, and the page shows the run
  // without a verdict panel.
  std::optional<timeline_judgement> judgement;
  std::string error;  // an exception that ended the run early, if any
  std::vector<trace_record> records;
  steady_time origin{};  // offsets are measured from here (the run's start)
  // The host's shutdown timeout: the deadline is drawn this long after the host's stop request.
  std::optional<std::chrono::nanoseconds> shutdown_timeout;
  std::optional<timeline_real_host> real_host;
  // Where the page's stylesheet and script come from. Empty (the default): inline, one
  // self-contained file. A URL prefix: linked as PREFIX/timeline.css and PREFIX/timeline.js, for
  // a server whose Content-Security-Policy forbids inline code (the dashboard serves them from
  // timeline_stylesheet() and timeline_script()).
  std::string assets_url;
};

// The page for one run.
std::string render_timeline_html(const timeline_run& run);
// The page's stylesheet and script, for a server that links them (timeline_run::assets_url).
std::string_view timeline_stylesheet() noexcept;
std::string_view timeline_script() noexcept;

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

// The page for an exploration: the reproductions first (when none are given, the lowest failing
// seed of the rows, if any failed), the table of seeds, then a timeline per row that has a run.
std::string render_exploration_html(std::string_view title, const std::vector<exploration_row>& rows,
                                    const std::vector<exploration_reproduction>& reproductions = {});

// Writes html to path (created or truncated). Throws std::runtime_error naming the path when it
// cannot be written.
void write_html(const std::string& html, const std::filesystem::path& path);

}  // namespace clockwork
