// The schedule detector and a recurring job that skips or catches up on purpose: occurrences the
// job says it dropped (job_skipped) are not missed runs, and a late catch-up run counts for the
// occurrence it names, not the one it happens to run near.
#include <gtest/gtest.h>

#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/testing/simulation.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;

std::size_t findings_of(testing::simulation& sim, finding_kind kind) {
  return sim.findings(kind).size();
}

// An every(10 s) job whose wall clock jumps from 00:00:15 to 00:00:50: 00:00:20, :30 and :40 pass
// while it waits for :20.
testing::simulation& jumped(testing::simulation& sim, misfire_policy policy) {
  recurring_job_options o;
  o.schedule = job_schedule::every(10s);
  o.misfire.policy = policy;
  o.misfire.threshold = 1s;
  o.tolerance = 1s;  // checked up to 1 s before the stop
  add_recurring_job(sim.builder(), "poll", o, [](job_run&) -> task<> { co_return; });
  sim.start();
  sim.run_for(15s);
  sim.jump_wall_clock(35s);
  sim.run_for(30s);
  sim.stop();
  return sim;
}

TEST(ScheduleDetectorSkips, OccurrencesARelaxedJobCoalescedAreNotMissedRuns) {
  testing::simulation sim;
  jumped(sim, misfire_policy::relaxed);
  EXPECT_EQ(findings_of(sim, finding_kind::missed_run), 0u) << sim.report();
  EXPECT_EQ(findings_of(sim, finding_kind::duplicate_run), 0u) << sim.report();
}

TEST(ScheduleDetectorSkips, AStrictCatchUpCountsEachRunForItsOwnOccurrence) {
  testing::simulation sim;
  jumped(sim, misfire_policy::strict);
  EXPECT_EQ(findings_of(sim, finding_kind::missed_run), 0u) << sim.report();
  EXPECT_EQ(findings_of(sim, finding_kind::duplicate_run), 0u) << sim.report();
}

TEST(ScheduleDetectorSkips, AnOccurrenceNobodySkippedIsStillMissed) {
  testing::simulation sim;
  sim.expect_runs("quiet", run_schedule::every(10s, sim.rt().clock().utc_now() + 10s).with_tolerance(1s));
  sim.start();
  sim.run_for(5s);
  sim.rt().emit("job_skipped", "quiet", {{"scheduled", "2026-01-01T00:00:20.000Z"}});
  sim.run_for(40s);
  sim.stop();
  // 10, 30 and 40 s were neither run nor skipped; 20 s was skipped.
  EXPECT_EQ(findings_of(sim, finding_kind::missed_run), 3u) << sim.report();
}

}  // namespace
}  // namespace clockwork
