// delay_until_utc: a wait for a wall-clock instant, re-evaluated when the wall clock changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/time_format.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::utc_time;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const utc_time jan2{std::chrono::sys_days{std::chrono::year{2026} / 1 / 2}};

struct woke {
  std::string wall;
  std::string steady;
};

task<> waits_for(virtual_runtime& rt, utc_time target, std::vector<woke>& out, std::stop_token token = {}) {
  co_await rt.delay_until_utc(target, token);
  out.push_back({clockwork::format_utc(rt.clock().utc_now()), clockwork::format_offset(rt.now(), rt.start_time())});
}

TEST(WallClockWait, WakesWhenTheWallClockReadsTheTarget) {
  virtual_runtime rt;  // 2026-01-01T00:00:00Z
  std::vector<woke> out;
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.run_for(2 * 24h);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].wall, "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(out[0].steady, "+1d00:00:00.000");
}

TEST(WallClockWait, AClockSteppedBackDuringTheWaitStillWakesAtTheWallInstant) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.advance_by(12h);
  rt.jump_wall_clock(-5min);  // NTP: the clock was 5 min fast
  rt.run_for(2 * 24h);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].wall, "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(out[0].steady, "+1d00:05:00.000");  // 5 more minutes of monotonic time
}

TEST(WallClockWait, AClockSteppedForwardWakesSooner) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.advance_by(12h);
  rt.jump_wall_clock(5min);
  rt.run_for(2 * 24h);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].wall, "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(out[0].steady, "+23:55:00.000");
}

TEST(WallClockWait, AClockSetPastTheTargetCompletesTheWaitAtOnce) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.advance_by(1h);
  rt.set_utc(jan2 + 3h);
  rt.advance_by(0ns);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].steady, "+01:00:00.000");
}

TEST(WallClockWait, DriftIsFollowed) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.set_drift(1000);  // the wall clock gains 1 ms a second: 86.4 s a day
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.run_for(2 * 24h);
  ASSERT_EQ(out.size(), 1u);
  // The first nanosecond at which the drifting clock reads the target or later.
  EXPECT_THAT(out[0].wall, HasSubstr("2026-01-02T00:00:00.000"));
  EXPECT_EQ(out[0].steady, "+23:58:33.686313687");  // 86.3 s of monotonic time early
}

TEST(WallClockWait, AZoneChangeDoesNotMoveAUtcInstant) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.spawn(waits_for(rt, jan2, out), "midnight");
  rt.advance_by(1h);
  rt.set_local_zone("Asia/Tokyo");
  rt.run_for(2 * 24h);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].steady, "+1d00:00:00.000");
}

TEST(WallClockWait, ATargetAlreadyReachedCompletesThroughTheReadyQueueAndTheTokenCancels) {
  virtual_runtime rt;
  std::vector<woke> out;
  rt.spawn(waits_for(rt, rt.clock().utc_now() - 1h, out), "late");
  rt.run_until_idle();
  EXPECT_EQ(out.size(), 1u);
  std::stop_source stop;
  rt.spawn(waits_for(rt, jan2, out, stop.get_token()), "stopped");
  rt.run_until_idle();
  EXPECT_THAT(rt.describe_pending(), HasSubstr("waiting for the wall clock to read 2026-01-02T00:00:00.000Z"));
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(out.size(), 1u);
}

// Pattern 4 done right: neither the drift detector nor the schedule detector complains.
class midnight_by_wall_clock : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      const auto now = rt().clock().utc_now();
      co_await rt().delay_until_utc(std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1), stopping);
      note_run();
    }
  }
};

TEST(WallClockWait, AMidnightJobOnWallClockWaitsSurvivesClockSteps) {
  clockwork::testing::simulation sim;
  sim.builder().add_hosted_service<midnight_by_wall_clock>("midnight");
  sim.expect_runs("midnight", clockwork::run_schedule::daily_at_utc(0, 0));
  sim.jump_wall_clock_at(sim.start_time() + 12h, -5min);
  sim.jump_wall_clock_at(sim.start_time() + 36h, 5min);
  sim.start();
  sim.run_for(4 * 24h);
  sim.stop();
  EXPECT_TRUE(sim.findings().empty()) << sim.report();
  EXPECT_EQ(sim.schedules().runs_of("midnight").size(), 4u);
}

}  // namespace
