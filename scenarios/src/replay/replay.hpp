// Internal to clockwork-replay: the program's parts, one file each — the catalogue runner and
// its reports (catalogue.cpp, reports.cpp), the demos (demos.cpp), the command line (main.cpp).
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

namespace clockwork::replay {

// The exit code of a run whose verdict is inconclusive (the machine distorted a real run past
// the scenario's resolution): ctest counts it as skipped, never as passed.
inline constexpr int inconclusive_exit_code = 77;

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

struct catalogue_args {
  std::vector<std::string> names;  // --scenario (empty: --all or the default run)
  bool all = false;
  std::uint64_t seed = 0;
  bool real = false;  // cross-check every chosen scenario on the real host
  std::string junit_path;
  std::string json_path;
  std::string trace_dir;
  std::string html_path;           // --html: the timeline page of the run (one scenario) or exploration
  std::uint64_t explore = 0;       // --explore N: N seeds under chaos (0: no exploration)
  double determinism_check = 0.1;  // --determinism-check: the fraction of seeds run twice
  bool first_failure = false;      // --first-failure: stop exploring at the first failing seed
  std::string log_level;           // --log-level: instead of each scenario's (empty: theirs)
  chaos_args chaos;
};

// One scenario's outcome: virtual time, and the real host when it was cross-checked.
struct scenario_outcome {
  testing::scenario scenario;
  testing::scenario_run virtual_run;
  std::optional<testing::scenario_run> real_run;
  std::string real_skipped;  // why it was not cross-checked, when it was not
};

// Prints the catalogue, one line a scenario.
int list_catalogue();
// Runs the chosen scenarios, prints a line each (and a progress line on a terminal), writes the
// reports asked for; 0 when every verdict matched, 1 on a mismatch, 77 when none mismatched but
// a real run was inconclusive, 2 for bad input.
int run_catalogue(const catalogue_args& args);

// Exploration (explore.cpp): N seeds of each chosen scenario under chaos, the report, the page.
int run_exploration(const std::vector<testing::scenario>& chosen, const catalogue_args& args);
// One seed of each chosen scenario under chaos: the verdict by exploration's rules, the faults.
int run_chaos_replay(const std::vector<testing::scenario>& chosen, const catalogue_args& args);

void write_junit(const std::vector<scenario_outcome>& outcomes, const std::filesystem::path& file);
void write_json(const std::vector<scenario_outcome>& outcomes, const std::filesystem::path& file);

// ---- the demos ----
struct daily_log_args {
  int days = 30;
  std::uint32_t users = 100;
  std::uint32_t inactive_every = 10;
  bool no_faults = false;
  bool real = false;
  double time_scale = 3'600'000.0;  // 1 simulated hour per real millisecond
  std::string trace_path;
};
int run_daily_log(const daily_log_args& args);
int run_month(int days);
std::filesystem::path default_trace_path();

// ---- shared ----
// Refuses, before anything runs, a file that cannot be written: its folder must exist (none is
// created — a typo must not make folders at the root) and be writable.
void check_writable(const std::filesystem::path& file, std::string_view flag);
// The same for a folder to write into.
void check_writable_folder(const std::filesystem::path& folder, std::string_view flag);
// A whole number in [lo, hi], saying "not a number" for what is not one.
CLI::Validator whole_number_in(long long lo, long long hi);
// "%g": short whatever the value (never DBL_MAX's 300 digits).
std::string short_number(double v);

}  // namespace clockwork::replay
