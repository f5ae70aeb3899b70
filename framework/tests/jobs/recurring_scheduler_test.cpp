// Recurring jobs on a job store: what one pass decides (plan_recurring), and several schedulers
// firing each occurrence once.
#include "clockwork/jobs/recurring_scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/testing/simulation_test.hpp"

namespace clockwork::jobs {
namespace {

using namespace std::chrono_literals;

const utc_time start{std::chrono::seconds(1767225600)};  // 2026-01-01T00:00:00Z

recurring_definition hourly(misfire_policy policy = misfire_policy::relaxed) {
  recurring_definition d;
  d.name = "hourly";
  d.expression = "0 * * * *";
  d.kind = "report";
  d.since = start;
  d.misfire.policy = policy;
  d.misfire.catch_up_cap = 3;
  d.misfire.window = 2h + 30min;
  return d;
}

TEST(PlanRecurring, AnOccurrenceAtTheRegistrationInstantIsDue) {
  const auto plan = plan_recurring(hourly(), start);
  EXPECT_EQ(plan.fire, std::vector<utc_time>{start});
  EXPECT_EQ(plan.due, 1u);
  EXPECT_EQ(plan.misfired, 0u);
  EXPECT_EQ(plan.next, start + 1h);
}

TEST(PlanRecurring, NothingIsDueBeforeTheNextOccurrence) {
  auto d = hourly();
  d.last_fired = start;
  const auto plan = plan_recurring(d, start + 59min);
  EXPECT_TRUE(plan.fire.empty());
  EXPECT_EQ(plan.next, start + 1h);
}

TEST(PlanRecurring, RelaxedFiresTheLatestOfAnOutage) {
  auto d = hourly();
  d.last_fired = start;
  const auto plan = plan_recurring(d, start + 5h + 10min);
  EXPECT_EQ(plan.fire, std::vector<utc_time>{start + 5h});
  EXPECT_EQ(plan.due, 5u);
  EXPECT_EQ(plan.misfired, 5u);
  EXPECT_FALSE(plan.skip_to.has_value());
}

TEST(PlanRecurring, StrictFiresTheOldestUpToItsCapAndSkipsTheRest) {
  auto d = hourly(misfire_policy::strict);
  d.last_fired = start;
  const auto plan = plan_recurring(d, start + 5h + 10min);
  EXPECT_EQ(plan.fire, (std::vector<utc_time>{start + 1h, start + 2h, start + 3h}));
  EXPECT_EQ(plan.skip_to, start + 5h);
}

TEST(PlanRecurring, IgnorableFiresOnlyWithinItsWindow) {
  auto d = hourly(misfire_policy::ignorable);
  d.last_fired = start;
  const auto plan = plan_recurring(d, start + 5h + 10min);
  EXPECT_EQ(plan.fire, (std::vector<utc_time>{start + 3h, start + 4h, start + 5h}));
  EXPECT_FALSE(plan.skip_to.has_value());
}

TEST(PlanRecurring, AYearDownIsCountedExactlyNotWalked) {
  recurring_definition d = hourly();
  d.expression = "* * * * * *";  // every second, a year down
  d.dialect = cron::dialect::cronos6;
  d.last_fired = start;
  const auto plan = plan_recurring(d, start + 24h * 365);
  EXPECT_EQ(plan.fire, std::vector<utc_time>{start + 24h * 365});
  EXPECT_EQ(plan.due, 365u * 24 * 3600);
  EXPECT_EQ(plan.misfired, 365u * 24 * 3600 - 61)
      << "those of the last minute, both ends included, are within the threshold";
}

TEST(PlanRecurring, BadDefinitionsAreRefused) {
  auto d = hourly();
  d.zone = "Mars/Base";
  EXPECT_THROW(validate_recurring(d), std::invalid_argument);
  d = hourly();
  d.expression = "0 25 * * *";
  EXPECT_THROW(validate_recurring(d), std::invalid_argument);
  d = hourly(misfire_policy::strict);
  d.misfire.catch_up_cap = 0;
  EXPECT_THROW(validate_recurring(d), std::invalid_argument);
  d = hourly();
  d.kind.clear();
  EXPECT_THROW(validate_recurring(d), std::invalid_argument);
}

class RecurringScheduler : public clockwork::testing::simulation_test {};

TEST_F(RecurringScheduler, TwoInstancesFireEachOccurrenceOnce) {
  auto db = std::make_shared<simulated_job_store>(sim.rt());
  recurring_scheduler_options o;
  recurring_definition d;
  d.name = "quarter";
  d.expression = "*/15 * * * *";
  d.kind = "report";
  o.definitions = {d};
  add_recurring_scheduler(sim.builder(), db->connect("a"), o, "a.recurring");
  add_recurring_scheduler(sim.builder(), db->connect("b"), o, "b.recurring");
  sim.start();
  sim.run_for(1h + 1min);
  sim.stop();
  job_query q;
  q.kind = "report";
  // 00:00 (registration instant, inclusive), 00:15, 00:30, 00:45, 01:00.
  EXPECT_EQ(sim.rt().block_on(db->list(q)).total, 5u);
  EXPECT_TRUE(sim.result().ok()) << sim.report();
}

TEST_F(RecurringScheduler, AChangedScheduleIsLoggedAndStartsFromNow) {
  auto db = std::make_shared<simulated_job_store>(sim.rt());
  recurring_definition d;
  d.name = "report";
  d.expression = "30 13 * * *";
  d.kind = "report";
  sim.rt().block_on(db->put_recurring(d));
  recurring_scheduler_options o;
  d.expression = "0 2 * * *";
  o.definitions = {d};
  add_recurring_scheduler(sim.builder(), db, o);
  sim.start();
  sim.run_for(1min);
  sim.stop();
  EXPECT_TRUE(sim.logs().contains("its schedule changes from '30 13 * * *'"));
  EXPECT_EQ(sim.rt().block_on(db->recurring()).at(0).expression, "0 2 * * *");
}

}  // namespace
}  // namespace clockwork::jobs
