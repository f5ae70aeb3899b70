#include "clockwork/scenarios/month_demo.hpp"

#include <gtest/gtest.h>

#include "clockwork/time/time_format.hpp"

namespace {

using namespace std::chrono_literals;

TEST(MonthDemo, ThirtyDaysGiveEveryHeartbeatAndOneMidnightRunPerDay) {
  clockwork::virtual_runtime rt;
  const auto summary = clockwork::scenarios::run_month_demo(rt, std::chrono::days(30));
  EXPECT_EQ(summary.heartbeats, 30u * 96u);
  EXPECT_EQ(summary.missed_heartbeats, 0u);
  ASSERT_EQ(summary.midnight_runs.size(), 30u);
  EXPECT_EQ(clockwork::format_utc(summary.midnight_runs.front()), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(clockwork::format_utc(summary.midnight_runs.back()), "2026-01-31T00:00:00.000Z");
  EXPECT_EQ(summary.simulated, std::chrono::days(30));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(MonthDemo, AWallClockStepBackMakesTheMidnightJobRunEarlyAndThenAgain) {
  // The patterns document's Pattern 4 turns a wall-clock target into a monotonic delay. When NTP steps the
  // wall clock back an hour while the job sleeps, the sleep still ends 24 h later — at 23:00
  // by the new wall clock — and the job then runs a second time at the real midnight.
  clockwork::virtual_runtime rt;
  clockwork::scenarios::month_demo_summary summary;
  std::stop_source stop;
  rt.spawn(clockwork::scenarios::midnight_job(rt, stop.get_token(), summary), "midnight_job");
  rt.run_for(24h + 1min);
  ASSERT_EQ(summary.midnight_runs.size(), 1u);
  rt.jump_wall_clock(-1h);
  rt.run_for(25h);
  stop.request_stop();
  rt.run_until_idle();
  ASSERT_EQ(summary.midnight_runs.size(), 3u);
  EXPECT_EQ(clockwork::format_utc(summary.midnight_runs[1]), "2026-01-02T23:00:00.000Z");
  EXPECT_EQ(clockwork::format_utc(summary.midnight_runs[2]), "2026-01-03T00:00:00.000Z");
}

}  // namespace
