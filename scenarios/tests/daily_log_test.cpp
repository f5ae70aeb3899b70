// The patterns document's DailyLog maintenance service, end to end: in virtual time with exact instants
// (schedule, idempotence, a fault at every call position of a run, midnight, shutdown), and on
// real_runtime with a large time scale (order and counts only), which must reach the same state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/fakes/injected_fault.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/scenarios/daily_log/add_daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"
#include "clockwork/scenarios/daily_log/daily_log_repository.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::utc_time;
using clockwork::fakes::fault_call;
using clockwork::fakes::fault_plan;
using clockwork::scenarios::calendar_date;
using clockwork::scenarios::daily_log_store;
using clockwork::scenarios::nutrition_target;
using clockwork::scenarios::user_id;
using clockwork::scenarios::user_profile;
using clockwork::testing::simulation;
using clockwork::testing::simulation_options;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;
constexpr calendar_date jan(unsigned d) {
  return std::chrono::year{2026} / std::chrono::January / std::chrono::day{d};
}

// 2026-01-01 is a Thursday: the 3rd and 4th are the first weekend.
constexpr nutrition_target weekday{.calories = 2000, .protein_g = 120, .carbs_g = 220, .fat_g = 70};
constexpr nutrition_target weekend{.calories = 2400, .protein_g = 120, .carbs_g = 280, .fat_g = 80};

// Users 1, 2 and 4 are active (user 1 eats more at weekends); user 3 is not.
std::shared_ptr<daily_log_store> make_store() {
  auto store = std::make_shared<daily_log_store>();
  store->add_user({.id = user_id{1}, .active = true, .weekday_target = weekday, .weekend_target = weekend});
  store->add_user({.id = user_id{2}, .active = true, .weekday_target = weekday});
  store->add_user({.id = user_id{3}, .active = false, .weekday_target = weekday});
  store->add_user({.id = user_id{4}, .active = true, .weekday_target = weekday});
  return store;
}

// One simulation with the DailyLog service on an in-memory store; faults are scripted on
// store->faults() before start().
struct daily_log_world {
  explicit daily_log_world(const simulation_options& options = {}) : sim(options) {
    store->faults().attach(&sim.trace());
    clockwork::scenarios::add_daily_log(sim.builder(), store);
  }
  const clockwork::scenarios::daily_log_stats& stats() {
    return clockwork::scenarios::daily_log_service_of(sim.app())->stats();
  }
  std::vector<calendar_date> days_of(std::uint32_t user) const {
    std::vector<calendar_date> days;
    for (const auto& log : store->logs_of(user_id{user})) days.push_back(log.day);
    return days;
  }
  // The instants (UTC) at which runs completed, from the info log.
  std::vector<std::string> completions() {
    std::vector<std::string> out;
    for (const auto& r : sim.logs().records()) {
      if (r.message == "Daily log maintenance completed for 3 users") out.push_back(clockwork::format_utc(r.time));
    }
    return out;
  }

  simulation sim;
  std::shared_ptr<daily_log_store> store = make_store();
};

// ---- the schedule and what one run creates ----------------------------------------------------

TEST(DailyLog, TheFirstRunAtExactlyOneMinuteCreatesSevenDaysForEveryActiveUserAndNoneForInactiveOnes) {
  daily_log_world w;
  w.sim.start();
  w.sim.run_for(1min - 1ns);
  EXPECT_EQ(w.store->faults().calls(), 0u);  // the start-up delay: nothing touched the store yet
  EXPECT_TRUE(w.store->logs().empty());

  w.sim.run_for(1ns);
  EXPECT_EQ(w.sim.now(), t0 + 1min);
  EXPECT_EQ(w.store->logs().size(), 21u);
  const std::vector<calendar_date> week{jan(1), jan(2), jan(3), jan(4), jan(5), jan(6), jan(7)};
  EXPECT_EQ(w.days_of(1), week);
  EXPECT_EQ(w.days_of(2), week);
  EXPECT_EQ(w.days_of(4), week);
  EXPECT_TRUE(w.days_of(3).empty());
  // Each log carries its day's target: user 1's weekend target on Saturday 3rd and Sunday 4th.
  const auto user1 = w.store->logs_of(user_id{1});
  EXPECT_EQ(user1[1].target, weekday);
  EXPECT_EQ(user1[2].target, weekend);
  EXPECT_EQ(user1[3].target, weekend);
  EXPECT_EQ(user1[4].target, weekday);
  EXPECT_EQ(w.store->logs_of(user_id{2})[2].target, weekday);

  EXPECT_THAT(w.completions(), ElementsAre("2026-01-01T00:01:00.000Z"));
  EXPECT_EQ(w.stats().runs, 1u);
  EXPECT_EQ(w.stats().succeeded, 1u);
  EXPECT_EQ(w.stats().logs_created, 21u);
  EXPECT_EQ(w.stats().first_today, jan(1));
  // One run: users, then an exists (and an add) per user and day, then one commit.
  EXPECT_EQ(w.store->faults().calls("get_all_active"), 1u);
  EXPECT_EQ(w.store->faults().calls("exists"), 21u);
  EXPECT_EQ(w.store->faults().calls("add"), 21u);
  EXPECT_EQ(w.store->faults().calls("commit"), 1u);
  w.sim.stop();
  EXPECT_TRUE(w.sim.result().ok()) << w.sim.result().summary();
}

TEST(DailyLog, ASecondRunTheSameDayCreatesNothingNew) {
  daily_log_world w;
  w.sim.start();
  w.sim.run_for(1min);
  const auto after_first = w.store->logs().rows();
  w.sim.run_for(6h - 1ns);
  EXPECT_EQ(w.store->faults().calls("get_all_active"), 1u);  // not yet
  w.sim.run_for(1ns);
  EXPECT_EQ(w.store->faults().calls("get_all_active"), 2u);  // the second run, at exactly +6h01m
  EXPECT_EQ(w.store->logs().rows(), after_first);
  EXPECT_EQ(w.store->faults().calls("exists"), 42u);
  EXPECT_EQ(w.store->faults().calls("add"), 21u);  // none in the second run
  EXPECT_EQ(w.store->commits(), 2u);
  EXPECT_THAT(w.completions(), ElementsAre("2026-01-01T00:01:00.000Z", "2026-01-01T06:01:00.000Z"));
  EXPECT_EQ(w.stats().logs_created, 21u);
  w.sim.stop();
}

TEST(DailyLog, EachNewDayAddsTheDayThatEnteredTheWindowAndEachRunHasItsOwnScope) {
  daily_log_world w;
  w.sim.start();
  w.sim.run_for(24h + 1min);  // runs at 00:01, 06:01, 12:01, 18:01 and 00:01 on the 2nd
  EXPECT_EQ(w.stats().runs, 5u);
  EXPECT_EQ(w.store->logs().size(), 24u);
  EXPECT_EQ(w.days_of(2).back(), jan(8));
  EXPECT_EQ(w.stats().last_today, jan(2));
  EXPECT_EQ(w.stats().logs_created, 24u);
  // One unit of work (so one scope) per run, and every scope ended with its run.
  EXPECT_EQ(w.store->units_begun(), 5u);
  EXPECT_EQ(w.sim.app().services().get<clockwork::scope_factory>()->live_scopes(), 0u);
  const auto check = clockwork::scenarios::check_daily_logs(*w.store, jan(1), jan(8));
  EXPECT_TRUE(check.ok()) << check.summary();
  w.sim.stop();
}

// ---- a fault at every call position --------------------------------------------------------

// The operations of one clean first run, in call order.
std::vector<std::string> operations_of_a_clean_run() {
  daily_log_world w;
  std::vector<std::string> operations;
  w.store->faults().fail(std::string(fault_plan::any_operation)).when([&operations](const fault_call& call) {
    operations.emplace_back(call.operation);
    return false;  // observe only
  });
  w.sim.start();
  w.sim.run_for(1min);
  w.sim.stop();
  return operations;
}

TEST(DailyLog, AFaultAtAnySingleCallPositionLeavesNothingHalfCommittedAndTheNextRunRepairsIt) {
  const std::vector<std::string> operations = operations_of_a_clean_run();
  ASSERT_EQ(operations.size(), 44u);  // 1 get_all_active + 21 x (exists, add) + 1 commit
  EXPECT_EQ(operations.front(), "get_all_active");
  EXPECT_EQ(operations[1], "exists");
  EXPECT_EQ(operations[2], "add");
  EXPECT_EQ(operations.back(), "commit");

  for (std::uint64_t n = 1; n <= operations.size(); ++n) {
    SCOPED_TRACE("fault at call " + std::to_string(n) + " (" + operations[n - 1] + ")");
    daily_log_world w;
    w.store->faults().fail(std::string(fault_plan::any_operation)).on_call(n);
    w.sim.start();

    // The faulted run, at +1 min: it fails as a whole, nothing of it is visible.
    w.sim.run_for(1min);
    ASSERT_EQ(w.store->faults().injected().size(), 1u);
    EXPECT_EQ(w.store->faults().injected()[0].operation, operations[n - 1]);
    EXPECT_EQ(w.store->faults().injected()[0].at, t0 + 1min);
    EXPECT_EQ(w.store->faults().calls(), n);  // the run stopped at the faulted call
    EXPECT_TRUE(w.store->logs().empty());
    EXPECT_EQ(w.store->logs().staged_total(), 0u);
    EXPECT_EQ(w.store->commits(), 0u);
    EXPECT_EQ(w.store->forgotten_commits(), 0u);
    EXPECT_EQ(w.stats().failed, 1u);
    EXPECT_THAT(w.stats().last_error, HasSubstr("injected fault: '" + operations[n - 1] + "'"));
    EXPECT_TRUE(w.sim.logs().contains(spdlog::level::err, "Failed to create daily logs. Will retry."));
    EXPECT_EQ(w.sim.app().state_of("daily_log"), clockwork::service_state::running);  // caught, logged, continuing

    // The next run, 6 h later, repairs everything.
    w.sim.run_for(6h - 1ns);
    EXPECT_TRUE(w.store->logs().empty());
    w.sim.run_for(1ns);
    EXPECT_EQ(w.store->faults().calls(), n + operations.size());
    const auto check = clockwork::scenarios::check_daily_logs(*w.store, jan(1), jan(7));
    EXPECT_TRUE(check.ok()) << check.summary();
    EXPECT_EQ(w.stats().succeeded, 1u);
    EXPECT_EQ(w.stats().consecutive_failures, 0u);
    EXPECT_THAT(w.completions(), ElementsAre("2026-01-01T06:01:00.000Z"));
    EXPECT_TRUE(w.sim.findings().empty()) << w.sim.report();

    w.sim.stop();
    EXPECT_TRUE(w.sim.result().ok()) << w.sim.result().summary();
    EXPECT_EQ(w.sim.trace().count(clockwork::trace_kind::fault_injected), 1u);
  }
}

// ---- midnight ------------------------------------------------------------------------------

// The first run starts at 23:59:30 UTC (the clock starts at 23:58:30, the start-up delay is a
// minute); injected latency makes it end after midnight.
simulation_options starting_at_23_58_30() {
  simulation_options options;
  options.runtime.clock.start_utc = clockwork::utc_time{std::chrono::sys_days{jan(1)} + 23h + 58min + 30s};
  return options;
}

TEST(DailyLog, ARunStraddlingMidnightKeepsTheDateItReadAfterLoadingUsers) {
  // Users load in 20 s (today is read at 23:59:50: the 1st), then each of the 21 exists takes
  // 10 s: the run ends at 00:03:20 on the 2nd, still creating the 1st..7th.
  daily_log_world w{starting_at_23_58_30()};
  w.store->faults().add_latency("get_all_active", 20s).on_call(1);
  w.store->faults().add_latency("exists", 10s).on_calls(1, 21);
  w.sim.start();
  w.sim.run_for(1min + 20s + 210s);
  EXPECT_THAT(w.completions(), ElementsAre("2026-01-02T00:03:20.000Z"));
  EXPECT_EQ(w.stats().first_today, jan(1));
  const auto check = clockwork::scenarios::check_daily_logs(*w.store, jan(1), jan(7));
  EXPECT_TRUE(check.ok()) << check.summary();

  // The next run starts 6 h after that one ended and, on the 2nd, adds only the 8th.
  w.sim.run_for(6h);
  EXPECT_THAT(w.completions(), ElementsAre("2026-01-02T00:03:20.000Z", "2026-01-02T06:03:20.000Z"));
  EXPECT_EQ(w.days_of(1).back(), jan(8));
  EXPECT_EQ(w.store->logs().size(), 24u);
  w.sim.stop();
}

TEST(DailyLog, ARunWhoseUserQueryCrossesMidnightUsesTheNewDayAndNeverCreatesTheOldOne) {
  // Users load in 40 s: today is read at 00:00:10 on the 2nd. As in the patterns document, the run started
  // on the 1st creates the 2nd..8th and the 1st never gets a log: the date is read once, late.
  daily_log_world w{starting_at_23_58_30()};
  w.store->faults().add_latency("get_all_active", 40s).on_call(1);
  w.sim.start();
  w.sim.run_for(1min + 40s);
  EXPECT_THAT(w.completions(), ElementsAre("2026-01-02T00:00:10.000Z"));
  EXPECT_EQ(w.stats().first_today, jan(2));
  EXPECT_EQ(w.days_of(4).front(), jan(2));
  const auto check = clockwork::scenarios::check_daily_logs(*w.store, jan(2), jan(8));
  EXPECT_TRUE(check.ok()) << check.summary();
  w.sim.stop();
}

// ---- shutdown ------------------------------------------------------------------------------

TEST(DailyLog, StopInTheMiddleOfARunEndsAtTheStopInstantAndCommitsNothing) {
  simulation_options options;
  options.host.shutdown_timeout = 30s;
  daily_log_world w{options};
  w.store->faults().add_latency("exists", 10s);  // every exists takes 10 s: a run takes 3.5 min
  w.sim.start();
  w.sim.run_for(1min + 25s);  // inside the third exists of the first run
  EXPECT_EQ(w.store->faults().calls("exists"), 3u);
  w.sim.stop();
  EXPECT_EQ(w.sim.now(), t0 + 1min + 25s);  // the wait was cancelled at once, well within 30 s
  EXPECT_EQ(w.sim.app().state_of("daily_log"), clockwork::service_state::stopped);
  EXPECT_TRUE(w.sim.result().ok()) << w.sim.result().summary();
  EXPECT_TRUE(w.store->logs().empty());
  EXPECT_EQ(w.store->logs().staged_total(), 0u);
  EXPECT_EQ(w.store->rollbacks(), 1u);  // the run's two staged adds, dropped while unwinding
  EXPECT_EQ(w.store->forgotten_commits(), 0u);
  EXPECT_EQ(w.stats().runs, 1u);
  EXPECT_EQ(w.stats().failed, 0u);  // a shutdown is not a failure
  EXPECT_EQ(w.sim.logs().count(spdlog::level::err), 0u) << w.sim.logs().text();
  EXPECT_TRUE(w.sim.findings().empty()) << w.sim.report();
}

TEST(DailyLog, StopDuringTheStartupDelayEndsBeforeAnyRun) {
  daily_log_world w;
  w.sim.start();
  w.sim.run_for(30s);
  w.sim.stop();
  EXPECT_EQ(w.sim.now(), t0 + 30s);
  EXPECT_EQ(w.store->faults().calls(), 0u);
  EXPECT_EQ(w.stats().runs, 0u);
  EXPECT_TRUE(w.sim.result().ok());
}

// ---- determinism ---------------------------------------------------------------------------

std::string trace_of_a_faulty_week() {
  daily_log_world w;
  w.store->faults().fail("add").on_call(5);
  w.store->faults().fail_commit().on_call(3);
  w.store->faults().add_latency("exists", 1s).on_calls(30, 40);
  w.sim.start();
  w.sim.request_stop_at(t0 + std::chrono::days(7));
  const auto result = w.sim.run_until_stopped();
  EXPECT_TRUE(result.ok()) << result.summary();
  return w.sim.trace_text();
}

TEST(DailyLog, TheSameScriptGivesTheSameTraceByteForByte) {
  const std::string first = trace_of_a_faulty_week();
  EXPECT_THAT(first, HasSubstr("fault_injected"));
  EXPECT_EQ(first, trace_of_a_faulty_week());
}

// ---- the detector hook: a unit of work that is never committed ---------------------------------

// The mistake: stages a log through the scope's repository and never commits.
class forgetful_service final : public clockwork::background_service {
 public:
  explicit forgetful_service(std::shared_ptr<clockwork::scope_factory> scopes) : scopes_(std::move(scopes)) {}
  task<> execute(std::stop_token stopping) override {
    {
      clockwork::service_scope scope = scopes_->create_scope();
      auto logs = scope.provider().get<clockwork::scenarios::daily_log_repository>();
      auto adding = logs->add(clockwork::scenarios::daily_log::create(user_id{1}, jan(1), weekday), stopping);
      co_await adding;
    }  // no commit
    auto forever = rt().delay(std::chrono::days(365), stopping);
    co_await forever;
  }

 private:
  std::shared_ptr<clockwork::scope_factory> scopes_;
};

TEST(DailyLog, AScopeEndingWithAnUncommittedUnitOfWorkIsAScopeViolationFinding) {
  simulation sim;
  auto store = make_store();
  clockwork::scenarios::add_in_memory_daily_log_store(sim.services(), store);
  sim.builder().add_hosted_service<forgetful_service>("forgetful", [](clockwork::service_provider& sp) {
    return std::make_shared<forgetful_service>(sp.get<clockwork::scope_factory>());
  });
  sim.start();
  sim.run_until_idle();
  EXPECT_TRUE(store->logs().empty());
  EXPECT_EQ(store->forgotten_commits(), 1u);
  const auto findings = sim.findings(clockwork::finding_kind::scope_violation);
  ASSERT_EQ(findings.size(), 1u) << sim.report();
  EXPECT_THAT(findings[0].message, HasSubstr("unit of work not committed"));
  EXPECT_THAT(findings[0].message, HasSubstr("1 staged write(s)"));
  sim.stop();
}

// ---- options -------------------------------------------------------------------------------

TEST(DailyLog, InvalidOptionsAreRefusedNamingTheField) {
  simulation sim;
  auto store = make_store();
  clockwork::scenarios::daily_log_options options;
  options.check_interval = 0s;
  try {
    clockwork::scenarios::add_daily_log(sim.builder(), store, options);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("check_interval must be positive"));
  }
  options = {};
  options.days_to_create = 0;
  EXPECT_THROW(clockwork::scenarios::add_daily_log_service(sim.builder(), options), std::invalid_argument);
  options = {};
  options.startup_delay = -1s;
  EXPECT_THROW(clockwork::scenarios::add_daily_log_service(sim.builder(), options), std::invalid_argument);
  EXPECT_THROW(clockwork::scenarios::add_daily_log(sim.builder(), nullptr), std::invalid_argument);
}

// ---- the same service on real_runtime ----------------------------------------------------------

task<clockwork::host_result> run_for(clockwork::host& app, clockwork::runtime& rt, std::chrono::nanoseconds length) {
  std::stop_source stop;
  const clockwork::cancel_after deadline{rt, stop, length};
  auto running = app.run(stop.get_token());
  clockwork::host_result result = co_await running;
  co_return result;
}

TEST(DailyLogRealRuntime, ReachesTheSameStateAsVirtualTimeAfterAsManyRuns) {
  // One simulated hour per 100 ms of real time; stop after 27 simulated hours (2.7 s). Nominal
  // runs: 00:01, 06:01, 12:01, 18:01 and 00:01 on the 2nd. Each run waits 6 h after the previous
  // one ended, so lateness adds up over the four gaps: a run whose loop strayed by at most 15
  // simulated minutes (25 real ms) per event has all five done before the stop at 03:00. A run
  // distorted more than that by the machine proves nothing either way: it is skipped as
  // inconclusive, never passed.
  constexpr auto resolution = 15min;
  clockwork::real_runtime_options scaled;
  scaled.time_scale = 36'000;
  scaled.start_utc = utc_time{std::chrono::sys_days{jan(1)}};
  scaled.local_zone = "UTC";
  clockwork::real_runtime rt{scaled};
  auto real_store = make_store();
  clockwork::host_builder builder{rt};
  // Host budgets are in simulated time, where 100 real ms are an hour: one real second to shut
  // down and 50 real ms to start, so that a loaded machine does not turn them into failures.
  builder.options().shutdown_timeout = 36'000s;
  builder.options().startup_block_budget = 1'800s;
  clockwork::scenarios::add_daily_log(builder, real_store);
  clockwork::host app = builder.build();
  const auto result = rt.block_on(run_for(app, rt, 27h));
  const auto distortion = rt.stats().distortion();
  if (distortion > resolution) {
    GTEST_SKIP() << "inconclusive: the machine distorted the real run by " << clockwork::format_duration(distortion)
                 << " of simulated time (resolution " << clockwork::format_duration(resolution) << ")";
  }
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_TRUE(rt.unobserved_exceptions().empty());
  const auto stats = clockwork::scenarios::daily_log_service_of(app)->stats();
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.runs, 5u);
  EXPECT_EQ(stats.succeeded, 5u);
  EXPECT_EQ(real_store->units_begun(), stats.runs);
  EXPECT_EQ(real_store->commits(), stats.succeeded);
  EXPECT_EQ(real_store->logs().staged_total(), 0u);
  EXPECT_EQ(real_store->forgotten_commits(), 0u);

  // As many successful runs in virtual time: the same logs, in the same order.
  daily_log_world w;
  w.sim.start();
  w.sim.run_for(1min + 6h * static_cast<int>(stats.succeeded - 1));
  ASSERT_EQ(w.stats().succeeded, stats.succeeded);
  EXPECT_EQ(w.store->logs().rows(), real_store->logs().rows());
  EXPECT_EQ(w.stats().logs_created, stats.logs_created);
  EXPECT_EQ(w.stats().first_today, stats.first_today);
  EXPECT_EQ(w.stats().last_today, stats.last_today);
  w.sim.stop();
}

}  // namespace
