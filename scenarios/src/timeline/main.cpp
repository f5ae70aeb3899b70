// clockwork-timeline: writes the HTML timeline of a run (clockwork/testing/timeline_html.hpp).
//
//   clockwork-timeline --scenario NAME [--seed S] [--real] -o FILE   a scenario's run, verdict on top
//   clockwork-timeline --scenario NAME --explore N [--seed S] -o F   seeds S.. S+N-1, each run twice:
//                                                                   a table of seeds, a timeline per
//                                                                   failing or non-deterministic one
//   clockwork-timeline --showcase -o FILE                          three services, waits, a clock step,
//                                                                   an abandoned service (the docs' picture)
//   clockwork-timeline --synthetic RECORDS [--days D] -o FILE      a busy trace, to measure the page
//   clockwork-timeline --from-trace FILE.jsonl -o FILE             a saved trace (a real host's run
//                                                                   too), drawn without a verdict
//
// NAME is any scenario clockwork-replay --list lists: the catalogue, the exploration scenarios and
// the two examples the docs and the browser test draw, example.same_instant_race (two services at
// one instant: some seeds fail) and example.hostile_names (a service named
// "<script>alert(1)</script>": shown as text).
//
// Exit code (docs/scenarios.md, "Exit codes"), as clockwork-replay's: 0 when the run's verdict
// matched and every explored seed passed, 1 on a mismatch or a failing seed (the page is written
// all the same), 2 for bad input (refused before anything was written; -o's missing folders are
// made only once every option passed). An inconclusive real run exits 77 only with --strict-real.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../commands/exit_codes.hpp"
#include "../commands/known_scenarios.hpp"
#include "../commands/output_files.hpp"
#include "../commands/progress.hpp"
#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/testing/timeline_html.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "clockwork/version.hpp"

namespace {

using namespace std::chrono_literals;
namespace ct = clockwork::testing;

// ---- the showcase: what the docs show --------------------------------------------------------

class heartbeat final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), 5min, "heartbeat"};
    for (;;) {
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
      note_run();
    }
  }
};

class importer final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    int batch = 0;
    while (!stopping.stop_requested()) {
      co_await rt().delay(7min, stopping);
      if (stopping.stop_requested()) break;
      ++batch;
      note_run();
      if (batch == 2) log()->warn("upstream slow: batch {} took 00:00:04.200", batch);
      if (batch == 4) log()->error("import failed: connection reset by peer; next batch retries it");
    }
  }
};

class deaf_hourly final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await rt().delay(1h);  // no token: the stop request cannot end this wait
    }
  }
};

ct::timeline_run showcase() {
  ct::simulation_options o;
  o.trace.record_timers = true;  // waits (delay armed -> fired) on the picture
  o.host.shutdown_timeout = 30s;
  ct::simulation sim{o};
  sim.builder().add_hosted_service<heartbeat>("heartbeat");
  sim.builder().add_hosted_service<importer>("importer");
  sim.builder().add_hosted_service<deaf_hourly>("deaf");
  sim.jump_wall_clock_at(sim.start_time() + 22min, -5min);
  sim.request_stop_at(sim.start_time() + 40min);
  (void)sim.run_until_stopped();
  sim.run_for(1h);
  ct::timeline_run t;
  t.title = "showcase: heartbeat, importer and a service that ignores the stop";
  t.summary =
      "a 5-minute heartbeat, an importer every 7 minutes, a service sleeping an hour without the token; "
      "the wall clock steps back 5 minutes at +22 min; stop requested at +40 min";
  t.replay_command = "clockwork-timeline --showcase -o showcase.html";
  t.expected.finding(clockwork::finding_kind::cancellation_ignored, "deaf")
      .failure("deaf", clockwork::failure_kind::abandoned);
  t.actual = ct::verdict_of(sim.findings(), sim.result());
  t.matched = t.actual == t.expected;
  t.records = sim.trace().records();
  t.origin = sim.start_time();
  t.shutdown_timeout = o.host.shutdown_timeout;
  return t;
}

// ---- a synthetic busy trace, to measure the page ------------------------------------------------

ct::timeline_run synthetic(std::size_t records, int days) {
  ct::timeline_run t;
  t.title = "synthetic: " + std::to_string(records) + " records over " + std::to_string(days) + " days";
  t.summary = "four services ticking and running, with warnings, findings and retries now and then";
  t.matched = true;
  const clockwork::steady_time origin{};
  const clockwork::utc_time start{std::chrono::seconds(1767225600)};
  const std::vector<std::string> services{"importer", "mailer", "reporter", "cleanup"};
  const auto span = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::days(days));
  const auto step = span / static_cast<std::int64_t>(std::max<std::size_t>(records, 1));
  t.records.reserve(records);
  for (std::size_t i = 0; i < records; ++i) {
    const auto at = std::chrono::floor<std::chrono::milliseconds>(step * static_cast<std::int64_t>(i));
    clockwork::trace_record r;
    r.seq = i + 1;
    r.steady = origin + at;
    r.utc = start + at;
    r.source = services[i % services.size()];
    if (i % 5000 == 17) {
      r.kind = "finding";
      r.fields = {{"finding", "drift"}, {"message", "ticks slid 00:00:02.000 behind their phase"}};
    } else if (i % 997 == 5) {
      r.kind = "log";
      r.fields = {{"level", "warning"}, {"message", "upstream slow, batch " + std::to_string(i)}};
    } else if (i % 1499 == 3) {
      r.kind = "job_retry";
      r.fields = {{"attempt", "2"}, {"backoff", "00:00:30.000"}};
    } else if (i % 2 == 0) {
      r.kind = "tick";
      r.fields = {{"due", clockwork::format_offset(r.steady, origin)}, {"coalesced", "0"}};
    } else {
      r.kind = "run";
    }
    t.records.push_back(std::move(r));
  }
  t.origin = origin;
  return t;
}

// What the command line asked for, checked before anything is written.
struct timeline_args {
  std::string name;
  std::uint64_t seed = 0;
  bool real = false;
  bool strict_real = false;
  std::size_t explore = 0;
  bool showcase = false;
  std::size_t records = 0;
  int days = 365;
  std::string from_trace;  // --from-trace: a saved trace's JSON lines
  std::string out;
};

// A saved trace (JSON lines, clockwork/diagnostics/trace_format.hpp), read in full before
// anything is written: a line that is not a record is bad input, naming the file and line.
ct::timeline_run saved_trace(const std::string& path) {
  ct::timeline_run t;
  t.records = clockwork::read_json_lines(path);
  if (t.records.empty()) throw std::invalid_argument("--from-trace " + path + ": the file holds no trace record");
  t.title = std::filesystem::path(path).filename().string();
  t.summary = "the saved trace " + path;
  t.judged = false;
  t.origin = clockwork::steady_time{};  // offsets are the file's own, from its run's origin
  return t;
}

// One run of a scenario, drawn.
int draw_run(const ct::scenario& s, const timeline_args& args) {
  ct::run_options o;
  o.seed = args.seed;
  o.real = args.real;
  const auto run = ct::run_scenario(s, o);
  ct::write_html(ct::render_timeline_html(ct::timeline_of(s, run, o)), args.out);
  std::printf("%s", run.report().c_str());
  std::printf("wrote the timeline: %s\n", args.out.c_str());
  return clockwork::commands::exit_code_for(run.matched() || run.inconclusive ? 0 : 1, run.inconclusive ? 1 : 0,
                                            args.strict_real);
}

// Seeds seed.. seed+N-1, each run twice: a table of seeds, a timeline per failing or
// non-deterministic one.
int draw_exploration(const ct::scenario& s, const timeline_args& args) {
  std::vector<ct::exploration_row> rows;
  std::size_t failed = 0;
  clockwork::commands::progress_line progress{s.name, args.explore};
  for (std::uint64_t k = 0; k < args.explore; ++k) {
    ct::run_options o;
    o.seed = (args.seed == 0 ? 1 : args.seed) + k;
    const auto first = ct::run_scenario(s, o);
    const auto second = ct::run_scenario(s, o);
    ct::exploration_row row;
    row.seed = o.seed;
    row.passed = first.matched();
    row.deterministic = first.trace_text == second.trace_text && first.actual == second.actual;
    row.note = first.matched() ? "as expected: " + first.actual.headline() : "found " + first.actual.headline();
    if (!row.deterministic) row.note += "; the second run differed";
    row.replay_command = ct::replay_command(s, o);
    if (!row.passed || !row.deterministic) {
      row.run = ct::timeline_of(s, first, o);
      row.run->title = s.name + ", seed " + std::to_string(o.seed);
      ++failed;
    }
    rows.push_back(std::move(row));
    progress.update(k + 1, failed);
  }
  progress.finish();
  ct::write_html(ct::render_exploration_html(s.name + ": " + std::to_string(args.explore) + " seeds", rows), args.out);
  std::printf("%s: %zu seeds, %zu failed or not deterministic\n", s.name.c_str(), rows.size(), failed);
  std::printf("wrote the timeline: %s\n", args.out.c_str());
  return failed > 0 ? clockwork::commands::exit_mismatch : clockwork::commands::exit_matched;
}

int run(const timeline_args& args) {
  // Every option first, then -o's folder and file, then the run.
  const int what = (args.showcase ? 1 : 0) + (args.records > 0 ? 1 : 0) + (!args.name.empty() ? 1 : 0) +
                   (!args.from_trace.empty() ? 1 : 0);
  if (what != 1) {
    throw std::invalid_argument("give one of --scenario NAME, --showcase, --synthetic RECORDS, --from-trace FILE");
  }
  std::optional<ct::timeline_run> saved;
  if (!args.from_trace.empty()) {
    try {
      saved = saved_trace(args.from_trace);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(std::string("--from-trace: ") + e.what());
    }
  }
  std::optional<ct::scenario> s;
  if (!args.name.empty()) {
    s = clockwork::commands::find_known_scenario(args.name);
    if (!s) throw std::invalid_argument(clockwork::commands::no_such_scenario(args.name));
    if (args.real && args.explore > 0)
      throw std::invalid_argument("--real does not apply to --explore: seeds reorder virtual time only");
    if (args.real && !s->resolution) {
      throw std::invalid_argument("--real: " + s->name + " runs in virtual time only (" + s->virtual_only_reason + ")");
    }
  }
  if (args.strict_real && !args.real) throw std::invalid_argument("--strict-real applies only with --real");
  clockwork::commands::output_files outputs{"clockwork-timeline"};
  outputs.add_file("-o", args.out);
  outputs.create();

  if (saved) {
    ct::write_html(ct::render_timeline_html(*saved), args.out);
    std::printf("%zu records drawn\nwrote the timeline: %s\n", saved->records.size(), args.out.c_str());
    return clockwork::commands::exit_matched;
  }
  if (args.showcase) {
    const auto t = showcase();
    ct::write_html(ct::render_timeline_html(t), args.out);
    std::printf("wrote the timeline: %s\n", args.out.c_str());
    return t.matched ? clockwork::commands::exit_matched : clockwork::commands::exit_mismatch;
  }
  if (args.records > 0) {
    ct::write_html(ct::render_timeline_html(synthetic(args.records, args.days)), args.out);
    std::printf("wrote the timeline: %s\n", args.out.c_str());
    return clockwork::commands::exit_matched;
  }
  return args.explore == 0 ? draw_run(*s, args) : draw_exploration(*s, args);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clockwork-timeline: writes a run's timeline as one self-contained HTML file"};
  timeline_args args;
  app.add_option("--scenario", args.name, "a scenario clockwork-replay --list lists (the examples included)");
  app.add_option("--seed", args.seed,
                 "order same-instant events from this seed (0: arm order); with --explore the first seed");
  app.add_flag("--real", args.real, "run on the real host (scenarios with a resolution)");
  app.add_flag("--strict-real", args.strict_real,
               "with --real: exit 77 when the machine distorted the run past its resolution (inconclusive)");
  app.add_option("--explore", args.explore,
                 "run this many seeds, each twice, and write the table of seeds (progress on standard error)")
      ->check(CLI::Range(1, 10000));
  app.add_flag("--showcase", args.showcase, "three services, waits, a clock step and an abandoned service");
  app.add_option("--synthetic", args.records, "a synthetic busy trace of this many records")
      ->check(CLI::Range(1, 10'000'000));
  auto* days = app.add_option("--days", args.days, "--synthetic: the days it spans")->check(CLI::Range(1, 3650));
  app.add_option("--from-trace", args.from_trace,
                 "draw a saved trace: the JSON lines of clockwork::write_json_lines, clockwork-replay --trace (the "
                 ".jsonl beside the text) or a real host's run");
  app.add_option("-o,--out", args.out, "the HTML file to write (its missing folders are made)")->required();
  app.set_version_flag("--version", std::string("clockwork-timeline ") + CLOCKWORK_VERSION_STRING);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int printed = app.exit(e);  // help (0) or the error (non-zero)
    return printed == 0 ? 0 : clockwork::commands::exit_bad_input;
  }
  try {
    if (days->count() > 0 && args.records == 0) throw std::invalid_argument("--days applies only with --synthetic");
    if (args.name.empty()) {
      for (const char* flag : {"--seed", "--real", "--strict-real", "--explore"}) {
        if (app.count(flag) > 0) throw std::invalid_argument(std::string(flag) + " applies to --scenario only");
      }
    }
    return run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "clockwork-timeline: %s\n", e.what());
    return clockwork::commands::exit_bad_input;
  }
}
