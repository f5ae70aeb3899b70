// clockwork-replay: exploration and chaos replays — `--explore N` runs a scenario under N seeds
// with faults injected (clockwork::testing::explore), `--chaos` replays one seed of it, and
// `--html FILE` draws either as a timeline page.
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "../commands/exit_codes.hpp"
#include "../commands/known_scenarios.hpp"
#include "../commands/output_files.hpp"
#include "../commands/progress.hpp"
#include "clockwork/diagnostics/chrome_trace.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/explore_summary.hpp"
#include "clockwork/testing/timeline_html.hpp"
#include "clockwork/time/clock.hpp"
#include "clockwork/time/parse_duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "replay.hpp"
#include "shards.hpp"

namespace clockwork::replay {
namespace {

// The scenario's chaos (or exploration's default) with every --chaos-set applied, checked.
chaos_options chaos_of(const testing::scenario& s, const chaos_args& args) {
  chaos_options out = testing::chaos_for(s);
  for (const auto& assignment : args.sets) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument("--chaos-set takes name=value (e.g. operation_error=0.05), got '" + assignment + "'");
    }
    try {
      out.set(std::string_view(assignment).substr(0, eq), std::string_view(assignment).substr(eq + 1));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--chaos-set ") + assignment + ": " + e.what());
    }
  }
  out.validate();
  return out;
}

testing::timeline_run titled(testing::timeline_run t, const std::string& title, std::string command) {
  t.title = title;
  t.replay_command = std::move(command);
  return t;
}

// One seed of a chaos replay: the faults it injected, in order.
void print_faults(const testing::scenario_run& run) {
  if (run.injected.empty()) {
    std::printf("  no fault injected (kinds on for this seed: %s)\n", run.chaos_kinds.c_str());
    return;
  }
  std::printf("  %zu fault(s) injected (kinds on for this seed: %s):\n", run.injected.size(), run.chaos_kinds.c_str());
  for (const auto& f : run.injected)
    std::printf("    #%llu %s at %s\n", static_cast<unsigned long long>(f.index), f.what.c_str(), f.site.c_str());
}

}  // namespace

std::optional<std::chrono::nanoseconds> chaos_args::span_value() const {
  if (span.empty()) return std::nullopt;
  try {
    const auto d = parse_duration(span);
    if (d.count() <= 0) throw std::invalid_argument("a span must be longer than zero");
    return d;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--span " + span + ": " + e.what());
  }
}

int run_chaos_replay(const std::vector<testing::scenario>& chosen, const catalogue_args& args) {
  // Every option is checked for every scenario before anything is created or runs.
  std::vector<testing::run_options> runs;
  for (const auto& s : chosen) {
    testing::run_options o;
    o.seed = args.seed;
    o.chaos = chaos_of(s, args.chaos);
    o.chaos_budget = args.chaos.budget;
    o.span = args.chaos.span_value();
    if (o.span) check_span_fits(s, *o.span, args.chaos.span, s.clock_trouble.max_step);
    runs.push_back(std::move(o));
  }
  commands::output_files outputs{"clockwork-replay"};
  if (!args.html_path.empty()) outputs.add_file("--html", args.html_path);
  if (!args.chrome_trace_path.empty()) {
    if (chosen.size() != 1) throw std::invalid_argument("--chrome-trace exports one run: give exactly one --scenario");
    outputs.add_file("--chrome-trace", args.chrome_trace_path);
  }
  outputs.create();

  std::size_t failed = 0;
  std::vector<testing::exploration_row> rows;
  std::vector<testing::exploration_reproduction> reproductions;  // shown first on the page
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& s = chosen[i];
    const auto run = testing::run_scenario(s, runs[i]);
    const auto failure = testing::exploration_failure(s, run);
    if (failure) ++failed;
    std::printf("%s %s seed %llu under chaos: %s\n", failure ? "✗" : "✓", s.name.c_str(),
                static_cast<unsigned long long>(args.seed), failure ? failure->c_str() : "holds");
    std::printf("  found: %s\n", run.actual.headline().c_str());
    print_faults(run);
    if (!run.error.empty()) std::printf("  ended early: %s\n", run.error.c_str());
    const auto command = testing::replay_command(s, runs[i]);
    std::printf("  replay: %s\n", command.c_str());
    testing::exploration_row row;
    row.seed = args.seed;
    row.passed = !failure;
    row.note = failure ? *failure : "holds; found " + run.actual.headline();
    row.run = titled(testing::timeline_of(s, run, runs[i]), s.name + ", seed " + std::to_string(args.seed), command);
    rows.push_back(std::move(row));
  }
  if (!args.html_path.empty()) {
    if (rows.size() == 1) {
      testing::write_html(testing::render_timeline_html(*rows.front().run), args.html_path);
    } else {
      testing::write_html(testing::render_exploration_html("clockwork-replay --chaos", rows), args.html_path);
    }
    say_wrote("the timeline", args.html_path);
  }
  if (!args.chrome_trace_path.empty()) {
    const auto& t = *rows.front().run;
    write_chrome_trace(t.records, t.origin, args.chrome_trace_path, chrome_trace_options{chosen.front().name});
    say_wrote("the Chrome trace", args.chrome_trace_path);
  }
  return failed > 0 ? commands::exit_mismatch : commands::exit_matched;
}

int run_exploration(const std::vector<testing::scenario>& chosen, const catalogue_args& args) {
  if (args.chaos.span_value())
    throw std::invalid_argument("--span applies to one seed's replay (--chaos), not to --explore");
  std::optional<shard_spec> shard;
  if (!args.shard.empty()) shard = parse_shard(args.shard);
  std::vector<testing::explore_options> plans;
  for (const auto& s : chosen) {
    testing::explore_options o;
    o.seeds = args.explore;
    o.first_seed = args.seed == 0 ? 1 : args.seed;
    o.chaos = chaos_of(s, args.chaos);
    if (args.chaos.budget) o.chaos->budget = *args.chaos.budget;
    o.determinism_check = args.determinism_check;
    o.stop_at_first_failure = args.first_failure;
    o.jobs = args.jobs;
    if (shard) o.block = testing::shard_block(o.seeds, shard->index, shard->total);
    // Each thread explores a scenario of its own, built as this one was.
    o.fresh_scenario = [name = s.name, level = s.log_level] {
      auto fresh = commands::find_known_scenario(name);
      if (!fresh) throw std::logic_error("clockwork-replay: scenario " + name + " vanished from the catalogue");
      fresh->log_level = level;
      return std::move(*fresh);
    };
    o.validate();
    plans.push_back(std::move(o));
  }
  commands::output_files outputs{"clockwork-replay"};
  if (!args.html_path.empty()) outputs.add_file("--html", args.html_path);
  std::string junit_path = args.junit_path;
  std::filesystem::path seeds_path;
  if (shard) {
    const std::filesystem::path dir = args.shard_dir.empty() ? "." : args.shard_dir;
    seeds_path = failing_seeds_file(dir, *shard);
    outputs.add_file("--shard-dir", seeds_path);
    if (junit_path.empty()) junit_path = shard_junit_file(dir, *shard).string();
  }
  if (!junit_path.empty()) outputs.add_file(args.junit_path.empty() ? "--shard-dir" : "--junit", junit_path);
  outputs.create();

  const real_clock wall;  // the program measures its own real time, for what it prints
  const auto run_started = wall.steady_now();
  const std::string timestamp = junit_timestamp(wall.utc_now());
  std::vector<testing::exploration_summary> summaries;
  std::size_t failing = 0;
  std::vector<testing::exploration_row> rows;
  std::vector<testing::exploration_reproduction> reproductions;  // shown first on the page
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& s = chosen[i];
    const auto started = wall.steady_now();
    // Progress on standard error, from explore's per-seed counts: the clock it reads for the
    // rate is the program's, never the runs'.
    commands::progress_line progress{s.name, plans[i].seeds};
    plans[i].on_progress = [&progress](const testing::explore_progress& p) { progress.update(p); };
    const auto found = testing::explore(s, plans[i]);
    progress.finish();
    const double seconds = std::chrono::duration<double>(wall.steady_now() - started).count();
    if (!found.ok()) ++failing;
    summaries.push_back(testing::summary_of(found));
    if (shard) {
      const auto block = plans[i].seeds_run();
      const auto first = plans[i].first_seed + block.offset;
      std::printf("shard %s of %s: %s\n", shard->file_suffix().c_str(), s.name.c_str(),
                  block.count == 0
                      ? "no seed (more shards than seeds)"
                      : ("seeds " + std::to_string(first) + " to " + std::to_string(first + block.count - 1) + " of " +
                         std::to_string(plans[i].first_seed) + " to " +
                         std::to_string(plans[i].first_seed + plans[i].seeds - 1))
                            .c_str());
    }
    std::printf("%s", testing::report(summaries.back()).c_str());
    const auto explored = found.seeds.size();  // fewer than asked when --first-failure stopped early
    std::printf("%zu seed(s) in %.2f s of real time (%.0f seeds/s, shrinking included)\n\n", explored, seconds,
                seconds > 0 ? static_cast<double>(explored) / seconds : 0.0);
    if (auto shrunk = testing::reproduction_of(found)) reproductions.push_back(std::move(*shrunk));
    for (const auto& o : found.seeds) {
      testing::exploration_row row;
      row.seed = o.seed;
      row.passed = o.passed;
      row.deterministic = o.deterministic;
      row.note = o.passed ? std::to_string(o.faults) + " fault(s), kinds: " + o.kinds : o.failure;
      if (!o.deterministic) row.note += "; not deterministic: " + o.divergence;
      if (chosen.size() > 1) row.note = s.name + ": " + row.note;
      row.replay_command = found.replay(o.seed);
      if (o.run) {
        testing::run_options ran;
        ran.seed = o.seed;
        ran.chaos = found.chaos;
        row.run = titled(testing::timeline_of(s, *o.run, ran), s.name + ", seed " + std::to_string(o.seed),
                         found.replay(o.seed));
      }
      rows.push_back(std::move(row));
    }
  }
  if (!args.html_path.empty()) {
    std::string title = chosen.size() == 1 ? chosen.front().name : std::to_string(chosen.size()) + " scenarios";
    title += ": " + std::to_string(rows.size()) + (chosen.size() == 1 ? " seed(s)" : " seeds in all");
    testing::write_html(testing::render_exploration_html(title, rows, reproductions), args.html_path);
    say_wrote("the timeline", args.html_path);
  }
  if (shard) {
    std::string lines;
    for (const auto& summary : summaries) lines += testing::to_json_lines(summary);
    std::ofstream out(seeds_path, std::ios::binary);
    out << lines;
    if (!out.flush()) throw std::runtime_error("cannot write " + seeds_path.string());
    say_wrote("the failing seeds", seeds_path);
  }
  if (!junit_path.empty()) {
    const double took = std::chrono::duration<double>(wall.steady_now() - run_started).count();
    write_exploration_junit(summaries, run_times{timestamp, took}, junit_path);
    say_wrote("the JUnit report", junit_path);
  }
  return failing > 0 ? commands::exit_mismatch : commands::exit_matched;
}

}  // namespace clockwork::replay
