// recurring_job catching up, in virtual time: outages and wall-clock jumps counted exactly and
// at a cost bounded by what runs; every occurrence due either run or skipped, and traced; the
// state store across restarts (every()'s phase, a changed schedule, a store written before it
// kept schedules); the instant a job starts. Two of Hangfire's own facts are ported here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/time_format.hpp"
#include "recurring_job_support.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::job_run;
using clockwork::job_schedule;
using clockwork::misfire_policy;
using clockwork::recurring_job;
using clockwork::recurring_job_options;
using clockwork::task;
using clockwork::utc_time;
using clockwork::test::at;
using clockwork::test::counts;
using clockwork::test::job_of;
using clockwork::test::scheduled_runs;
using clockwork::test::starting;
using clockwork::testing::simulation;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

utc_time utc(const char* iso) {
  return clockwork::cron::parse_instant(iso);
}

// ---- a forward jump of the wall clock over many occurrences ------------------------------------

struct jump_outcome {
  recurring_job::counters stats;
  std::vector<std::string> scheduled;                       // the runs, from the trace
  std::map<std::string, std::string> misfire;               // the job_misfire event's fields
  std::vector<std::map<std::string, std::string>> skipped;  // the job_skipped events' fields
};

std::map<std::string, std::string> fields_of(const clockwork::trace_record& r) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : r.fields) out[key] = value;
  return out;
}

// The job runs from 2026-01-01 00:00:00 UTC; 10.5 s later the wall clock jumps forward by
// `jump`; the outcome is taken just after the catch-up, before the next occurrence. A host on a
// virtual runtime with a trace and no schedule detector: checking months of every-second
// occurrences for missed runs is not what these tests measure.
jump_outcome after_a_jump(job_schedule schedule, clockwork::misfire_options misfire, std::chrono::nanoseconds jump) {
  clockwork::virtual_runtime_options options;
  options.clock.start_utc = at(1, 1);
  clockwork::virtual_runtime rt{options};
  clockwork::trace trace{rt.clock()};
  rt.set_observer(&trace);
  clockwork::host_builder builder{rt};
  recurring_job_options o;
  o.schedule = std::move(schedule);
  o.misfire = misfire;
  int runs = 0;
  clockwork::add_recurring_job(builder, "frequent", o, counts(runs));
  auto app = builder.build();
  rt.block_on(app.start());
  rt.run_for(10s + 500ms);
  rt.jump_wall_clock(jump);
  rt.run_for(100ms);
  jump_outcome out;
  out.stats = static_cast<const recurring_job&>(*app.service("frequent")).stats();
  for (const auto& r : trace.find("job_run", "frequent")) out.scheduled.push_back(*r.field("scheduled"));
  for (const auto& r : trace.find("job_misfire", "frequent")) out.misfire = fields_of(r);
  for (const auto& r : trace.find("job_skipped", "frequent")) out.skipped.push_back(fields_of(r));
  rt.block_on(app.stop());
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
  return out;
}

// The bookkeeping of one catch-up beyond a search per run: counting the occurrences due and
// those misfired (a step per zone period), finding the latest and the range skipped.
constexpr std::uint64_t catch_up_steps = 15;

TEST(RecurringJobCatchUp, ThreeDaysOfAnEverySecondJobAreCountedExactlyAndTheLatestRuns) {
  // Before the jump: 00:00:01 .. 00:00:10 ran. The jump lands on 3 days + 00:00:10.5: due are
  // 00:00:11 .. 3d 00:00:10, 259,200 occurrences, all but the last 60 more than a minute ago.
  clockwork::misfire_options relaxed;
  const auto r = after_a_jump(job_schedule::every(1s), relaxed, 3 * 24h);
  EXPECT_EQ(r.misfire.at("due"), "259200");
  EXPECT_EQ(r.misfire.at("missed"), "259140");
  EXPECT_EQ(r.stats.misfired, 259'140u);
  EXPECT_EQ(r.stats.runs, 11u);
  EXPECT_EQ(r.scheduled.back(), "2026-01-04T00:00:10.000Z");  // the latest, not the 100,000th
  EXPECT_EQ(r.stats.skipped, 259'199u);
  EXPECT_EQ(r.stats.runs + r.stats.skipped, 10u + 259'200u);
  EXPECT_LE(r.stats.schedule_steps, r.stats.runs + catch_up_steps) << "what runs, not what was missed";

  // With no threshold every one of the three days' occurrences misfired; strict runs the five
  // oldest (one after another) and skips the rest.
  clockwork::misfire_options strict;
  strict.policy = misfire_policy::strict;
  strict.catch_up_cap = 5;
  strict.threshold = 0s;
  const auto s = after_a_jump(job_schedule::every(1s), strict, 3 * 24h);
  EXPECT_EQ(s.stats.misfired, 259'200u);
  EXPECT_EQ(s.stats.runs, 15u);
  EXPECT_EQ(s.stats.skipped, 259'195u);
  EXPECT_EQ(s.scheduled.back(), "2026-01-01T00:00:15.000Z");
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].at("from"), "2026-01-01T00:00:16.000Z");
  EXPECT_EQ(s.skipped[0].at("to"), "2026-01-04T00:00:10.000Z");
  EXPECT_EQ(s.skipped[0].at("count"), "259195");
}

TEST(RecurringJobCatchUp, AYearLongJumpCostsWhatRunsNotWhatWasMissed) {
  // 2026-01-01 00:00:10.5 -> 2027-01-01 00:00:10.5: 31,536,000 occurrences due, for every(1s)
  // and for an every-second cron in Berlin alike (its spring gap and autumn repeat cancel out).
  constexpr std::uint64_t year = 365ull * 86400ull;
  const job_schedule schedules[] = {
      job_schedule::every(1s), job_schedule::cron("* * * * * *", clockwork::cron::dialect::cronos6, "Europe/Berlin")};
  for (const auto& schedule : schedules) {
    SCOPED_TRACE(schedule.describe());
    const std::uint64_t before = schedule.periodic() ? 10 : 11;  // cron also runs 00:00:00, at the start
    clockwork::misfire_options m;
    m.threshold = 0s;
    const auto relaxed = after_a_jump(schedule, m, 365 * 24h);
    EXPECT_EQ(relaxed.stats.misfired, year);
    EXPECT_EQ(relaxed.stats.skipped, year - 1);
    EXPECT_EQ(relaxed.scheduled.back(), "2027-01-01T00:00:10.000Z");
    EXPECT_LE(relaxed.stats.schedule_steps, relaxed.stats.runs + catch_up_steps);

    m.policy = misfire_policy::strict;
    m.catch_up_cap = 3;
    const auto strict = after_a_jump(schedule, m, 365 * 24h);
    EXPECT_EQ(strict.stats.runs + strict.stats.skipped, before + year);
    EXPECT_EQ(strict.scheduled.back(), "2026-01-01T00:00:13.000Z");
    EXPECT_LE(strict.stats.schedule_steps, strict.stats.runs + catch_up_steps);

    m.policy = misfire_policy::ignorable;
    m.window = 5s;  // 00:00:05.5 .. 00:00:10.5 on 2027-01-01: the last five
    const auto ignorable = after_a_jump(schedule, m, 365 * 24h);
    EXPECT_EQ(ignorable.stats.runs, before + 5);
    EXPECT_EQ(ignorable.stats.skipped, year - 5);
    ASSERT_EQ(ignorable.skipped.size(), 1u);
    EXPECT_EQ(ignorable.skipped[0].at("to"), "2027-01-01T00:00:05.000Z");
    EXPECT_LE(ignorable.stats.schedule_steps, ignorable.stats.runs + catch_up_steps);
  }
}

// ---- every occurrence due is run or skipped, and traced ------------------------------------

// Each occurrence of an every(10 s) job up to `until`, and how the trace accounts for it: the
// runs' `scheduled`, the skipped ones' `scheduled` or [from, to].
std::map<std::string, int> accounted(simulation& sim, const std::string& job, utc_time until) {
  std::map<std::string, int> seen;
  for (utc_time t = at(1, 1) + 10s; t <= until; t += 10s) seen[clockwork::format_utc(t)] = 0;
  for (const auto& r : sim.trace().find("job_run", job)) ++seen[*r.field("scheduled")];
  for (const auto& r : sim.trace().find("job_skipped", job)) {
    if (const auto* one = r.field("scheduled")) {
      ++seen[*one];
      continue;
    }
    const utc_time from = utc(r.field("from")->c_str());
    const utc_time to = utc(r.field("to")->c_str());
    int n = 0;
    for (utc_time t = from; t <= to; t += 10s, ++n) ++seen[clockwork::format_utc(t)];
    EXPECT_EQ(std::to_string(n), *r.field("count"));
  }
  return seen;
}

TEST(RecurringJobCatchUp, EveryOccurrenceDueIsRunOrSkippedAndTracedEvenWhenNoneIsLate) {
  // An every(10 s) job; at 00:00:15 the wall clock jumps 35 s to 00:00:50: 00:00:20, :30, :40
  // and :50 are due, none more than misfire.threshold (a minute) ago.
  struct example {
    misfire_policy policy;
    std::vector<std::string> ran;  // after 00:00:10
    std::uint64_t skipped;
  };
  const example examples[] = {
      {misfire_policy::relaxed, {"2026-01-01T00:00:50.000Z"}, 3},
      {misfire_policy::strict, {"2026-01-01T00:00:20.000Z", "2026-01-01T00:00:30.000Z"}, 2},
      {misfire_policy::ignorable, {"2026-01-01T00:00:40.000Z", "2026-01-01T00:00:50.000Z"}, 2},
  };
  for (const auto& e : examples) {
    SCOPED_TRACE(static_cast<int>(e.policy));
    simulation sim{starting(at(1, 1))};
    recurring_job_options o;
    o.schedule = job_schedule::every(10s);
    o.misfire.policy = e.policy;
    o.misfire.catch_up_cap = 2;
    o.misfire.window = 15s;
    int runs = 0;
    clockwork::add_recurring_job(sim.builder(), "ten", o, counts(runs));
    sim.jump_wall_clock_at(sim.start_time() + 15s, 35s);
    sim.start();
    sim.run_for(16s);  // wall 00:00:51
    const auto& job = job_of(sim, "ten");
    EXPECT_EQ(job.stats().misfired, 0u);
    EXPECT_EQ(job.stats().skipped, e.skipped);
    EXPECT_EQ(job.stats().runs + job.stats().skipped, 5u);  // 00:00:10 .. 00:00:50
    auto scheduled = scheduled_runs(sim, "ten");
    scheduled.erase(scheduled.begin());  // 00:00:10, on time
    EXPECT_EQ(scheduled, e.ran);
    for (const auto& [instant, times] : accounted(sim, "ten", at(1, 1) + 50s)) {
      EXPECT_EQ(times, 1) << instant << " is run or skipped exactly once";
    }
    EXPECT_TRUE(sim.logs().contains(spdlog::level::warn, std::to_string(e.skipped) + " skipped"));
    sim.stop();
  }
}

TEST(RecurringJobCatchUp, AStopDuringACatchUpSkipsWhatIsLeftAndCountsIt) {
  // Strict catch-up of 4 missed occurrences, a minute each; the host stops in the second.
  simulation sim{starting(at(1, 1))};
  recurring_job_options o;
  o.schedule = job_schedule::every(10min);
  o.misfire.policy = misfire_policy::strict;
  clockwork::add_recurring_job(sim.builder(), "slow", o,
                               [](job_run& run) -> task<> { co_await run.rt.delay(1min, run.stopping); });
  sim.jump_wall_clock_at(sim.start_time() + 15min, 30min);  // 00:15 -> 00:45: 00:20 .. 00:40 due
  sim.request_stop_at(sim.start_time() + 16min + 30s);
  sim.run_until_stopped();
  const auto& stats = job_of(sim, "slow").stats();
  EXPECT_EQ(stats.runs, 3u);     // 00:10, then 00:20 and 00:30 of the catch-up (cancelled)
  EXPECT_EQ(stats.skipped, 1u);  // 00:40
  EXPECT_THAT(*sim.trace().find("job_skipped", "slow").back().field("reason"), HasSubstr("stopped during a catch-up"));
  EXPECT_TRUE(sim.result().ok()) << sim.result().summary();
}

// ---- restarts with a state store ------------------------------------------------------------

// A host runs the job from `first_start` for `first_for`, goes down, and a second host with the
// same store starts at `second_start` and runs for `second_for`; the runs of the second host.
struct restart_outcome {
  std::vector<std::string> scheduled;
  recurring_job::counters stats;
  bool schedule_change_logged = false;
};

restart_outcome restarted(std::shared_ptr<clockwork::job_state_store> store, utc_time first_start,
                          const job_schedule& first, std::chrono::nanoseconds first_for, utc_time second_start,
                          const job_schedule& second, std::chrono::nanoseconds second_for,
                          misfire_policy policy = misfire_policy::strict) {
  recurring_job_options o;
  o.state = store;
  o.misfire.policy = policy;
  o.schedule = first;
  int runs = 0;
  {
    simulation sim{starting(first_start)};
    clockwork::add_recurring_job(sim.builder(), "job", o, counts(runs));
    sim.start();
    sim.run_for(first_for);
    sim.stop();
  }
  o.schedule = second;
  simulation sim{starting(second_start)};
  clockwork::add_recurring_job(sim.builder(), "job", o, counts(runs));
  sim.start();
  sim.run_for(second_for);
  restart_outcome out{scheduled_runs(sim, "job"), job_of(sim, "job").stats(),
                      sim.logs().contains(spdlog::level::info, "its schedule changed")};
  sim.stop();
  return out;
}

TEST(RecurringJobCatchUp, EveryCatchesUpAfterARestartAndKeepsItsPhase) {
  // Started at 00:10: runs at 01:10 and 02:10, down from 02:40 to 08:00. 03:10 .. 07:10 were
  // missed (strict: all five run at 08:00), and the phase stays: next at 08:10, not 09:00.
  const auto store = std::make_shared<clockwork::in_memory_job_state_store>();
  const auto r = restarted(store, at(1, 1, 0, 10), job_schedule::every(1h), 2h + 30min, at(1, 1, 8),
                           job_schedule::every(1h), 1h + 15min);
  EXPECT_THAT(r.scheduled,
              ElementsAre("2026-01-01T03:10:00.000Z", "2026-01-01T04:10:00.000Z", "2026-01-01T05:10:00.000Z",
                          "2026-01-01T06:10:00.000Z", "2026-01-01T07:10:00.000Z", "2026-01-01T08:10:00.000Z",
                          "2026-01-01T09:10:00.000Z"));
  EXPECT_EQ(r.stats.misfired, 5u);
  // The same with relaxed: one run for the five, four skipped, the phase kept.
  const auto relaxed =
      restarted(std::make_shared<clockwork::in_memory_job_state_store>(), at(1, 1, 0, 10), job_schedule::every(1h),
                2h + 30min, at(1, 1, 8), job_schedule::every(1h), 1h + 15min, misfire_policy::relaxed);
  EXPECT_THAT(relaxed.scheduled,
              ElementsAre("2026-01-01T07:10:00.000Z", "2026-01-01T08:10:00.000Z", "2026-01-01T09:10:00.000Z"));
  EXPECT_EQ(relaxed.stats.skipped, 4u);
}

TEST(RecurringJobCatchUp, AChangedPeriodStartsAfreshFromTheRestart) {
  const auto r = restarted(std::make_shared<clockwork::in_memory_job_state_store>(), at(1, 1, 0, 10),
                           job_schedule::every(1h), 2h + 30min, at(1, 1, 8), job_schedule::every(30min), 1h + 15min);
  EXPECT_THAT(r.scheduled, ElementsAre("2026-01-01T08:30:00.000Z", "2026-01-01T09:00:00.000Z"));
  EXPECT_EQ(r.stats.misfired, 0u);
  EXPECT_TRUE(r.schedule_change_logged);
}

// Hangfire, RecurringJobManagerFacts.
// AddOrUpdate_UsesCurrentTime_InsteadOfLastExecution_ToCalculateNextExecution_WhenChangingCronExpression:
// last run 12:30 on "30 12 * * *"; at 15:30 the expression becomes "30 13 * * *": the next
// execution is tomorrow 13:30 (now + 22 h), not today's 13:30 caught up from the old last run.
TEST(RecurringJobCatchUp, HangfireAChangedCronExpressionStartsFromNowNotFromTheLastExecution) {
  const auto store = std::make_shared<clockwork::in_memory_job_state_store>();
  const auto r = restarted(
      store, utc("2017-03-30T12:00:00.000Z"),
      job_schedule::cron("30 12 * * *", clockwork::cron::dialect::cronos5, "UTC"), 1h, utc("2017-03-30T15:30:00.000Z"),
      job_schedule::cron("30 13 * * *", clockwork::cron::dialect::cronos5, "UTC"), 23h, misfire_policy::relaxed);
  EXPECT_THAT(r.scheduled, ElementsAre("2017-03-31T13:30:00.000Z"));
  EXPECT_EQ(r.stats.misfired, 0u);
  EXPECT_TRUE(r.schedule_change_logged);
  const auto saved = store->last_run("job");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->scheduled, utc("2017-03-31T13:30:00.000Z"));
  EXPECT_EQ(saved->schedule, "cron cronos5 cronos UTC: 30 13 * * *");
  // The same expression (a blank more) and daily_at for the same time are the same schedule.
  EXPECT_EQ(job_schedule::cron("30  13 * * *", clockwork::cron::dialect::cronos5, "UTC").identity(),
            "cron cronos5 cronos UTC: 30 13 * * *");
  EXPECT_EQ(job_schedule::daily_at(13, 30, "UTC").identity(),
            job_schedule::cron("0 30 13 * * *", clockwork::cron::dialect::cronos6, "UTC").identity());
}

// A store written for the first two members only: it keeps no schedule.
class remembers_instants_only final : public clockwork::job_state_store {
 public:
  std::optional<utc_time> last_scheduled(std::string_view) override { return last_; }
  void save(std::string_view, utc_time scheduled) override { last_ = scheduled; }

 private:
  std::optional<utc_time> last_;
};

TEST(RecurringJobCatchUp, AStoreThatKeepsNoScheduleStillWorksTakingTheScheduleAsUnchanged) {
  const auto store = std::make_shared<remembers_instants_only>();
  const auto r = restarted(store, at(1, 1, 0, 10), job_schedule::every(1h), 2h + 30min, at(1, 1, 8),
                           job_schedule::every(1h), 15min, misfire_policy::relaxed);
  EXPECT_THAT(r.scheduled, ElementsAre("2026-01-01T07:10:00.000Z", "2026-01-01T08:10:00.000Z"));
  EXPECT_EQ(store->last_scheduled("job"), at(1, 1, 8, 10));
}

// ---- the instant the job starts -------------------------------------------------------------

// Hangfire, RecurringJobSchedulerFacts.Execute_EnqueuesAJob_WhenItIsTimeToRunIt: "* * * * *",
// now 2017-03-30 15:30:00 UTC, nothing run yet: the job runs now. And
// Execute_TakesIntoConsideration_LastExecutionTime...: with 15:30 already the last execution,
// nothing runs now.
TEST(RecurringJobCatchUp, HangfireAnOccurrenceAtTheInstantTheJobStartsRunsThen) {
  const utc_time now = utc("2017-03-30T15:30:00.000Z");
  for (const auto& schedule : {job_schedule::cron("* * * * *", clockwork::cron::dialect::cronos5, "UTC"),
                               job_schedule::daily_at(15, 30, "UTC")}) {
    SCOPED_TRACE(schedule.describe());
    simulation sim{starting(now)};
    recurring_job_options o;
    o.schedule = schedule;
    int runs = 0;
    clockwork::add_recurring_job(sim.builder(), "job", o, counts(runs));
    sim.start();
    sim.run_for(30s);
    ASSERT_THAT(scheduled_runs(sim, "job"), ElementsAre("2017-03-30T15:30:00.000Z"));
    EXPECT_EQ(*sim.trace().find("job_run", "job")[0].field("started"), "2017-03-30T15:30:00.000Z");
    EXPECT_EQ(job_of(sim, "job").stats().misfired, 0u);
    sim.stop();
  }
  {  // every() keeps its first run one period after the start.
    simulation sim{starting(now)};
    recurring_job_options o;
    o.schedule = job_schedule::every(1min);
    int runs = 0;
    clockwork::add_recurring_job(sim.builder(), "job", o, counts(runs));
    sim.start();
    sim.run_for(90s);
    EXPECT_THAT(scheduled_runs(sim, "job"), ElementsAre("2017-03-30T15:31:00.000Z"));
    sim.stop();
  }
  {  // 15:30 already saved: never run again.
    const auto store = std::make_shared<clockwork::in_memory_job_state_store>();
    const auto schedule = job_schedule::cron("* * * * *", clockwork::cron::dialect::cronos5, "UTC");
    store->save_run("job", {now, schedule.identity()});
    simulation sim{starting(now)};
    recurring_job_options o;
    o.schedule = schedule;
    o.state = store;
    int runs = 0;
    clockwork::add_recurring_job(sim.builder(), "job", o, counts(runs));
    sim.start();
    sim.run_for(90s);
    EXPECT_THAT(scheduled_runs(sim, "job"), ElementsAre("2017-03-30T15:31:00.000Z"));
    sim.stop();
  }
}

}  // namespace
