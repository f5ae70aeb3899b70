// clockwork-replay: the catalogue — list it, run scenarios in virtual time and on the real
// host, print a line each, write the reports.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <spdlog/common.h>

#include "../commands/exit_codes.hpp"
#include "../commands/known_scenarios.hpp"
#include "../commands/output_files.hpp"
#include "clockwork/diagnostics/chrome_trace.hpp"
#include "clockwork/scenarios/catalogue.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/timeline_html.hpp"
#include "clockwork/time/clock.hpp"
#include "clockwork/time/time_format.hpp"
#include "replay.hpp"

namespace clockwork::replay {
namespace {

// The real time a cross-check of s takes at its default scale.
std::chrono::nanoseconds real_duration(const testing::scenario& s) {
  const double scale = testing::time_scale_for(s);
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(static_cast<double>((s.span + s.drain_after_stop).count()) / scale));
}

// The default run's real-host subset: the scenarios that cross-check fastest, a handful.
constexpr std::size_t default_real_checks = 6;
constexpr std::chrono::nanoseconds default_real_budget = std::chrono::milliseconds(600);

std::string variant_of(const testing::scenario& s) {
  return s.variant.empty() ? std::string() : " (" + s.variant + ")";
}

std::string pad(std::string text, std::size_t width) {
  // Display width: count UTF-8 code points, not bytes.
  std::size_t shown = 0;
  for (unsigned char c : text) shown += (c & 0xC0) != 0x80 ? 1 : 0;
  if (shown < width) text.append(width - shown, ' ');
  return text;
}

std::string real_column(const scenario_outcome& o) {
  if (!o.real_run) return o.real_skipped.empty() ? "" : "real –";
  const auto& r = *o.real_run;
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", r.time_scale);
  if (r.inconclusive) return "real ? inconclusive (distortion " + format_duration(r.distortion) + ")";
  return std::string(r.matched() ? "real ✓" : "real ✗") + " (scale " + scale + ")";
}

// The scenarios --scenario names, checked before anything runs; the catalogue when none is named.
std::vector<testing::scenario> chosen_scenarios(const catalogue_args& args) {
  if (args.names.empty()) return scenarios::catalogue();
  std::vector<testing::scenario> chosen;
  for (const auto& name : args.names) {
    auto s = commands::find_known_scenario(name);
    if (!s) throw std::invalid_argument(commands::no_such_scenario(name));
    chosen.push_back(std::move(*s));
  }
  return chosen;
}

double seconds_between(steady_time from, steady_time to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

int list_catalogue() {
  for (const auto& s : commands::known_scenarios()) {
    std::printf("%s  %s  %s\n", pad(s.name, 44).c_str(), pad(s.section + variant_of(s), 52).c_str(), s.summary.c_str());
  }
  return 0;
}

int run_catalogue(const catalogue_args& args) {
  // Every option first, before anything is created or runs.
  std::vector<testing::scenario> chosen = chosen_scenarios(args);
  if (!args.log_level.empty()) {
    for (auto& s : chosen) s.log_level = spdlog::level::from_str(args.log_level);
  }
  if (args.time_scale && !args.real) throw std::invalid_argument("--time-scale applies only with --real");
  const bool chaos = args.explore > 0 || args.chaos.on;
  if (chaos) {
    if (args.names.empty())
      throw std::invalid_argument(std::string(args.explore > 0 ? "--explore" : "--chaos") + " needs --scenario NAME");
    if (args.real || args.strict_real)
      throw std::invalid_argument(std::string(args.real ? "--real" : "--strict-real") +
                                  " does not apply to --explore or --chaos: faults are injected in virtual time only");
    if (args.explore > 0 && !args.chrome_trace_path.empty()) {
      throw std::invalid_argument(
          "--chrome-trace exports one run: replay one failing seed with --chaos --seed N, not --explore");
    }
    if ((!args.junit_path.empty() && args.explore == 0) || !args.json_path.empty() || !args.trace_dir.empty()) {
      throw std::invalid_argument(
          "--json and --trace apply to the catalogue's verdicts, not to --explore or --chaos; --junit to the "
          "catalogue and to --explore");
    }
    return args.explore > 0 ? run_exploration(chosen, args) : run_chaos_replay(chosen, args);
  }
  if (!args.chaos.sets.empty() || args.chaos.budget)
    throw std::invalid_argument("--chaos-set and --chaos-budget apply only with --chaos or --explore");
  const auto span = args.chaos.span_value();
  if (span && args.real) throw std::invalid_argument("--span applies to virtual time only, not with --real");
  if (span) {
    for (const auto& s : chosen) check_span_fits(s, *span, args.chaos.span);
  }
  const bool default_run = args.names.empty() && !args.all;
  if (args.strict_real && !args.real && !default_run) {
    throw std::invalid_argument(
        "--strict-real applies when something runs on the real host: with --real, or to the default run");
  }
  commands::output_files outputs{"clockwork-replay"};
  if (!args.html_path.empty()) {
    if (chosen.size() != 1)
      throw std::invalid_argument("--html draws one scenario's run: give exactly one --scenario (or use --explore)");
    outputs.add_file("--html", args.html_path);
  }
  if (!args.chrome_trace_path.empty()) {
    if (chosen.size() != 1)
      throw std::invalid_argument("--chrome-trace exports one scenario's run: give exactly one --scenario");
    outputs.add_file("--chrome-trace", args.chrome_trace_path);
  }
  if (!args.junit_path.empty()) outputs.add_file("--junit", args.junit_path);
  if (!args.json_path.empty()) outputs.add_file("--json", args.json_path);
  if (!args.trace_dir.empty()) outputs.add_folder("--trace", args.trace_dir);
  // Then the folders, then the files.
  outputs.create();

  // Which scenarios also run on the real host: all that can with --real; otherwise, in the
  // default run, the handful that cross-check fastest.
  std::vector<bool> cross_check(chosen.size(), false);
  if (args.real) {
    for (std::size_t i = 0; i < chosen.size(); ++i) cross_check[i] = chosen[i].resolution.has_value();
  } else if (default_run) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i].resolution && real_duration(chosen[i]) <= default_real_budget) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return real_duration(chosen[a]) < real_duration(chosen[b]); });
    for (std::size_t k = 0; k < order.size() && k < default_real_checks; ++k) cross_check[order[k]] = true;
  }

  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  // The program reads its own real time: the seconds it prints and the JUnit report's time and
  // timestamp. None of it reaches a run.
  const real_clock wall;
  const auto started = wall.steady_now();
  const std::string timestamp = junit_timestamp(wall.utc_now());
  std::vector<scenario_outcome> outcomes;
  std::size_t mismatched = 0;
  std::size_t inconclusive = 0;
  std::size_t real_checked = 0;
  const auto to_cross_check = static_cast<std::size_t>(std::count(cross_check.begin(), cross_check.end(), true));
  std::printf(
      "clockwork-replay: %zu scenario(s) in virtual time%s\n\n", chosen.size(),
      to_cross_check > 0 ? (", " + std::to_string(to_cross_check) + " cross-checked on the real host").c_str() : "");
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& s = chosen[i];
    if (terminal) {
      std::fprintf(stderr, "\r\033[K[%zu/%zu] %s%s", i + 1, chosen.size(), s.name.c_str(),
                   cross_check[i] ? " (and on the real host)" : "");
      std::fflush(stderr);
    }
    testing::run_options options;
    options.seed = args.seed;
    options.span = span;
    scenario_outcome o;
    o.scenario = s;
    const auto virtual_started = wall.steady_now();
    o.virtual_run = testing::run_scenario(s, options);
    o.virtual_seconds = seconds_between(virtual_started, wall.steady_now());
    o.replay_command = testing::replay_command(s, options);
    options.span.reset();
    if (cross_check[i]) {
      options.real = true;
      options.time_scale = args.time_scale;
      const auto real_started = wall.steady_now();
      o.real_run = testing::run_scenario(s, options);
      o.real_seconds = seconds_between(real_started, wall.steady_now());
      o.real_replay_command = testing::replay_command(s, options);
      if (args.time_scale) o.real_replay_command += " --time-scale " + short_number(*args.time_scale);
      ++real_checked;
    } else if (args.real) {
      o.real_skipped = "virtual time only: " + s.virtual_only_reason;
    }
    const bool ok = o.virtual_run.matched() && (!o.real_run || o.real_run->matched() || o.real_run->inconclusive);
    if (!ok) ++mismatched;
    if (o.real_run && o.real_run->inconclusive) ++inconclusive;
    if (terminal) std::fprintf(stderr, "\r\033[K");
    std::printf("%s %s %s %s %s\n", ok ? "✓" : "✗", pad(s.name, 44).c_str(),
                pad(o.virtual_run.actual.headline(), 48).c_str(), o.virtual_run.matched() ? "virtual ✓" : "virtual ✗",
                real_column(o).c_str());
    if (o.real_run && !o.real_run->inconclusive && (!o.real_run->matched() || !o.virtual_run.matched())) {
      // Expected, virtual and real side by side: which one strayed is visible at a glance.
      std::printf("%s", testing::side_by_side(s.expected, o.virtual_run.actual, o.real_run->actual).c_str());
      if (!o.real_run->error.empty()) std::printf("  the real run ended early: %s\n", o.real_run->error.c_str());
    } else if (!o.virtual_run.matched()) {
      std::printf("%s", o.virtual_run.report().c_str());
    }
    if (!args.html_path.empty()) {
      // The virtual run; a real cross-check's own picture is clockwork-timeline --real.
      testing::run_options drawn;
      drawn.seed = args.seed;
      drawn.span = span;
      testing::write_html(testing::render_timeline_html(testing::timeline_of(s, o.virtual_run, drawn)), args.html_path);
    }
    if (!args.chrome_trace_path.empty()) {
      testing::run_options drawn;
      drawn.seed = args.seed;
      drawn.span = span;
      const auto t = testing::timeline_of(s, o.virtual_run, drawn);
      write_chrome_trace(t.records, t.origin, args.chrome_trace_path, chrome_trace_options{s.name});
    }
    if (!args.trace_dir.empty()) {
      o.trace_file = (std::filesystem::path(args.trace_dir) / (s.name + ".txt")).string();
      std::ofstream out(o.trace_file);
      out << o.virtual_run.trace_text;
      if (!out) throw std::runtime_error("cannot write " + o.trace_file);
    }
    outcomes.push_back(std::move(o));
  }
  const double took = seconds_between(started, wall.steady_now());
  std::printf("\n%zu scenario(s), %zu matched, %zu mismatched", chosen.size(), chosen.size() - mismatched, mismatched);
  if (real_checked > 0)
    std::printf("; %zu cross-checked on the real host, %zu inconclusive", real_checked, inconclusive);
  std::printf("; %.2f s of real time\n", took);
  if (inconclusive > 0) {
    std::printf(args.strict_real
                    ? "inconclusive real-host cross-checks exit 77 (--strict-real)\n"
                    : "an inconclusive real-host cross-check (the machine distorted it past its resolution) does not "
                      "change the exit code; --strict-real makes it exit 77\n");
  }
  if (!args.html_path.empty()) say_wrote("the timeline", args.html_path);
  if (!args.chrome_trace_path.empty()) say_wrote("the Chrome trace", args.chrome_trace_path);
  if (!args.junit_path.empty()) {
    write_junit(outcomes, run_times{timestamp, took}, args.junit_path);
    say_wrote("the JUnit report", args.junit_path);
  }
  if (!args.json_path.empty()) {
    write_json(outcomes, args.json_path);
    say_wrote("the JSON report", args.json_path);
  }
  if (!args.trace_dir.empty()) say_wrote(std::to_string(outcomes.size()) + " trace(s) in", args.trace_dir);
  return commands::exit_code_for(mismatched, inconclusive, args.strict_real);
}

}  // namespace clockwork::replay
