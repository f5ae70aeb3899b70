// clockwork-timeline: writes the HTML timeline of a run (clockwork/testing/timeline_html.hpp).
//
//   clockwork-timeline --scenario NAME [--seed S] [--real] -o FILE   a scenario's run, verdict on top
//   clockwork-timeline --scenario NAME --explore N [--seed S] -o F   seeds S.. S+N-1, each run twice:
//                                                                   a table of seeds, a timeline per
//                                                                   failing or non-deterministic one
//   clockwork-timeline --showcase -o FILE                          three services, waits, a clock step,
//                                                                   an abandoned service (the docs' picture)
//   clockwork-timeline --synthetic RECORDS [--days D] -o FILE      a busy trace, to measure the page
//
// NAME is a scenario of the catalogue (clockwork-replay --list) or one of this program's two
// examples: example.same_instant_race (two services at one instant: some seeds fail) and
// example.hostile_names (a service named "<script>alert(1)</script>": shown as text).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/scenarios/catalogue.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/testing/timeline_html.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace {

using namespace std::chrono_literals;
namespace ct = clockwork::testing;

// ---- example.same_instant_race: a reader and a writer due at the same instant ----------------

struct shared_flag {
  bool written = false;
};

class writer final : public clockwork::background_service {
 public:
  explicit writer(std::shared_ptr<shared_flag> flag) : flag_(std::move(flag)) {}
  clockwork::task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);
    flag_->written = true;
    note_run();
    co_await rt().delay(clockwork::infinite, stopping);
  }

 private:
  std::shared_ptr<shared_flag> flag_;
};

class reader final : public clockwork::background_service {
 public:
  explicit reader(std::shared_ptr<shared_flag> flag) : flag_(std::move(flag)) {}
  clockwork::task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);  // due at the writer's instant: which runs first is the seed's
    if (!flag_->written) {
      log()->error("read before the write: nothing to read");
      throw std::runtime_error("read before the write");
    }
    note_run();
    co_await rt().delay(clockwork::infinite, stopping);
  }

 private:
  std::shared_ptr<shared_flag> flag_;
};

ct::scenario same_instant_race() {
  ct::scenario s;
  s.name = "example.same_instant_race";
  s.section = "example";
  s.summary = "a reader due at the writer's instant: fine in arm order, faulted when a seed runs it first";
  s.span = 5min;
  s.setup = [](ct::scenario_world& w) {
    auto flag = std::make_shared<shared_flag>();
    w.builder().add_hosted_service<writer>(
        "writer", [flag](clockwork::service_provider&) { return std::make_shared<writer>(flag); });
    w.builder().add_hosted_service<reader>(
        "reader", [flag](clockwork::service_provider&) { return std::make_shared<reader>(flag); });
  };
  s.count = [](ct::scenario_world& w, ct::verdict& v) { v.count("reads", w.count_records("run", "reader")); };
  s.expected.count("reads", 1);
  return s;
}

// ---- example.hostile_names: names and messages that try to break out of the page -------------

class hostile final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    note_run();
    log()->warn("</script><script>alert(2)</script><img src=x onerror=alert(3)>");
    co_await rt().delay(1min, stopping);
  }  // returns before stop: a silent death, naming the service
};

const char* const hostile_name = "<script>alert(1)</script>";

ct::scenario hostile_names() {
  ct::scenario s;
  s.name = "example.hostile_names";
  s.section = "example";
  s.summary = "a service named <script>alert(1)</script> logs </script><img onerror>: all of it shown as text";
  s.span = 5min;
  s.setup = [](ct::scenario_world& w) { w.builder().add_hosted_service<hostile>(hostile_name); };
  s.expected.finding(clockwork::finding_kind::silent_death, hostile_name);
  return s;
}

std::optional<ct::scenario> find(const std::string& name) {
  if (name == "example.same_instant_race") return same_instant_race();
  if (name == "example.hostile_names") return hostile_names();
  return clockwork::scenarios::find_scenario(name);
}

// The command that replays a run: clockwork-replay for the catalogue, this program for its examples.
std::string replay_of(const ct::scenario& s, const ct::run_options& o) {
  if (!s.name.starts_with("example.")) return ct::replay_command(s, o);
  std::string out = "clockwork-timeline --scenario " + s.name;
  if (o.seed != 0) out += " --seed " + std::to_string(o.seed);
  return out + " -o " + s.name + ".html";
}

ct::timeline_run timeline(const ct::scenario& s, const ct::scenario_run& run, const ct::run_options& o) {
  auto t = ct::timeline_of(s, run, o);
  t.replay_command = replay_of(s, o);
  return t;
}

// ---- the showcase: what the docs show --------------------------------------------------------

class heartbeat final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), 5min, "heartbeat"};
    while (co_await timer.next_tick(stopping)) note_run();
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clockwork-timeline: writes a run's timeline as one self-contained HTML file"};
  std::string name;
  std::uint64_t seed = 0;
  bool real = false;
  std::size_t explore = 0;
  bool show = false;
  std::size_t records = 0;
  int days = 365;
  std::string out;
  app.add_option("--scenario", name,
                 "a scenario of the catalogue, or example.same_instant_race, example.hostile_names");
  app.add_option("--seed", seed,
                 "order same-instant events from this seed (0: arm order); with --explore the first seed");
  app.add_flag("--real", real, "run on the real host (scenarios with a resolution)");
  app.add_option("--explore", explore, "run this many seeds, each twice, and write the table of seeds")
      ->check(CLI::Range(1, 10000));
  app.add_flag("--showcase", show, "three services, waits, a clock step and an abandoned service");
  app.add_option("--synthetic", records, "a synthetic busy trace of this many records")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--days", days, "--synthetic: the days it spans")->check(CLI::Range(1, 3650));
  app.add_option("-o,--out", out, "the HTML file to write")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (show) {
      ct::write_html(ct::render_timeline_html(showcase()), out);
      return 0;
    }
    if (records > 0) {
      ct::write_html(ct::render_timeline_html(synthetic(records, days)), out);
      return 0;
    }
    const auto s = find(name);
    if (!s) throw std::invalid_argument("no scenario named '" + name + "' (clockwork-replay --list)");
    if (explore == 0) {
      ct::run_options o;
      o.seed = seed;
      o.real = real;
      const auto run = ct::run_scenario(*s, o);
      ct::write_html(ct::render_timeline_html(timeline(*s, run, o)), out);
      std::printf("%s", run.report().c_str());
      return 0;
    }
    std::vector<ct::exploration_row> rows;
    std::size_t failed = 0;
    for (std::uint64_t k = 0; k < explore; ++k) {
      ct::run_options o;
      o.seed = (seed == 0 ? 1 : seed) + k;
      const auto first = ct::run_scenario(*s, o);
      const auto second = ct::run_scenario(*s, o);
      ct::exploration_row row;
      row.seed = o.seed;
      row.passed = first.matched();
      row.deterministic = first.trace_text == second.trace_text && first.actual == second.actual;
      row.note = first.matched() ? "as expected: " + first.actual.headline() : "found " + first.actual.headline();
      if (!row.deterministic) row.note += "; the second run differed";
      row.replay_command = replay_of(*s, o);
      if (!row.passed || !row.deterministic) {
        row.run = timeline(*s, first, o);
        row.run->title = s->name + ", seed " + std::to_string(o.seed);
        ++failed;
      }
      rows.push_back(std::move(row));
    }
    ct::write_html(ct::render_exploration_html(s->name + ": " + std::to_string(explore) + " seeds", rows), out);
    std::printf("%s: %zu seeds, %zu failed or not deterministic\n", s->name.c_str(), rows.size(), failed);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "clockwork-timeline: %s\n", e.what());
    return 2;
  }
}
