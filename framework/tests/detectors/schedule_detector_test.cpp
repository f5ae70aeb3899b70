// schedule_detector: missed and duplicate runs against a declared schedule, in wall time.
#include "clockwork/detectors/schedule_detector.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/testing/simulation.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::finding_kind;
using clockwork::run_schedule;
using clockwork::task;
using clockwork::testing::simulation;
using ::testing::HasSubstr;

class midnight_by_delay : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      const auto now = rt().clock().utc_now();
      const auto next_midnight = std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1);
      co_await rt().delay(next_midnight - now, stopping);
      note_run();
    }
  }
};

struct outcome {
  std::vector<clockwork::finding> missed;
  std::vector<clockwork::finding> duplicate;
};

outcome run_days(int days, std::function<void(simulation&)> script) {
  simulation sim;
  sim.builder().add_hosted_service<midnight_by_delay>("midnight");
  sim.expect_runs("midnight", run_schedule::daily_at_utc(0, 0));
  script(sim);
  sim.start();
  sim.run_for(std::chrono::days(days) + 1h);
  sim.stop();
  return {sim.findings(finding_kind::missed_run), sim.findings(finding_kind::duplicate_run)};
}

TEST(ScheduleDetector, AJobThatRunsEveryMidnightIsNeitherMissedNorDoubled) {
  const auto o = run_days(30, [](simulation&) {});
  EXPECT_TRUE(o.missed.empty());
  EXPECT_TRUE(o.duplicate.empty());
}

TEST(ScheduleDetector, AClockSteppedBackMakesItRunTwiceForOneMidnight) {
  const auto o = run_days(3, [](simulation& sim) { sim.jump_wall_clock_at(sim.start_time() + 12h, -5min); });
  EXPECT_TRUE(o.missed.empty());
  ASSERT_EQ(o.duplicate.size(), 1u);
  EXPECT_THAT(o.duplicate[0].message, HasSubstr("2 runs for the occurrence at 2026-01-02T00:00:00.000Z"));
}

TEST(ScheduleDetector, AClockSteppedForwardMakesItRunLateAndThatMidnightIsMissed) {
  const auto o = run_days(3, [](simulation& sim) { sim.jump_wall_clock_at(sim.start_time() + 12h, 5min); });
  ASSERT_EQ(o.missed.size(), 1u);
  EXPECT_THAT(o.missed[0].message, HasSubstr("no run at 2026-01-02T00:00:00.000Z"));
  EXPECT_THAT(o.missed[0].message, HasSubstr("it ran at 2026-01-02T00:05:00.000Z instead"));
}

TEST(ScheduleDetector, AJumpOfAWholeDaySkipsADay) {
  const auto o = run_days(3, [](simulation& sim) { sim.jump_wall_clock_at(sim.start_time() + 12h, 24h); });
  ASSERT_FALSE(o.missed.empty());
  EXPECT_THAT(o.missed[0].message, HasSubstr("no run at 2026-01-02T00:00:00.000Z"));
}

TEST(ScheduleDetector, BadSchedulesAreRefused) {
  EXPECT_THROW(run_schedule::daily_at_utc(24, 0), std::invalid_argument);
  EXPECT_THROW(run_schedule::every(0s), std::invalid_argument);
  EXPECT_THROW(run_schedule::daily_at_utc(0, 0).with_tolerance(-1s), std::invalid_argument);
}

}  // namespace
