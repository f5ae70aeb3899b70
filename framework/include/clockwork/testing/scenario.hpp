// clockwork::testing::scenario — a named, replayable story about background services: which
// section of the patterns it replays, the services it builds on a host, what it scripts (faults,
// clock steps, zone changes, drift, stop requests), how long it runs, and the verdict it
// expects. The catalogue in scenarios/ is made of these; a user writes one for their own
// service the same way.
//
// A scenario runs in virtual time (every instant exact, the trace byte-identical run after run)
// and — unless it declares itself virtual-only — on the real host too, where its resolution
// (the smallest interval its verdict depends on) picks the time scale and bounds the
// distortion a real run may show before its verdict counts as inconclusive.
//
// Example — a whole scenario for your own service, and its test:
//
//   clockwork::testing::scenario ticker_keeps_time() {
//     clockwork::testing::scenario s;
//     s.name = "my_ticker";
//     s.section = "my service";
//     s.summary = "ticks every minute for an hour, then stops cleanly";
//     s.span = std::chrono::hours(1);
//     s.resolution = std::chrono::seconds(10);
//     s.setup = [](clockwork::testing::scenario_world& w) { w.builder().add_hosted_service<my_ticker>("ticker"); };
//     s.count = [](clockwork::testing::scenario_world& w, clockwork::testing::verdict& v) {
//       v.count("ticks", w.count_records("tick", "ticker"));
//     };
//     s.expected.count("ticks", 60);
//     return s;
//   }
//   TEST(MyTicker, KeepsTime) {
//     const auto run = clockwork::testing::run_scenario(ticker_keeps_time());
//     EXPECT_TRUE(run.matched()) << run.report();
//   }
//
// Thread safety: a scenario is a description; running one builds everything it needs and
// shares nothing with another run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "clockwork/detectors/schedule_detector.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/chaos.hpp"
#include "clockwork/testing/log_capture.hpp"
#include "clockwork/testing/verdict.hpp"

namespace clockwork::testing {

// What a scenario's setup works with, whichever runtime it runs on.
class scenario_world {
 public:
  virtual ~scenario_world() = default;

  virtual host_builder& builder() = 0;
  virtual runtime& rt() = 0;
  // The host, once built (after setup).
  virtual host& app() = 0;
  virtual clockwork::trace& trace() = 0;
  virtual log_capture& logs() = 0;
  // True on the real-host cross-check.
  virtual bool real() const noexcept = 0;

  // Scripted events, at an offset from the start of the run.
  virtual void at(std::chrono::nanoseconds offset, std::string name, std::function<void()> fn) = 0;
  void request_stop_at(std::chrono::nanoseconds offset);
  // Wall-clock trouble: virtual time only (a scenario using them declares itself virtual-only).
  virtual void jump_wall_clock_at(std::chrono::nanoseconds offset, std::chrono::nanoseconds by) = 0;
  virtual void set_utc_at(std::chrono::nanoseconds offset, utc_time utc) = 0;
  virtual void set_drift_at(std::chrono::nanoseconds offset, double ppm) = 0;
  virtual void set_local_zone_at(std::chrono::nanoseconds offset, std::string zone) = 0;
  // A service's declared schedule, checked in wall time at the end (missed_run, duplicate_run).
  virtual void expect_runs(std::string service, run_schedule schedule) = 0;

  // Helpers for counts.
  std::int64_t count_records(std::string_view kind, std::string_view source);
  std::int64_t count_records(std::string_view kind);
  std::int64_t count_logs(std::string_view text);
};

struct scenario {
  std::string name;     // unique, a word: "pattern3.while_delay_drifts"
  std::string section;  // the part of the patterns document it replays: "Pattern 3"
  std::string variant;  // "wrong", "right", or empty when the section shows one way
  std::string summary;  // one line
  // The simulated time the run lasts; the host is stopped at its end if nothing stopped it.
  // End it between the services' events, at least a resolution away from any: on the real host,
  // which of two events a few milliseconds apart comes first is up to the machine.
  std::chrono::nanoseconds span = std::chrono::hours(1);
  // After the host stopped, how long the runtime goes on, so that what the stop abandoned can
  // end and say by how much it overshot (service_ended_after_abandon).
  std::chrono::nanoseconds drain_after_stop{0};
  // The host's options (shutdown timeout, policies, ...), and when to start it.
  host_options host;
  // The runtime's: the step budget, the modeled-work budgets.
  std::uint64_t step_budget = 1'000'000;
  std::chrono::nanoseconds blocking_budget = std::chrono::milliseconds(50);
  // The wall-clock start and zone of the run.
  utc_time start_utc{std::chrono::seconds(1767225600)};  // 2026-01-01T00:00:00Z
  std::string zone = "UTC";
  // The services' log records from this level up reach the capture and the trace. Debug by
  // default; a scenario explored under thousands of seeds may log as production does (info),
  // since formatting and recording a line per item is most of a cheap run's cost.
  spdlog::level::level_enum log_level = spdlog::level::debug;

  // The golden trace is kept as a digest (trace_digest: its first and last lines, its length and
  // a hash) instead of whole: for runs whose traces are tens of thousands of lines long.
  bool golden_digest = false;

  std::function<void(scenario_world&)> setup;
  std::function<void(scenario_world&, verdict&)> count;  // optional
  verdict expected;
  // What must hold at the end of every run, whatever faults were injected (explore.hpp):
  // nothing, or why it does not ("user 7 has no log for 2026-01-05"). Optional.
  std::function<std::optional<std::string>(scenario_world&)> invariant;
  // Exploration (explore.hpp): the faults to inject unless told otherwise (unset: explore's
  // defaults), and how much wall-clock trouble a seed may add (none unless declared).
  std::optional<chaos_options> chaos;
  clock_trouble_limits clock_trouble;

  // The real-host cross-check: the smallest interval the verdict depends on. Unset: the
  // scenario runs in virtual time only, for the reason given.
  std::optional<std::chrono::nanoseconds> resolution;
  std::string virtual_only_reason;
};

struct run_options {
  std::uint64_t seed = 0;  // 0: same-instant events in arm order; otherwise shuffled from it
  // Virtual time: faults injected from the seed (chaos.hpp), with at most chaos_budget of them.
  std::optional<chaos_options> chaos;
  std::optional<std::uint64_t> chaos_budget;
  // Virtual time: runs for this span instead of the scenario's (shrinking shortens it).
  std::optional<std::chrono::nanoseconds> span;
  // Keep the trace, as text and as records (off: only its hash, which is much cheaper).
  bool render_trace = true;
  // The log level instead of the scenario's (a replay that wants every debug line).
  std::optional<spdlog::level::level_enum> log_level;
  bool real = false;  // the real-host cross-check instead of virtual time
  // Real host: overrides the time scale chosen from the resolution.
  std::optional<double> time_scale;
  // Real host: the real time the resolution maps to (the chosen scale makes one resolution
  // last this long on the real clock).
  std::chrono::nanoseconds real_resolution = std::chrono::milliseconds(10);
};

struct scenario_run {
  std::string name;
  verdict expected;
  verdict actual;
  std::string trace_text;             // the trace, rendered (origin: the run's start)
  std::vector<trace_record> records;  // the same trace as records (timeline_html.hpp draws them)
  steady_time origin{};               // the run's start: where trace_text's offsets count from
  bool real = false;
  double time_scale = 1.0;
  // Real host: how far the machine distorted the run, in simulated time, and whether that was
  // past the resolution (the verdict then proves nothing).
  std::chrono::nanoseconds distortion{0};
  bool inconclusive = false;
  std::string error;  // an exception that ended the run early, if any
  // What the invariant said, when it did not hold.
  std::optional<std::string> invariant_failure;
  // The faults chaos injected, in order, and the kinds the seed turned on.
  std::vector<chaos::record> injected;
  std::string chaos_kinds;
  // A hash of every trace record (sequence, times, source, kind, fields): equal traces, equal
  // hashes; computed whether or not the text is rendered.
  std::uint64_t trace_hash = 0;

  bool matched() const { return !inconclusive && actual == expected; }
  // What happened, readably: the verdicts side by side when they differ.
  std::string report() const;
};

// Runs a scenario (virtual time by default). Never throws for what the scenario's services do:
// deadlocks, faults and timeouts end up in the verdict.
scenario_run run_scenario(const scenario& s, const run_options& options = {});

// The time scale a real-host run of s uses by default: its resolution lasts
// options.real_resolution of real time, within real_runtime's bounds.
double time_scale_for(const scenario& s, const run_options& options = {});

}  // namespace clockwork::testing
