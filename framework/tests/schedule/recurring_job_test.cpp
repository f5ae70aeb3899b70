// recurring_job in virtual time: schedules across DST and clock steps, misfires after an outage,
// retries with seeded jitter, overlap, one scope per attempt — with exact instants.
#include "clockwork/schedule/recurring_job.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/time_format.hpp"
#include "recurring_job_support.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::job_run;
using clockwork::job_schedule;
using clockwork::recurring_job;
using clockwork::recurring_job_options;
using clockwork::task;
using clockwork::utc_time;
using clockwork::testing::simulation;
using clockwork::testing::simulation_options;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test::at;
using clockwork::test::counts;
using clockwork::test::job_of;
using clockwork::test::scheduled_runs;
using clockwork::test::starting;

TEST(RecurringJob, DailyAtMidnightRunsEveryMidnightForAMonth) {
  simulation sim{starting(at(1, 1, 12))};
  int runs = 0;
  recurring_job_options o;
  o.schedule = job_schedule::daily_at(0, 0, "UTC");
  clockwork::add_recurring_job(sim.builder(), "midnight", o, counts(runs));
  sim.start();
  sim.run_for(30 * 24h);
  sim.stop();
  EXPECT_EQ(runs, 30);
  const auto scheduled = scheduled_runs(sim, "midnight");
  ASSERT_EQ(scheduled.size(), 30u);
  EXPECT_EQ(scheduled.front(), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(scheduled.back(), "2026-01-31T00:00:00.000Z");
  EXPECT_TRUE(sim.findings().empty()) << sim.report();  // the declared schedule held
}

TEST(RecurringJob, AFixedTimeInABerlinGapRunsAtTheEndOfTheGapAndInAnOverlapOnce) {
  // 2026-03-29: 02:00 CET -> 03:00 CEST; 2026-10-25: 03:00 CEST -> 02:00 CET.
  for (const auto& [start, day, expected] : std::vector<std::tuple<utc_time, std::string, std::vector<std::string>>>{
           {at(3, 28), "spring", {"2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"}},
           {at(10, 24),
            "autumn",
            {"2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"}}}) {
    simulation sim{starting(start)};
    int runs = 0;
    recurring_job_options o;
    o.schedule = job_schedule::cron("0 30 2 * * *", clockwork::cron::dialect::cronos6, "Europe/Berlin");
    clockwork::add_recurring_job(sim.builder(), "nightly", o, counts(runs));
    sim.start();
    sim.run_for(3 * 24h);
    sim.stop();
    EXPECT_EQ(scheduled_runs(sim, "nightly"), expected) << day;
  }
}

TEST(RecurringJob, AnIntervalExpressionRunsInBothPassesOfANewYorkOverlap) {
  // 2026-11-01: 02:00 EDT -> 01:00 EST; 01:00 and 01:30 happen twice.
  simulation sim{starting(at(11, 1, 4, 45))};  // 00:45 EDT
  int runs = 0;
  recurring_job_options o;
  o.schedule = job_schedule::cron("*/30 * * * *", clockwork::cron::dialect::cronos5, "America/New_York");
  clockwork::add_recurring_job(sim.builder(), "halfhourly", o, counts(runs));
  sim.start();
  sim.run_for(2h + 50min);
  sim.stop();
  EXPECT_THAT(scheduled_runs(sim, "halfhourly"),
              ElementsAre("2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z",    // 01:00, 01:30 EDT
                          "2026-11-01T06:00:00.000Z", "2026-11-01T06:30:00.000Z",    // 01:00, 01:30 EST
                          "2026-11-01T07:00:00.000Z", "2026-11-01T07:30:00.000Z"));  // 02:00, 02:30 EST
}

TEST(RecurringJob, TheOtherDstWeekendsAndAYearOfLastDaysOfTheMonth) {
  {  // New York spring forward, 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 runs at 03:00 EDT.
    simulation sim{starting(at(3, 7))};
    int runs = 0;
    recurring_job_options o;
    o.schedule = job_schedule::cron("0 30 2 * * *", clockwork::cron::dialect::cronos6, "America/New_York");
    clockwork::add_recurring_job(sim.builder(), "nightly", o, counts(runs));
    sim.start();
    sim.run_for(2 * 24h);
    sim.stop();
    EXPECT_THAT(scheduled_runs(sim, "nightly"), ElementsAre("2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z"));
  }
  {  // Berlin fall back, 2026-10-25: 02:00 and 02:30 happen twice; an interval runs in both passes.
    simulation sim{starting(at(10, 24, 23, 45))};  // 01:45 CEST
    int runs = 0;
    recurring_job_options o;
    o.schedule = job_schedule::cron("*/30 * * * *", clockwork::cron::dialect::cronos5, "Europe/Berlin");
    clockwork::add_recurring_job(sim.builder(), "halfhourly", o, counts(runs));
    sim.start();
    sim.run_for(2h + 50min);
    sim.stop();
    EXPECT_THAT(scheduled_runs(sim, "halfhourly"),
                ElementsAre("2026-10-25T00:00:00.000Z", "2026-10-25T00:30:00.000Z",    // 02:00, 02:30 CEST
                            "2026-10-25T01:00:00.000Z", "2026-10-25T01:30:00.000Z",    // 02:00, 02:30 CET
                            "2026-10-25T02:00:00.000Z", "2026-10-25T02:30:00.000Z"));  // 03:00, 03:30 CET
  }
  {  // A year of Quartz's "0 0 0 L * ?": midnight at the end of every month.
    simulation sim{starting(at(1, 1))};
    int runs = 0;
    recurring_job_options o;
    o.schedule = job_schedule::cron("0 0 0 L * ?", clockwork::cron::dialect::quartz, "UTC");
    clockwork::add_recurring_job(sim.builder(), "month_end", o, counts(runs));
    sim.start();
    sim.run_for(365 * 24h);
    sim.stop();
    EXPECT_THAT(scheduled_runs(sim, "month_end"),
                ElementsAre("2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z",
                            "2026-04-30T00:00:00.000Z", "2026-05-31T00:00:00.000Z", "2026-06-30T00:00:00.000Z",
                            "2026-07-31T00:00:00.000Z", "2026-08-31T00:00:00.000Z", "2026-09-30T00:00:00.000Z",
                            "2026-10-31T00:00:00.000Z", "2026-11-30T00:00:00.000Z", "2026-12-31T00:00:00.000Z"));
    EXPECT_TRUE(sim.findings().empty()) << sim.report();
  }
}

TEST(RecurringJob, ADayTheZoneSkipsRunsAtTheEndOfTheGap) {
  // Samoa moved across the date line: Pacific/Apia has no 2011-12-30 at all.
  const utc_time start{std::chrono::sys_days{std::chrono::year{2011} / 12 / 28}};
  simulation sim{starting(start)};
  int runs = 0;
  recurring_job_options o;
  o.schedule = job_schedule::daily_at(9, 0, "Pacific/Apia");
  clockwork::add_recurring_job(sim.builder(), "morning", o, counts(runs));
  sim.start();
  sim.run_for(4 * 24h);
  sim.stop();
  // 12-28 and 12-29 09:00 at -10:00; 12-30 09:00 does not exist: it runs once, at the end of the
  // gap (12-31 00:00 +14:00); then 12-31 09:00 +14:00 as usual. Nothing skipped, nothing twice.
  EXPECT_THAT(scheduled_runs(sim, "morning"),
              ElementsAre("2011-12-28T19:00:00.000Z", "2011-12-29T19:00:00.000Z", "2011-12-30T10:00:00.000Z",
                          "2011-12-30T19:00:00.000Z", "2011-12-31T19:00:00.000Z"));
}

TEST(RecurringJob, ClockStepsAcrossTheDueTimeNeitherDoubleNorSkipARun) {
  simulation sim{starting(at(1, 1, 12))};
  int runs = 0;
  recurring_job_options o;
  o.schedule = job_schedule::daily_at(0, 0, "UTC");
  clockwork::add_recurring_job(sim.builder(), "midnight", o, counts(runs));
  sim.jump_wall_clock_at(sim.start_time() + 11h + 58min, 5min);          // 23:58 -> 00:03: across midnight
  sim.jump_wall_clock_at(sim.start_time() + 24h + 11h + 55min, -10min);  // 00:00 on the 3rd... back to 23:50+
  sim.start();
  sim.run_for(3 * 24h);
  sim.stop();
  EXPECT_THAT(scheduled_runs(sim, "midnight"),
              ElementsAre("2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z", "2026-01-04T00:00:00.000Z"));
  const auto& job = job_of(sim, "midnight");
  EXPECT_EQ(job.stats().runs, 3u);
  EXPECT_EQ(job.stats().misfired, 1u);  // the first: its time was stepped over, it ran 3 min late
  const auto misfires = sim.trace().find("job_misfire", "midnight");
  ASSERT_EQ(misfires.size(), 1u);
  EXPECT_EQ(*misfires[0].field("from"), "2026-01-02T00:00:00.000Z");
}

struct outage_outcome {
  std::uint64_t runs = 0;
  std::uint64_t misfired = 0;
  std::vector<std::string> scheduled;
};

// An hourly job runs for a day, the host is down for three, then it starts again with the same
// state store.
outage_outcome after_outage(clockwork::misfire_policy policy) {
  auto store = std::make_shared<clockwork::in_memory_job_state_store>();
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.schedule = job_schedule::cron("0 * * * *", clockwork::cron::dialect::cronos5, "UTC");
  o.state = store;
  o.misfire.policy = policy;
  o.misfire.catch_up_cap = 5;
  o.misfire.window = 2h + 30min;
  int runs = 0;
  {
    simulation first{starting(at(1, 1))};
    clockwork::add_recurring_job(first.builder(), "hourly", o, counts(runs));
    first.start();
    first.run_for(24h + 30min);
    first.stop();
  }
  simulation second{starting(at(1, 5, 0, 30))};  // three days and a bit later
  clockwork::add_recurring_job(second.builder(), "hourly", o, counts(runs));
  second.start();
  second.run_for(10min);
  const auto& job = job_of(second, "hourly");
  outage_outcome out{job.stats().runs, job.stats().misfired, scheduled_runs(second, "hourly")};
  second.stop();
  return out;
}

TEST(RecurringJob, AfterAnOutageTheMisfirePolicyDecidesWhatRuns) {
  const auto relaxed = after_outage(clockwork::misfire_policy::relaxed);
  EXPECT_EQ(relaxed.misfired, 72u);  // 01-02 01:00 .. 01-05 00:00
  EXPECT_THAT(relaxed.scheduled, ElementsAre("2026-01-05T00:00:00.000Z"));

  const auto strict = after_outage(clockwork::misfire_policy::strict);
  EXPECT_EQ(strict.misfired, 72u);
  EXPECT_THAT(strict.scheduled,
              ElementsAre("2026-01-02T01:00:00.000Z", "2026-01-02T02:00:00.000Z", "2026-01-02T03:00:00.000Z",
                          "2026-01-02T04:00:00.000Z", "2026-01-02T05:00:00.000Z"));  // capped at 5

  const auto ignorable = after_outage(clockwork::misfire_policy::ignorable);
  EXPECT_THAT(ignorable.scheduled, ElementsAre("2026-01-04T22:00:00.000Z", "2026-01-04T23:00:00.000Z",
                                               "2026-01-05T00:00:00.000Z"));  // within 2 h 30 min
}

std::vector<std::string> retry_instants(std::uint64_t seed) {
  simulation sim{starting(at(1, 1), seed)};
  recurring_job_options o;
  o.schedule = job_schedule::daily_at(6, 0, "UTC");
  o.retry = clockwork::retry_policy::exponential(4, 10s, 10min);
  int attempts = 0;
  clockwork::add_recurring_job(sim.builder(), "flaky", o, [&attempts](job_run& run) -> task<> {
    ++attempts;
    if (run.attempt < 3) throw std::runtime_error("the database is restarting");
    co_return;
  });
  sim.start();
  sim.run_for(7h);
  sim.stop();
  std::vector<std::string> out;
  for (const auto& r : sim.trace().find("job_retry", "flaky")) {
    out.push_back(clockwork::format_offset(r.steady, sim.start_time()) + " attempt " + *r.field("attempt") + " in " +
                  *r.field("delay"));
  }
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(job_of(sim, "flaky").stats().succeeded, 1u);
  return out;
}

TEST(RecurringJob, RetriesWithFullJitterAreReproducibleFromTheSeed) {
  const auto first = retry_instants(7);
  EXPECT_EQ(first, retry_instants(7)) << "the same seed, the same instants";
  // Full jitter: uniform in [0, 10 s], then in [0, 20 s] — these draws, for seed 7.
  EXPECT_THAT(first, ElementsAre("+06:00:00.000 attempt 2 in 00:00:07.283715752",
                                 "+06:00:07.283715752 attempt 3 in 00:00:17.749657434"));
  EXPECT_NE(first, retry_instants(8));
}

TEST(RecurringJob, ErrorsTheRetryPolicyRefusesAreNotRetried) {
  simulation sim;
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.retry = clockwork::retry_policy::exponential(5, 1s, 1min);
  o.retry.should_retry = [](const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::invalid_argument&) {
      return false;  // bad data: another attempt will not help
    } catch (...) {
      return true;
    }
  };
  clockwork::add_recurring_job(sim.builder(), "strict", o, [](job_run&) -> task<> {
    throw std::invalid_argument("row 7 is malformed");
    co_return;
  });
  sim.start();
  sim.run_for(90min);
  sim.stop();
  const auto& job = job_of(sim, "strict");
  EXPECT_EQ(job.stats().failed, 1u);
  EXPECT_EQ(job.stats().retries, 0u);
  const auto failed = sim.trace().find("job_failed", "strict");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(*failed[0].field("why"), "not retried: should_retry said no");
  EXPECT_TRUE(sim.result().ok()) << "a failed run is the job's business, not a fault of the host";
}

TEST(RecurringJob, HangfiresCurveIsAvailableForComparison) {
  const auto policy = clockwork::retry_policy::hangfire();
  const auto no_jitter = [](std::chrono::nanoseconds) { return std::chrono::nanoseconds{0}; };
  EXPECT_EQ(policy.delay_before(2, no_jitter), 15s);           // the 1st retry: 0^4 + 15
  EXPECT_EQ(policy.delay_before(4, no_jitter), 31s);           // the 3rd: 2^4 + 15
  EXPECT_EQ(policy.delay_before(11, no_jitter), 6561s + 15s);  // the 10th: 9^4 + 15
}

// A run that takes 90 minutes of an hourly schedule.
struct overlap_outcome {
  std::vector<std::string> scheduled;
  recurring_job::counters stats;
};

overlap_outcome with_overlap(clockwork::overlap_policy policy) {
  simulation sim;
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.overlap = policy;
  clockwork::add_recurring_job(sim.builder(), "slow", o,
                               [](job_run& run) -> task<> { co_await run.rt.delay(90min, run.stopping); });
  sim.start();
  sim.run_for(4h + 30min);
  overlap_outcome out{scheduled_runs(sim, "slow"), job_of(sim, "slow").stats()};
  sim.stop();
  EXPECT_TRUE(sim.result().ok()) << "contention is never a failure: " << sim.result().summary();
  return out;
}

TEST(RecurringJob, TheOverlapPolicyDecidesWhatHappensToAnOccurrenceWhileTheLastRunGoesOn) {
  const auto skip = with_overlap(clockwork::overlap_policy::skip);
  EXPECT_THAT(skip.scheduled, ElementsAre("2026-01-01T01:00:00.000Z", "2026-01-01T03:00:00.000Z"));
  EXPECT_EQ(skip.stats.skipped, 2u);  // 02:00 and 04:00 came while a run was going

  const auto queue = with_overlap(clockwork::overlap_policy::queue_one);
  EXPECT_THAT(queue.scheduled, ElementsAre("2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z",
                                           "2026-01-01T03:00:00.000Z"));  // each started when the last ended

  const auto replace = with_overlap(clockwork::overlap_policy::cancel_and_replace);
  EXPECT_THAT(replace.scheduled, ElementsAre("2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z",
                                             "2026-01-01T03:00:00.000Z", "2026-01-01T04:00:00.000Z"));
  EXPECT_EQ(replace.stats.replaced, 3u);
}

struct per_attempt {};

TEST(RecurringJob, EachAttemptHasAScopeOfItsOwn) {
  simulation sim;
  sim.services().add_scoped<per_attempt>([](clockwork::service_provider&) { return std::make_shared<per_attempt>(); });
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.retry = clockwork::retry_policy::exponential(2, 1s, 1s);
  std::vector<const per_attempt*> seen;
  clockwork::add_recurring_job(sim.builder(), "scoped", o, [&seen](job_run& run) -> task<> {
    seen.push_back(run.services.get<per_attempt>().get());
    if (run.attempt == 1) throw std::runtime_error("again");
    co_return;
  });
  sim.start();
  sim.run_for(90min);
  sim.stop();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_TRUE(sim.findings(clockwork::finding_kind::scope_violation).empty());
}

TEST(RecurringJob, BadPoliciesAndSchedulesWithoutAFutureAreRefusedWhenTheJobIsAdded) {
  simulation sim;
  const auto add = [&sim](recurring_job_options o) {
    clockwork::add_recurring_job(sim.builder(), "bad", std::move(o), [](job_run&) -> task<> { co_return; });
  };
  recurring_job_options o;
  o.schedule = job_schedule::cron("0 0 0 30 2 *", clockwork::cron::dialect::cronos6, "UTC");
  try {
    add(o);
    FAIL() << "a February 30th job was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no occurrence after 2026-01-01T00:00:00.000Z: the job would never run"));
  }
  o.schedule = job_schedule::every(1h);
  o.retry.max_attempts = 0;
  EXPECT_THROW(add(o), std::invalid_argument);
  o.retry = clockwork::retry_policy{};
  o.retry.max_attempts = 3;
  o.retry.base = -1s;
  EXPECT_THROW(add(o), std::invalid_argument);
  EXPECT_THROW(job_schedule::every(0s), std::invalid_argument);
  EXPECT_THROW(job_schedule::daily_at(24, 0, "UTC"), std::invalid_argument);
  EXPECT_THROW(job_schedule::daily_at(1, 0, "Mars/Olympus"), std::invalid_argument);
  EXPECT_THROW(job_schedule::cron("0 0 24 * * *", clockwork::cron::dialect::cronos6, "UTC"), std::invalid_argument);
}

// ---- a run never outlives its job --------------------------------------------------------------

// A store whose second save fails (the database went away).
class failing_store final : public clockwork::job_state_store {
 public:
  std::optional<utc_time> last_scheduled(std::string_view) override { return std::nullopt; }
  void save(std::string_view, utc_time) override {
    if (++saves_ == 2) throw std::runtime_error("the state database is unreachable");
  }

 private:
  int saves_ = 0;
};

TEST(RecurringJob, WhenExecuteFailsTheRunInFlightIsCancelledAndEndsFirst) {
  // 01:00 runs for 90 minutes; at 02:00 the save fails and execute ends with that error.
  simulation sim;
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.state = std::make_shared<failing_store>();
  clockwork::add_recurring_job(sim.builder(), "nightly", o,
                               [](job_run& run) -> task<> { co_await run.rt.delay(90min, run.stopping); });
  sim.start();
  sim.run_for(3h);
  sim.stop();
  const auto canceled = sim.trace().find("job_canceled", "nightly");
  const auto faulted = sim.trace().find("service_faulted", "nightly");
  ASSERT_EQ(canceled.size(), 1u);
  ASSERT_EQ(faulted.size(), 1u);
  EXPECT_LT(canceled[0].seq, faulted[0].seq) << "the run ended before its service did";
  EXPECT_EQ(clockwork::format_offset(canceled[0].steady, sim.start_time()), "+02:00:00.000");
  EXPECT_THAT(sim.result().summary(), HasSubstr("the state database is unreachable"));
  for (const auto& t : sim.rt().tasks())
    EXPECT_NE(t.name, "nightly run") << "still live: " << sim.rt().describe_pending();
}

TEST(RecurringJob, ARunDeafToItsTokenKeepsItsJobAliveUntilItEnds) {
  // The same failure, with a run that ignores cancellation: the host abandons the service at
  // the shutdown deadline instead of destroying it under the run; the run ends, 30 minutes
  // after the host is gone, with its job still alive.
  clockwork::virtual_runtime_options options;
  options.clock.start_utc = at(1, 1);
  clockwork::virtual_runtime rt{options};
  std::weak_ptr<clockwork::background_service> job;
  std::vector<std::string> seen;
  {
    clockwork::host_builder builder{rt};
    recurring_job_options o;
    o.schedule = job_schedule::every(1h);
    o.state = std::make_shared<failing_store>();
    clockwork::add_recurring_job(builder, "nightly", o, [&job, &seen](job_run& run) -> task<> {
      co_await run.rt.delay(90min);  // deaf to stop
      seen.push_back(job.expired() ? "the run went on after its job was destroyed" : "the run ended, its job alive");
    });
    auto app = builder.build();
    job = app.service("nightly");
    const auto result = rt.block_on(app.run());
    EXPECT_FALSE(result.ok());
  }
  rt.run_for(2h);
  EXPECT_THAT(seen, ElementsAre("the run ended, its job alive"));
  EXPECT_TRUE(job.expired()) << "released once its run and execute ended";
}

// ---- a throwing should_retry --------------------------------------------------------------

TEST(RecurringJob, AThrowingShouldRetryFailsTheRunAndTheJobGoesOn) {
  simulation sim;
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.retry = clockwork::retry_policy::exponential(3, 1s, 1min);
  o.retry.should_retry = [](const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::invalid_argument&) {
      return false;  // bad data; any other error escapes the predicate
    }
  };
  clockwork::add_recurring_job(sim.builder(), "flaky", o, [](job_run&) -> task<> {
    throw std::runtime_error("the disk is full");
    co_return;
  });
  sim.start();
  sim.run_for(3h + 30min);
  sim.stop();
  const auto& job = job_of(sim, "flaky");
  EXPECT_EQ(job.stats().runs, 3u);
  EXPECT_EQ(job.stats().failed, 3u);
  EXPECT_EQ(job.stats().skipped, 0u);
  const auto failed = sim.trace().find("job_failed", "flaky");
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(*failed[0].field("why"), "not retried: should_retry threw: the disk is full");
  EXPECT_TRUE(sim.logs().contains(spdlog::level::err, "should_retry threw"));
  EXPECT_TRUE(sim.result().ok()) << sim.result().summary();
  EXPECT_TRUE(sim.rt().unobserved_exceptions().empty());
}

// ---- what add_recurring_job refuses ---------------------------------------------------------

std::string refusal(recurring_job_options o) {
  simulation sim;
  try {
    clockwork::add_recurring_job(sim.builder(), "bad", std::move(o), [](job_run&) -> task<> { co_return; });
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

TEST(RecurringJob, ANegativeToleranceIsRefusedWhenTheJobIsAdded) {
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.tolerance = -1s;
  EXPECT_THAT(refusal(o), HasSubstr("'bad': tolerance must not be negative, got -00:00:01.000"));
  o.tolerance = 0s;
  EXPECT_EQ(refusal(o), "accepted");
}

TEST(RecurringJob, ACatchUpCapOfZeroIsRefused) {
  recurring_job_options o;
  o.schedule = job_schedule::every(1h);
  o.misfire.policy = clockwork::misfire_policy::strict;
  o.misfire.catch_up_cap = 0;
  EXPECT_THAT(refusal(o), HasSubstr("misfire.catch_up_cap must be at least 1"));
  o.misfire.catch_up_cap = 1;
  EXPECT_EQ(refusal(o), "accepted");
}

// ---- retry curves at their extremes ---------------------------------------------------------

const auto no_jitter = [](std::chrono::nanoseconds) { return std::chrono::nanoseconds{0}; };

TEST(RetryPolicy, HangfiresCurveStopsAtItsCapForAnyAttempt) {
  const auto policy = clockwork::retry_policy::hangfire();
  const auto year = std::chrono::nanoseconds{std::chrono::hours(24 * 365)};
  EXPECT_EQ(policy.delay_before(101, no_jitter), year);  // the 100th retry: 99^4 + 15 s is 1,112 days
  EXPECT_EQ(policy.delay_before(313, no_jitter), year);  // 311^4 s overflows int64 nanoseconds
  EXPECT_EQ(policy.delay_before(100'000, no_jitter), year);
  EXPECT_EQ(policy.delay_before(std::numeric_limits<unsigned>::max(), no_jitter), year);
  EXPECT_EQ(policy.delay_before(39, no_jitter), std::chrono::seconds(37LL * 37 * 37 * 37 + 15));  // 21.7 days
}

TEST(RetryPolicy, HangfiresJitterDrawsEachWholeSecondFrom0To29) {
  // rand(0..29) as the runtime's seeded generator draws it: 3,000 first retries (n = 1, so
  // the delay is 15 s + the jitter).
  clockwork::virtual_runtime rt;
  const auto policy = clockwork::retry_policy::hangfire();
  std::vector<int> seen(30, 0);
  for (int i = 0; i < 3000; ++i) {
    const auto d = policy.delay_before(2, [&rt](std::chrono::nanoseconds max) { return rt.random_duration(max); });
    const auto jitter = std::chrono::duration_cast<std::chrono::seconds>(d - 15s).count();
    ASSERT_GE(jitter, 0);
    ASSERT_LE(jitter, 29);
    ASSERT_EQ(d - 15s, std::chrono::seconds(jitter)) << "whole seconds";
    ++seen[static_cast<std::size_t>(jitter)];
  }
  for (int j = 0; j < 30; ++j) EXPECT_GT(seen[static_cast<std::size_t>(j)], 50) << j << " s drawn too rarely";
}

TEST(RetryPolicy, TheExponentialCurveStopsAtItsCapForAnyAttempt) {
  auto policy = clockwork::retry_policy::exponential(5, 1s, 10min);
  policy.full_jitter = false;
  EXPECT_EQ(policy.delay_before(2, no_jitter), 1s);
  EXPECT_EQ(policy.delay_before(11, no_jitter), 512s);   // 2^9 s
  EXPECT_EQ(policy.delay_before(12, no_jitter), 10min);  // 2^10 s, capped
  EXPECT_EQ(policy.delay_before(64, no_jitter), 10min);
  EXPECT_EQ(policy.delay_before(std::numeric_limits<unsigned>::max(), no_jitter), 10min);
  policy.cap = std::chrono::nanoseconds::max();  // 2^62 s is beyond int64 nanoseconds
  EXPECT_EQ(policy.delay_before(64, no_jitter), std::chrono::nanoseconds::max());
  EXPECT_EQ(policy.delay_before(std::numeric_limits<unsigned>::max(), no_jitter), std::chrono::nanoseconds::max());
}

}  // namespace
