// clockwork-replay: replays clockwork's scenario catalogue (and its demos) and says what it found.
//
//   clockwork-replay                         the whole catalogue in virtual time, a handful of it
//                                            cross-checked on the real host (the main job)
//   clockwork-replay --list                  name, section, variant and summary of every scenario
//   clockwork-replay --scenario NAME ...     those scenarios (repeatable); --all for every one
//   clockwork-replay --all --real            every scenario that can, cross-checked on the real host
//   clockwork-replay --junit F --json F      verdicts for CI; --trace DIR: a trace per scenario
//                                            (missing folders are made, once every option passed)
//   clockwork-replay --seed S                same-instant events in another order, from the seed
//   clockwork-replay --scenario X --explore N [--chaos-set name=value ...] [--html F]
//                                            N seeds with faults injected: the first failing
//                                            seed, shrunk, and the command that replays it
//                                            (progress on standard error)
//   clockwork-replay --scenario X --explore N --shard I/N|env|k8s/N [--shard-dir D]
//                                            one shard's block of those seeds; its failing seeds
//                                            and JUnit in D (docs/explore.md, "On many machines")
//   clockwork-replay --merge FILE... [--junit F] [--html F]
//                                            the shards joined: the whole exploration's report
//   clockwork-replay --scenario X --seed S --chaos [--chaos-set ...] [--chaos-budget B] [--span D]
//                                            one seed of that exploration, replayed
//   clockwork-replay --scenario X --html F   the run's timeline as one HTML file
//   clockwork-replay --demo daily_log [--days N --users N --real --time-scale S --trace FILE]
//   clockwork-replay --demo month [--days N]
//
// Exit code (docs/scenarios.md, "Exit codes"): 0 when every verdict matched, 1 on a mismatch or
// a failing seed, 2 for bad input (refused before anything was written). A real-host run the
// machine distorted is inconclusive: said in the output and the reports, and exit code 77 only
// with --strict-real.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "../commands/exit_codes.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/version.hpp"
#include "replay.hpp"
#include "shards.hpp"

int main(int argc, char** argv) {
  using namespace clockwork::replay;
  CLI::App app{
      "clockwork-replay: replays the background-service scenarios of clockwork's catalogue, in virtual "
      "time and on the real host, and says what it found"};
  bool list = false;
  catalogue_args catalogue;
  std::string demo;
  daily_log_args daily;
  merge_args merge;
  app.add_flag("--list", list, "list the catalogue: name, section, variant, summary");
  app.add_option("--scenario", catalogue.names, "run this scenario (repeatable); see --list");
  app.add_flag("--all", catalogue.all, "run every scenario of the catalogue");
  app.add_option("--seed", catalogue.seed, "order same-instant events from this seed (0: arm order)");
  app.add_flag("--real", catalogue.real,
               "cross-check on the real host (catalogue); run the demo on real_runtime (--demo daily_log)");
  app.add_flag("--strict-real", catalogue.strict_real,
               "exit 77 when a real-host run was inconclusive (the machine distorted it) and nothing mismatched; "
               "without it an inconclusive run is reported but exits 0");
  app.add_option("--explore", catalogue.explore,
                 "explore: run the --scenario under this many seeds (from --seed, default 1) with faults injected; "
                 "report the first failing seed, shrunk, with its replay command")
      ->check(whole_number_in(1, 100'000'000));
  app.add_flag("--chaos", catalogue.chaos.on, "replay one seed (--seed) of the --scenario with faults injected");
  app.add_option("--chaos-set", catalogue.chaos.sets,
                 "with --chaos or --explore: set a chaos option, name=value (repeatable): wait_error, wait_slow, "
                 "max_slowdown, operation_error, operation_slow, max_spike, kind_enabled, clock_step, clock_drift, "
                 "budget (probabilities in [0, 1], durations like 30s or 5min)");
  app.add_option("--chaos-budget", catalogue.chaos.budget, "with --chaos or --explore: at most this many faults a run");
  app.add_option("--span", catalogue.chaos.span,
                 "virtual time: run for this span instead of the scenario's (e.g. 6h, 2d3h); a single run or --chaos, "
                 "not --explore or --real");
  app.add_option("--determinism-check", catalogue.determinism_check,
                 "with --explore: the fraction of seeds run twice to check determinism (1: every seed)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (end != value.c_str() && *end == '\0' && v >= 0.0 && v <= 1.0) return {};
            return "must be a fraction in [0, 1], got " + value;
          },
          "in [0, 1]"));
  app.add_option("--log-level", catalogue.log_level,
                 "record the services' log lines from this level up, instead of each scenario's level "
                 "(e.g. debug to see every line of a seed explored at info)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warning", "error", "critical", "off"}));
  app.add_flag("--first-failure", catalogue.first_failure,
               "with --explore: stop at the first failing seed (then shrink it)");
  app.add_option("--jobs", catalogue.jobs,
                 "with --explore: run seeds on this many threads (0: one per core); the result is the same "
                 "whatever the number")
      ->check(whole_number_in(0, 1024));
  app.add_option("--shard", catalogue.shard,
                 "with --explore: run one shard's block of the seeds — I/N (0-based), env (GTEST_SHARD_INDEX and "
                 "GTEST_TOTAL_SHARDS), or k8s/N (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job) — and write "
                 "failing-seeds-I-of-N.jsonl and junit-I-of-N.xml for --merge");
  app.add_option("--shard-dir", catalogue.shard_dir, "with --shard: the folder for the shard's files (default: here)");
  app.add_option("--merge", merge.files,
                 "join the failing-seeds files of an exploration's shards: the whole exploration's report (with "
                 "--junit and --html, its JUnit report and page, the failing seeds re-run to draw them)")
      ->expected(1, -1);
  app.add_option("--html", catalogue.html_path,
                 "write the run's timeline (one --scenario) or the exploration's table of seeds as one HTML file");
  app.add_option("--chrome-trace", catalogue.chrome_trace_path,
                 "write the run (one --scenario, or one --chaos seed) in the Chrome trace event format, for "
                 "Perfetto (ui.perfetto.dev) and chrome://tracing");
  app.add_option("--junit", catalogue.junit_path,
                 "write the verdicts (with --explore or --merge: the seeds that failed) as JUnit XML to this file");
  app.add_option("--json", catalogue.json_path, "write the verdicts as JSON to this file");
  auto* trace = app.add_option("--trace", catalogue.trace_dir,
                               "catalogue: a folder for one trace file per scenario; --demo daily_log: the trace "
                               "file (JSON lines beside it, as .jsonl)");
  app.add_option("--demo", demo, "run a demo instead of the catalogue: daily_log or month")
      ->check(CLI::IsMember({"daily_log", "month"}));
  app.add_option("--days", daily.days, "demo: simulated days")->check(whole_number_in(1, 3650));
  app.add_option("--users", daily.users, "daily_log demo: users")->check(whole_number_in(1, 1'000'000));
  app.add_option("--inactive-every", daily.inactive_every, "daily_log demo: every n-th user is inactive (0: none)")
      ->check(whole_number_in(0, 1'000'000));
  app.add_flag("--no-faults", daily.no_faults, "daily_log demo: inject no faults");
  auto* time_scale =
      app.add_option("--time-scale", daily.time_scale,
                     "with --real: simulated seconds per real second (default: the demo's 3600000; for the "
                     "catalogue, each scenario's, which makes its resolution last 10 ms)")
          ->check(CLI::Validator(
              [](std::string& value) -> std::string {
                const double v = std::strtod(value.c_str(), nullptr);
                const double lo = clockwork::real_runtime_options::min_time_scale;
                const double hi = clockwork::real_runtime_options::max_time_scale;
                if (v >= lo && v <= hi) return {};
                return "must be a number in [" + short_number(lo) + ", " + short_number(hi) + "], got " + value;
              },
              "in [1e-06, 1e+07]"));
  app.set_version_flag("--version", std::string("clockwork-replay ") + CLOCKWORK_VERSION_STRING);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int printed = app.exit(e);  // help (0) or the error (non-zero)
    return printed == 0 ? 0 : clockwork::commands::exit_bad_input;
  }
  try {
    const auto refuse = [&app](std::initializer_list<const char*> flags, const char* what) {
      for (const char* flag : flags) {
        if (app.count(flag) > 0) throw std::invalid_argument(std::string(flag) + " " + what);
      }
    };
    if (!merge.files.empty()) {
      refuse({"--list",          "--scenario",   "--all",          "--seed",      "--real",
              "--strict-real",   "--time-scale", "--json",         "--trace",     "--explore",
              "--chaos",         "--chaos-set",  "--chaos-budget", "--span",      "--determinism-check",
              "--first-failure", "--jobs",       "--shard",        "--shard-dir", "--log-level",
              "--chrome-trace",  "--demo",       "--days",         "--users",     "--inactive-every",
              "--no-faults"},
             "does not apply to --merge (the shards' files say what was explored)");
      merge.junit_path = catalogue.junit_path;
      merge.html_path = catalogue.html_path;
      return run_merge(merge);
    }
    if (demo.empty()) {
      refuse({"--days", "--users", "--inactive-every", "--no-faults"}, "applies to --demo only");
      if (list) {
        refuse({"--scenario",      "--all",       "--seed",         "--real",      "--strict-real",
                "--time-scale",    "--junit",     "--json",         "--trace",     "--explore",
                "--chaos",         "--chaos-set", "--chaos-budget", "--span",      "--determinism-check",
                "--first-failure", "--jobs",      "--shard",        "--shard-dir", "--html",
                "--log-level"},
               "does not apply to --list");
        return list_catalogue();
      }
      if (catalogue.all && !catalogue.names.empty())
        throw std::invalid_argument("--all and --scenario exclude each other");
      if (catalogue.explore > 0 && catalogue.chaos.on) {
        throw std::invalid_argument(
            "--explore and --chaos exclude each other (--chaos replays one seed of an exploration)");
      }
      if ((app.count("--determinism-check") > 0 || catalogue.first_failure) && catalogue.explore == 0) {
        throw std::invalid_argument(std::string(catalogue.first_failure ? "--first-failure" : "--determinism-check") +
                                    " applies only with --explore");
      }
      if (app.count("--jobs") > 0 && catalogue.explore == 0)
        throw std::invalid_argument("--jobs applies only with --explore");
      if (app.count("--shard") > 0 && catalogue.explore == 0)
        throw std::invalid_argument("--shard applies only with --explore");
      if (app.count("--shard-dir") > 0 && app.count("--shard") == 0)
        throw std::invalid_argument("--shard-dir applies only with --shard");
      if (time_scale->count() > 0) catalogue.time_scale = daily.time_scale;
      return run_catalogue(catalogue);
    }
    refuse({"--list", "--scenario", "--all", "--seed", "--junit", "--json", "--explore", "--chaos", "--chaos-set",
            "--chaos-budget", "--span", "--determinism-check", "--first-failure", "--jobs", "--shard", "--shard-dir",
            "--html"},
           "applies to the catalogue, not to --demo");
    if (demo == "month") {
      refuse({"--real", "--strict-real", "--users", "--inactive-every", "--no-faults", "--trace", "--time-scale"},
             "applies to --demo daily_log only");
      return run_month(daily.days);
    }
    if (time_scale->count() > 0 && !catalogue.real)
      throw std::invalid_argument("--time-scale applies only with --real");
    if (catalogue.strict_real && !catalogue.real) throw std::invalid_argument("--strict-real applies only with --real");
    daily.real = catalogue.real;
    daily.strict_real = catalogue.strict_real;
    if (trace->count() > 0) daily.trace_path = catalogue.trace_dir;
    return run_daily_log(daily);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "clockwork-replay: %s\n", e.what());
    return clockwork::commands::exit_bad_input;
  }
}
