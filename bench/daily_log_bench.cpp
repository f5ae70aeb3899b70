// DailyLog over a simulated year: what clockwork's hosting and virtual time cost on top of the
// work a background service does.
//
//   clockwork  The DailyLog maintenance service (scenarios/daily_log) on a host on
//              virtual_runtime, assembled as run_daily_log_demo assembles it: the in-memory
//              repositories on one daily_log_store, the trace as the runtime's observer and the
//              host's trace (timers off, its default), a log sink into the trace. 1,000 users,
//              every tenth inactive (demo_users, as the demo), the service's default schedule
//              (first run after 1 min, then 6 h after each run, today + 6 days), 365 simulated
//              days, then the host's graceful stop. No faults are injected: a failed or slowed
//              run would change the work done and make the comparison depend on the fault
//              script. Reported: wall time (and process CPU time over the same region, which
//              preemption by other processes does not inflate), timers fired (counted on the
//              observer), resumptions (virtual_runtime::total_steps), runs, repository calls
//              (the store's fault plan counts every call), simulated seconds per real second.
//   baseline   The same repository work without the host: the same store, users and days, and
//              per run the same calls in the same order through the same in-memory
//              repositories — one unit of work, get_all_active, exists (and add when missing)
//              for each active user and each of the 7 days, commit — with the same domain code
//              (add_days, nutrition_target_for, daily_log::create). The repositories are
//              coroutines that take a runtime (the fault plan reads its clock), so a
//              runtime-free loop cannot call them: the whole year runs as one coroutine under a
//              single block_on on a virtual_runtime with its watchdog off — no host, service,
//              scope or service provider, no timer, no trace, no logger, and "today" of each run
//              computed from the schedule instead of read from a clock. Inside a run the calls
//              complete by symmetric transfer on both sides (nothing is scheduled per call).
//
//   *_idle     Both again with every user inactive: each run loads the users, finds none active
//              and commits nothing. The work shrinks to almost nothing while the schedule, the
//              host and the timers stay, so the difference prices the machinery per run.
//
// Why the baseline is fair: both contenders make exactly the same repository calls on an
// identically seeded store (each checks its counts per operation, its log count and the
// store's consistency against what the schedule implies, and fails the repetition otherwise),
// both get the same warm-up run before the measured one (excluded), both start the measured
// run from a trimmed heap, and store seeding and the consistency check are outside the timed
// region of both. What separates the two is therefore the price of the host, its scopes and
// service provider, logging, the trace and virtual time stepping from one run to the next. At
// 1,000 users that price is far below the run-to-run noise of the work itself; the idle pair
// measures it where the work no longer drowns it.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "bench_common.hpp"
#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/scenarios/daily_log/add_daily_log.hpp"
#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"
#include "clockwork/scenarios/daily_log/daily_log_demo.hpp"
#include "clockwork/scenarios/daily_log/daily_log_repository.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"
#include "clockwork/scenarios/daily_log/in_memory_repositories.hpp"
#include "clockwork/scenarios/daily_log/unit_of_work.hpp"
#include "clockwork/scenarios/daily_log/user_profile_repository.hpp"
#include "clockwork/task.hpp"

namespace {

using namespace clockwork_bench;
namespace sc = clockwork::scenarios;

// ---- the workload, and what it must do ----------------------------------------------------

struct workload {
  std::uint32_t users = 1'000;
  std::uint32_t inactive_every = 10;  // the demo's default: users 10, 20, ... are inactive
  std::chrono::nanoseconds length = std::chrono::days(365);
  sc::daily_log_options service;  // the service's defaults: 1 min, then every 6 h, 7 days ahead
};

// idle: the same users and schedule with every user inactive, so that each run loads the
// users, finds none active and commits nothing: what is left is the per-run cost of the
// machinery around the work, large enough to read where the full workload's ratio is within
// the noise.
workload measured_workload(bool idle) {
  workload w;
  if (smoke()) {
    w.users = 50;
    w.length = std::chrono::days(7);
  }
  if (idle) w.inactive_every = 1;
  return w;
}

// The warm-up run each contender does before the measured one: same users, a fortnight.
workload warmup_workload(bool idle) {
  workload w = measured_workload(idle);
  w.length = smoke() ? std::chrono::days(1) : std::chrono::days(14);
  return w;
}

// Both runtimes start at the same instant of UTC, so "today" of every run is the same date.
clockwork::virtual_runtime_options runtime_options(bool watchdog) {
  clockwork::virtual_runtime_options options;
  if (!watchdog) options.watchdog_budget = std::chrono::nanoseconds{0};
  return options;
}

// The service's schedule when no run fails or takes virtual time: run k starts at
// startup_delay + k × check_interval and reads "today" there; the host is stopped at length,
// which ends the wait of any run due at or after it.
std::vector<sc::calendar_date> run_days(const workload& w) {
  const clockwork::utc_time start_utc = runtime_options(true).clock.start_utc;
  std::vector<sc::calendar_date> days;
  for (auto at = w.service.startup_delay; at < w.length; at += w.service.check_interval) {
    days.push_back(sc::utc_date_of(start_utc + std::chrono::duration_cast<clockwork::utc_time::duration>(at)));
  }
  return days;
}

std::uint32_t active_users(const workload& w) {
  std::uint32_t n = 0;
  for (const sc::user_profile& user : sc::demo_users(w.users, w.inactive_every)) n += user.active ? 1 : 0;
  return n;
}

struct work_done {
  std::uint64_t runs = 0;
  std::uint64_t logs = 0;  // committed logs in the store afterwards
  std::uint64_t get_all_active_calls = 0;
  std::uint64_t exists_calls = 0;
  std::uint64_t add_calls = 0;
  std::uint64_t commit_calls = 0;
  std::uint64_t repository_calls = 0;
  friend bool operator==(const work_done&, const work_done&) = default;
};

// What a year of the schedule must amount to: every run loads the users once, probes every
// active user's 7 days and commits once; a log is added once per active user and day covered.
work_done expected_work(const workload& w) {
  const std::vector<sc::calendar_date> days = run_days(w);
  const std::uint64_t runs = days.size();
  const std::uint64_t active = active_users(w);
  const auto ahead = static_cast<std::uint64_t>(w.service.days_to_create);
  work_done e;
  if (runs == 0) return e;
  e.runs = runs;
  e.logs = active * (static_cast<std::uint64_t>(sc::days_between(days.front(), days.back())) + ahead);
  e.get_all_active_calls = runs;
  e.exists_calls = runs * active * ahead;
  e.add_calls = e.logs;
  e.commit_calls = runs;
  e.repository_calls = e.get_all_active_calls + e.exists_calls + e.add_calls + e.commit_calls;
  return e;
}

std::shared_ptr<sc::daily_log_store> make_store(const workload& w) {
  auto store = std::make_shared<sc::daily_log_store>();
  for (sc::user_profile& user : sc::demo_users(w.users, w.inactive_every)) store->add_user(std::move(user));
  return store;
}

work_done work_in(const sc::daily_log_store& store, std::uint64_t runs) {
  const clockwork::fakes::fault_plan& plan = store.faults();
  work_done d;
  d.runs = runs;
  d.logs = store.logs().size();
  d.get_all_active_calls = plan.calls(sc::daily_log_store::get_all_active_operation);
  d.exists_calls = plan.calls(sc::daily_log_store::exists_operation);
  d.add_calls = plan.calls(sc::daily_log_store::add_operation);
  d.commit_calls = plan.calls(sc::daily_log_store::commit_operation);
  d.repository_calls = plan.calls();
  return d;
}

// The store holds exactly one log per active user and day covered, with that day's target,
// none for inactive users, and nothing staged (check_daily_logs, as the demo checks).
bool consistent(const sc::daily_log_store& store, const workload& w) {
  const std::vector<sc::calendar_date> days = run_days(w);
  if (days.empty()) return store.logs().empty();
  return sc::check_daily_logs(store, days.front(), sc::add_days(days.back(), w.service.days_to_create - 1)).ok();
}

struct outcome {
  std::int64_t wall_ns = 0;
  std::int64_t cpu_ns = 0;  // process CPU time over the same region: what preemption does not inflate
  std::chrono::nanoseconds simulated{0};
  std::uint64_t timers_fired = 0;
  std::uint64_t resumptions = 0;
  std::uint64_t logs_created = 0;  // as the code that made the calls counted them
  work_done work;
  bool ok = false;  // the run itself ended well (the host's result; the baseline did not throw)
  bool consistent = false;
};

// ---- clockwork: the service on a host, on virtual time --------------------------------------

// The trace the demo uses (timers off), counting the timers the runtime reports as fired on
// the way: one increment per timer, next to the observer call every timer makes anyway.
class counting_trace final : public clockwork::trace {
 public:
  using clockwork::trace::trace;
  void on_timer_fired(const clockwork::task_info* owner, clockwork::steady_time deadline) override {
    ++timers_fired_;
    clockwork::trace::on_timer_fired(owner, deadline);
  }
  std::uint64_t timers_fired() const noexcept { return timers_fired_; }

 private:
  std::uint64_t timers_fired_ = 0;
};

// Runs the host until length has passed on the runtime's clock, then lets it stop gracefully
// (the demo's run_host_for).
clockwork::task<clockwork::host_result> run_host_for(clockwork::host& app, clockwork::runtime& rt,
                                                     std::chrono::nanoseconds length) {
  std::stop_source stop;
  const clockwork::cancel_after deadline{rt, stop, length};
  auto running = app.run(stop.get_token());
  clockwork::host_result result = co_await running;
  co_return result;
}

outcome run_clockwork(const workload& w) {
  auto store = make_store(w);
  clockwork::virtual_runtime rt{runtime_options(true)};
  counting_trace tr{rt.clock()};
  store->faults().attach(&tr);
  rt.set_observer(&tr);
  ::malloc_trim(0);  // start from the same heap state as the baseline

  outcome o;
  const std::uint64_t steps_before = rt.total_steps();
  const clockwork::steady_time sim_start = rt.now();
  sc::daily_log_stats stats;
  const std::int64_t cpu_start = process_cpu_ns();
  const std::int64_t start = mono_ns();
  try {
    clockwork::host_builder builder{rt};
    builder.add_log_sink(clockwork::make_trace_sink(tr));
    sc::add_daily_log(builder, store, w.service);
    clockwork::host app = builder.build();
    const clockwork::host_result result = rt.block_on(run_host_for(app, rt, w.length));
    o.ok = result.ok();
    stats = sc::daily_log_service_of(app)->stats();
  } catch (const std::exception&) {
    o.ok = false;  // a deadlock or livelock the runtime reported: the repetition fails below
  }
  o.wall_ns = mono_ns() - start;
  o.cpu_ns = process_cpu_ns() - cpu_start;
  o.simulated = rt.now() - sim_start;
  o.timers_fired = tr.timers_fired();
  o.resumptions = rt.total_steps() - steps_before;
  o.logs_created = stats.logs_created;
  o.ok = o.ok && stats.failed == 0 && stats.succeeded == stats.runs;
  // The sinks and the trace belong to this function: detach them before they go.
  rt.set_logger(clockwork::make_null_logger());
  rt.set_observer(nullptr);
  store->faults().attach(nullptr);
  o.work = work_in(*store, stats.runs);
  o.consistent = consistent(*store, w);
  return o;
}

// ---- baseline: the same repository calls, one coroutine, no host ----------------------------

struct baseline_tally {
  std::uint64_t runs = 0;
  std::uint64_t logs_created = 0;
};

// One run per entry of days, each exactly as daily_log_maintenance_service's
// create_missing_daily_logs makes it, with the objects its scope would resolve built directly
// (the same constructors add_in_memory_daily_log_store registers) and held through the same
// interfaces.
clockwork::task<> baseline_year(clockwork::runtime& rt, std::shared_ptr<sc::daily_log_store> store,
                                const std::vector<sc::calendar_date>& days, int days_to_create, std::stop_token token,
                                baseline_tally* tally) {
  for (const sc::calendar_date today : days) {
    ++tally->runs;
    auto unit = std::make_shared<sc::in_memory_unit_of_work>(store, rt);
    const std::shared_ptr<sc::user_profile_repository> user_repo =
        std::make_shared<sc::in_memory_user_profile_repository>(store, rt);
    const std::shared_ptr<sc::daily_log_repository> daily_log_repo =
        std::make_shared<sc::in_memory_daily_log_repository>(unit, rt);
    const std::shared_ptr<sc::unit_of_work> work = unit;

    auto loading = user_repo->get_all_active(token);
    const std::vector<sc::user_profile> users = co_await loading;

    std::uint64_t created = 0;
    for (const sc::user_profile& user : users) {
      for (int i = 0; i < days_to_create; ++i) {
        const sc::calendar_date day = sc::add_days(today, i);
        auto probe = daily_log_repo->exists(user.id, day, token);
        const bool exists = co_await probe;
        if (!exists) {
          auto adding = daily_log_repo->add(sc::daily_log::create(user.id, day, user.nutrition_target_for(day)), token);
          co_await adding;
          ++created;
        }
      }
    }

    auto committing = work->commit(token);
    co_await committing;
    tally->logs_created += created;
  }
}

outcome run_baseline(const workload& w) {
  auto store = make_store(w);
  const std::vector<sc::calendar_date> days = run_days(w);
  // The thinnest driver the coroutine repositories allow: one block_on for the whole year. The
  // watchdog is off because that single resume slice lasts the whole measurement.
  clockwork::virtual_runtime rt{runtime_options(false)};
  // A live token, as the service passes its stopping token: copying it costs what the
  // service's copies cost.
  std::stop_source stop;
  baseline_tally tally;
  ::malloc_trim(0);  // start from the same heap state as clockwork

  outcome o;
  const std::uint64_t steps_before = rt.total_steps();
  const std::int64_t cpu_start = process_cpu_ns();
  const std::int64_t start = mono_ns();
  try {
    rt.block_on(baseline_year(rt, store, days, w.service.days_to_create, stop.get_token(), &tally));
    o.ok = true;
  } catch (const std::exception&) {
    o.ok = false;
  }
  o.wall_ns = mono_ns() - start;
  o.cpu_ns = process_cpu_ns() - cpu_start;
  o.simulated = w.length;  // the span of service time whose work this is
  o.resumptions = rt.total_steps() - steps_before;
  o.logs_created = tally.logs_created;
  o.work = work_in(*store, tally.runs);
  o.consistent = consistent(*store, w);
  return o;
}

// ---- the benchmarks -----------------------------------------------------------------------

using run_fn = outcome (*)(const workload&);

void bm_daily_log(benchmark::State& state, run_fn run, bool idle) {
  const workload w = measured_workload(idle);
  const work_done expected = expected_work(w);
  outcome o;
  std::int64_t total_ns = 0;
  std::int64_t total_cpu_ns = 0;
  std::int64_t iterations = 0;
  bool ok = true;
  bool as_expected = true;
  bool all_consistent = true;
  for (auto _ : state) {
    (void)run(warmup_workload(idle));  // first allocations, first page faults, caches
    o = run(w);
    state.SetIterationTime(static_cast<double>(o.wall_ns) / 1e9);
    total_ns += o.wall_ns;
    total_cpu_ns += o.cpu_ns;
    ++iterations;
    // Every iteration must have done the work the schedule implies, not only the last one.
    ok = ok && o.ok;
    as_expected = as_expected && o.work == expected && o.logs_created == expected.logs;
    all_consistent = all_consistent && o.consistent;
  }
  const double wall_ns = iterations > 0 ? static_cast<double>(total_ns) / static_cast<double>(iterations) : 0.0;
  const double wall_s = wall_ns / 1e9;
  const double simulated_s = std::chrono::duration<double>(o.simulated).count();
  state.counters["wall_s"] = wall_s;
  state.counters["cpu_s"] =
      iterations > 0 ? static_cast<double>(total_cpu_ns) / static_cast<double>(iterations) / 1e9 : 0.0;
  state.counters["iterations_averaged"] = static_cast<double>(iterations);
  state.counters["simulated_s"] = simulated_s;
  state.counters["sim_s_per_real_s"] = wall_s > 0 ? simulated_s / wall_s : 0.0;
  state.counters["timers_fired"] = static_cast<double>(o.timers_fired);
  state.counters["resumptions"] = static_cast<double>(o.resumptions);
  state.counters["runs"] = static_cast<double>(o.work.runs);
  state.counters["ns_per_run"] = o.work.runs > 0 ? wall_ns / static_cast<double>(o.work.runs) : 0.0;
  state.counters["users"] = static_cast<double>(w.users);
  state.counters["active_users"] = static_cast<double>(active_users(w));
  using days_f = std::chrono::duration<double, std::ratio<86'400>>;
  state.counters["days"] = days_f(w.length).count();
  state.counters["warmup_days"] = days_f(warmup_workload(idle).length).count();
  state.counters["logs"] = static_cast<double>(o.work.logs);
  state.counters["logs_created"] = static_cast<double>(o.logs_created);
  state.counters["get_all_active_calls"] = static_cast<double>(o.work.get_all_active_calls);
  state.counters["exists_calls"] = static_cast<double>(o.work.exists_calls);
  state.counters["add_calls"] = static_cast<double>(o.work.add_calls);
  state.counters["commit_calls"] = static_cast<double>(o.work.commit_calls);
  state.counters["repository_calls"] = static_cast<double>(o.work.repository_calls);
  state.counters["ns_per_repository_call"] =
      o.work.repository_calls > 0 ? wall_ns / static_cast<double>(o.work.repository_calls) : 0.0;
  state.counters["as_expected"] = as_expected ? 1.0 : 0.0;
  state.counters["consistent"] = all_consistent ? 1.0 : 0.0;
  if (!ok) {
    state.SkipWithError("the run did not end cleanly (a failed run, a host failure or an exception)");
  } else if (!as_expected) {
    state.SkipWithError("the work done differs from what the schedule implies (calls or logs)");
  } else if (!all_consistent) {
    state.SkipWithError("the store is not consistent after the run");
  }
}

void register_all() {
  // The idle year takes milliseconds, so a burst of outside load would decide one repetition:
  // each of its repetitions averages several years (the full year takes seconds: one each).
  const std::int64_t idle_years = smoke() ? 1 : 10;
  auto add = [idle_years](const char* name, run_fn run, bool idle) {
    with_spread(benchmark::RegisterBenchmark(name, bm_daily_log, run, idle))
        ->Iterations(idle ? idle_years : 1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  };
  add("daily_log/clockwork", run_clockwork, false);
  add("daily_log/baseline", run_baseline, false);
  add("daily_log_idle/clockwork", run_clockwork, true);
  add("daily_log_idle/baseline", run_baseline, true);
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
