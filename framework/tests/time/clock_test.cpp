// Clocks: the virtual clock's independent wall time, zones and DST, the real clock, and the
// deterministic renderings of time.
#include "clockwork/time/clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "clockwork/time/time_format.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::utc_time;
using clockwork::virtual_clock;
using ::testing::HasSubstr;

utc_time utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(VirtualClock, StartsAtTheFixedDefaultInstant) {
  virtual_clock c;
  EXPECT_EQ(c.steady_now(), steady_time{});
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1));
  EXPECT_EQ(c.local_zone().name(), "UTC");
}

TEST(VirtualClock, WallTimeFollowsMonotonicTime) {
  virtual_clock c;
  c.advance(90min);
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1, 1, 30));
}

TEST(VirtualClock, JumpAndSetMoveOnlyWallTime) {
  virtual_clock c;
  c.advance(1h);
  c.jump_wall_clock(-5min);
  EXPECT_EQ(c.steady_now(), steady_time{} + 1h);
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1, 0, 55));
  c.set_utc(utc(2030, 6, 1));
  c.advance(1s);
  EXPECT_EQ(c.utc_now(), utc(2030, 6, 1, 0, 0, 1));
  EXPECT_EQ(c.steady_now(), steady_time{} + 1h + 1s);
}

TEST(VirtualClock, DriftGainsPartsPerMillionFromTheMomentItIsSet) {
  virtual_clock c;
  c.advance(1h);
  c.set_drift(-50.0);  // loses 50 us per second
  c.advance(1000s);
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1, 1) + 1000s - 50ms);
  c.set_drift(0.0);
  c.advance(1000s);
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1, 1) + 2000s - 50ms);
}

TEST(VirtualClock, NegativeAdvanceAndImpossibleDriftAreRefused) {
  virtual_clock c;
  EXPECT_THROW(c.advance(-1ns), std::invalid_argument);
  EXPECT_THROW(c.advance_to(steady_time{} - 1s), std::invalid_argument);
  EXPECT_THROW(c.set_drift(-1e6), std::invalid_argument);
  EXPECT_EQ(c.steady_now(), steady_time{});
}

TEST(VirtualClock, LocalTimeFollowsTheZoneAcrossADstTransition) {
  clockwork::virtual_clock_options options;
  options.start_utc = utc(2026, 3, 29, 0, 30);  // 01:30 CET, 30 minutes before spring forward
  options.zone = "Europe/Berlin";
  virtual_clock c{options};
  EXPECT_EQ(date::format("%H:%M %Z", c.local_now()), "01:30 CET");
  c.advance(1h);  // 01:30 UTC = 03:30 CEST: the local hour 02:00-03:00 does not exist
  EXPECT_EQ(date::format("%H:%M %Z", c.local_now()), "03:30 CEST");
}

TEST(VirtualClock, ChangingTheZoneChangesOnlyLocalTime) {
  virtual_clock c;
  c.set_local_zone("America/New_York");
  EXPECT_EQ(c.utc_now(), utc(2026, 1, 1));
  EXPECT_EQ(date::format("%Y-%m-%d %H:%M", c.local_now()), "2025-12-31 19:00");
}

TEST(Zones, UnknownZoneIsNamedInTheError) {
  try {
    (void)clockwork::find_zone("Europe/Atlantis");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'Europe/Atlantis'"));
  }
  virtual_clock c;
  EXPECT_THROW(c.set_local_zone("Nowhere"), std::invalid_argument);
  EXPECT_EQ(c.local_zone().name(), "UTC");  // unchanged
}

TEST(RealClock, SteadyTimeNeverGoesBackAndTheZoneIsUsable) {
  clockwork::real_clock c{"UTC"};
  const auto a = c.steady_now();
  const auto b = c.steady_now();
  EXPECT_LE(a, b);
  EXPECT_EQ(c.local_zone().name(), "UTC");
  EXPECT_GT(c.utc_now(), utc(2020, 1, 1));
  clockwork::real_clock default_zone;
  EXPECT_FALSE(default_zone.local_zone().name().empty());
}

TEST(TimeFormat, DurationsShowOnlyTheDigitsTheyNeed) {
  EXPECT_EQ(clockwork::format_duration(90min + 1ms), "01:30:00.001");
  EXPECT_EQ(clockwork::format_duration(std::chrono::days(2) + 5s), "2d00:00:05.000");
  EXPECT_EQ(clockwork::format_duration(1500us), "00:00:00.001500");
  EXPECT_EQ(clockwork::format_duration(7ns), "00:00:00.000000007");
  EXPECT_EQ(clockwork::format_duration(-2s), "-00:00:02.000");
}

TEST(TimeFormat, OffsetsAndUtcInstants) {
  EXPECT_EQ(clockwork::format_offset(steady_time{} + 1h, steady_time{}), "+01:00:00.000");
  EXPECT_EQ(clockwork::format_offset(steady_time{}, steady_time{} + 1s), "-00:00:01.000");
  EXPECT_EQ(clockwork::format_utc(utc(2026, 2, 28, 23, 59, 59) + 250ms), "2026-02-28T23:59:59.250Z");
}

}  // namespace
