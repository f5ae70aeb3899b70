// clockwork-replay: replays clockwork's scenario catalogue (and its demos) and says what it found.
//
//   clockwork-replay                         the whole catalogue in virtual time, a handful of it
//                                            cross-checked on the real host (the main job)
//   clockwork-replay --list                  name, section, variant and summary of every scenario
//   clockwork-replay --scenario NAME ...     those scenarios (repeatable); --all for every one
//   clockwork-replay --all --real            every scenario that can, cross-checked on the real host
//   clockwork-replay --junit F --json F      verdicts for CI; --trace DIR: a trace per scenario
//   clockwork-replay --seed S                same-instant events in another order, from the seed
//   clockwork-replay --demo daily_log [--days N --users N --real --time-scale S --trace FILE]
//   clockwork-replay --demo month [--days N]
//
// Exit code: 0 when every verdict matched, 1 on a mismatch, 2 for bad input, 77 when nothing
// mismatched but a real-host run was inconclusive (the machine distorted it).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "clockwork/runtime/real_runtime.hpp"
#include "replay.hpp"

int main(int argc, char** argv) {
  using namespace clockwork::replay;
  CLI::App app{"clockwork-replay: replays the background-service scenarios of clockwork's catalogue, in virtual "
               "time and on the real host, and says what it found"};
  bool list = false;
  catalogue_args catalogue;
  std::string demo;
  daily_log_args daily;
  app.add_flag("--list", list, "list the catalogue: name, section, variant, summary");
  app.add_option("--scenario", catalogue.names, "run this scenario (repeatable); see --list");
  app.add_flag("--all", catalogue.all, "run every scenario of the catalogue");
  app.add_option("--seed", catalogue.seed, "order same-instant events from this seed (0: arm order)");
  app.add_flag("--real", catalogue.real,
               "cross-check on the real host (catalogue); run the demo on real_runtime (--demo daily_log)");
  app.add_option("--junit", catalogue.junit_path, "write the verdicts as JUnit XML to this file");
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
      app.add_option("--time-scale", daily.time_scale, "daily_log demo with --real: simulated seconds per real second")
          ->check(CLI::Validator(
              [](std::string& value) -> std::string {
                const double v = std::strtod(value.c_str(), nullptr);
                const double lo = clockwork::real_runtime_options::min_time_scale;
                const double hi = clockwork::real_runtime_options::max_time_scale;
                if (v >= lo && v <= hi) return {};
                return "must be a number in [" + short_number(lo) + ", " + short_number(hi) + "], got " + value;
              },
              "in [1e-06, 1e+07]"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int printed = app.exit(e);  // help (0) or the error (non-zero)
    return printed == 0 ? 0 : 2;
  }
  try {
    const auto refuse = [&app](std::initializer_list<const char*> flags, const char* what) {
      for (const char* flag : flags) {
        if (app.count(flag) > 0) throw std::invalid_argument(std::string(flag) + " " + what);
      }
    };
    if (demo.empty()) {
      refuse({"--days", "--users", "--inactive-every", "--no-faults", "--time-scale"}, "applies to --demo only");
      if (list) {
        refuse({"--scenario", "--all", "--seed", "--real", "--junit", "--json", "--trace"},
               "does not apply to --list");
        return list_catalogue();
      }
      if (catalogue.all && !catalogue.names.empty()) throw std::invalid_argument("--all and --scenario exclude each other");
      return run_catalogue(catalogue);
    }
    refuse({"--list", "--scenario", "--all", "--seed", "--junit", "--json"}, "applies to the catalogue, not to --demo");
    if (demo == "month") {
      refuse({"--real", "--users", "--inactive-every", "--no-faults", "--trace", "--time-scale"},
             "applies to --demo daily_log only");
      return run_month(daily.days);
    }
    if (time_scale->count() > 0 && !catalogue.real) throw std::invalid_argument("--time-scale applies only with --real");
    daily.real = catalogue.real;
    if (trace->count() > 0) daily.trace_path = catalogue.trace_dir;
    return run_daily_log(daily);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "clockwork-replay: %s\n", e.what());
    return 2;
  }
}
