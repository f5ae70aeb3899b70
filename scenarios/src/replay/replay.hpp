// Internal to clockwork-replay: the program's parts, one file each — the catalogue runner and
// its reports (catalogue.cpp, reports.cpp), exploration and chaos replays (explore.cpp), the
// demos (demos.cpp), the checks of option values (checks.cpp), the command line (main.cpp). What
// it shares with clockwork-timeline (the scenarios both accept, output files, progress, exit
// codes) is in ../commands/.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/testing/scenario.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::testing {
struct exploration_summary;
}

namespace clockwork::replay {

// ---- the catalogue ----
// Faults injected from the seed (--chaos, --chaos-set, --chaos-budget, --span).
struct chaos_args {
  bool on = false;                // --chaos: replay one seed with faults
  std::vector<std::string> sets;  // --chaos-set name=value, applied to the scenario's own chaos
  std::optional<std::uint64_t> budget;
  std::string span;  // --span, as typed ("6h", "2d3h")
  // The span, parsed; std::invalid_argument naming --span when it does not parse.
  std::optional<std::chrono::nanoseconds> span_value() const;
};

// Refuses (std::invalid_argument naming --span) a span after which s would still be running
// past the end of the clock's range (2262-04-11), with the longest span s can take.
void check_span_fits(const testing::scenario& s, std::chrono::nanoseconds span, const std::string& as_typed,
                     std::chrono::nanoseconds clock_step = {});

struct catalogue_args {
  std::vector<std::string> names;  // --scenario (empty: --all or the default run)
  bool all = false;
  std::uint64_t seed = 0;
  bool real = false;                 // cross-check every chosen scenario on the real host
  bool strict_real = false;          // --strict-real: an inconclusive cross-check exits 77
  std::optional<double> time_scale;  // --time-scale with --real: instead of each scenario's
  std::string junit_path;
  std::string json_path;
  std::string trace_dir;
  std::string html_path;           // --html: the timeline page of the run (one scenario) or exploration
  std::string chrome_trace_path;   // --chrome-trace: the run (one scenario) as Chrome trace events
  std::uint64_t explore = 0;       // --explore N: N seeds under chaos (0: no exploration)
  double determinism_check = 0.1;  // --determinism-check: the fraction of seeds run twice
  bool first_failure = false;      // --first-failure: stop exploring at the first failing seed
  unsigned jobs = 1;               // --jobs: threads that explore seeds (0: one per core)
  std::string shard;               // --shard I/N, env or k8s/N: explore only this shard's block of seeds
  std::string shard_dir;           // --shard-dir: where a shard writes its files (default: here)
  std::string log_level;           // --log-level: instead of each scenario's (empty: theirs)
  chaos_args chaos;
};

// One scenario's outcome: virtual time, and the real host when it was cross-checked. The real
// seconds each run took are for the JUnit report's `time` only.
struct scenario_outcome {
  testing::scenario scenario;
  testing::scenario_run virtual_run;
  std::optional<testing::scenario_run> real_run;
  std::string real_skipped;  // why it was not cross-checked, when it was not
  double virtual_seconds = 0;
  double real_seconds = 0;
  std::string replay_command;       // the command that replays the virtual run
  std::string real_replay_command;  // ... and the real cross-check
  std::string trace_file;           // where --trace wrote the virtual run's trace (empty: nowhere)
};

// When and how long the whole run took, on the real clock: the JUnit report's `timestamp` and
// `time`, nothing else.
struct run_times {
  std::string timestamp;  // UTC, "2026-05-04T09:30:00"
  double seconds = 0;
};

// Prints every scenario clockwork-replay knows, one line a scenario.
int list_catalogue();
// Runs the chosen scenarios, prints a line each (and a progress line on a terminal), writes the
// reports asked for. Exit codes: commands/exit_codes.hpp (0 matched, 1 a mismatch, 77 only with
// --strict-real when a real run was inconclusive); bad input throws std::invalid_argument
// before anything is written.
int run_catalogue(const catalogue_args& args);

// Exploration (explore.cpp): N seeds of each chosen scenario under chaos, the report, the page.
int run_exploration(const std::vector<testing::scenario>& chosen, const catalogue_args& args);
// One seed of each chosen scenario under chaos: the verdict by exploration's rules, the faults.
int run_chaos_replay(const std::vector<testing::scenario>& chosen, const catalogue_args& args);

// JUnit XML as Jenkins, GitLab and GoogleTest read it: a <testsuite> for virtual time and one for
// the real host; a case per run, classname the scenario's section (without dots, which Jenkins
// takes for packages), its replay command and trace in <system-out>.
void write_junit(const std::vector<scenario_outcome>& outcomes, const run_times& times,
                 const std::filesystem::path& file);
// An exploration (each scenario's, or a shard's part of it) as JUnit XML: a <testsuite> per
// scenario with a case for its seeds as a whole and a case per failing or not-deterministic seed
// (the first 100; the failing-seeds file has them all), each with its replay command.
void write_exploration_junit(const std::vector<testing::exploration_summary>& explored, const run_times& times,
                             const std::filesystem::path& file);
// "2026-05-04T09:30:00": the real clock's now in UTC, for the JUnit report's timestamp only.
std::string junit_timestamp(utc_time now);
// "1. Basic Implementation" -> "1 Basic Implementation": the section as a JUnit classname.
std::string junit_classname(const std::string& section);
void write_json(const std::vector<scenario_outcome>& outcomes, const std::filesystem::path& file);

// ---- the demos ----
struct daily_log_args {
  int days = 30;
  std::uint32_t users = 100;
  std::uint32_t inactive_every = 10;
  bool no_faults = false;
  bool real = false;
  bool strict_real = false;
  double time_scale = 3'600'000.0;  // 1 simulated hour per real millisecond
  std::string trace_path;
};
int run_daily_log(const daily_log_args& args);
int run_month(int days);
std::filesystem::path default_trace_path();

// ---- shared ----
// A whole number in [lo, hi], saying "not a number" for what is not one.
CLI::Validator whole_number_in(long long lo, long long hi);
// "%g": short whatever the value (never DBL_MAX's 300 digits).
std::string short_number(double v);
// What a command wrote, on standard output: "wrote the JUnit report: build/a.xml".
void say_wrote(const std::string& what, const std::filesystem::path& where);

}  // namespace clockwork::replay
