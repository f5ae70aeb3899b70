// drift_detector: each finding fires on the wrong variant and stays silent on the right one.
#include "clockwork/detectors/drift_detector.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::finding_kind;
using clockwork::task;
using clockwork::testing::simulation;
using ::testing::HasSubstr;

// Pattern 3's wrong way: work, then a fixed delay.
class waits_after_work : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      rt().work(10s);  // the work takes 10 s
      co_await rt().delay(5min, stopping);
    }
  }
};

// The right way: a periodic_timer keeps the phase whatever the work takes.
class ticks_on_schedule : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), 5min, "poll"};
    for (;;) {
      rt().work(10s);
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }
};

// A fixed delay with no work: no drift either.
class just_waits : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) co_await rt().delay(5min, stopping);
  }
};

std::vector<clockwork::finding> drift_of(simulation& sim) {
  return sim.findings(finding_kind::drift);
}

TEST(DriftDetector, ALoopThatWaitsAfterItsWorkDriftsAndTheTrendIsReported) {
  simulation sim;
  sim.builder().add_hosted_service<waits_after_work>("poller");
  sim.start();
  sim.run_for(1h);
  const auto found = drift_of(sim);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "poller");
  EXPECT_THAT(found[0].message, HasSubstr("falls further behind by about 00:00:10.000 a run"));
  sim.stop();
}

// A periodic_timer loop whose work awaits a delay of its own (a request, a retry's backoff): the
// same delay in every run is part of the work, and the ticks keep the phase.
class ticks_with_a_request : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), 1h, "sync"};
    for (;;) {
      co_await rt().delay(200ms, stopping);  // the request
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }
};

// The same delay as the only pacing of a loop still drifts, whatever else the loop awaits.
class request_then_fixed_delay : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      rt().work(10s);
      co_await rt().delay(5min, stopping);
    }
  }
};

TEST(DriftDetector, APeriodicTimerLoopWhoseWorkAwaitsAFixedDelayIsNotReported) {
  simulation sim;
  sim.builder().add_hosted_service<ticks_with_a_request>("sync");
  sim.builder().add_hosted_service<request_then_fixed_delay>("poller");
  sim.start();
  sim.run_for(6h);
  const auto found = drift_of(sim);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "poller");
  sim.stop();
}

TEST(DriftDetector, APeriodicTimerAndAPlainDelayLoopAreNotReported) {
  simulation sim;
  sim.builder().add_hosted_service<ticks_on_schedule>("timer");
  sim.builder().add_hosted_service<just_waits>("sleeper");
  sim.start();
  sim.run_for(2h);
  EXPECT_TRUE(drift_of(sim).empty());
  sim.stop();
}

// Pattern 4's wrong way: the delay until midnight, computed from the wall clock, slept on the
// monotonic clock.
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

TEST(DriftDetector, AWallClockStepUnderAWaitComputedFromTheWallClockIsReported) {
  simulation sim;
  sim.builder().add_hosted_service<midnight_by_delay>("midnight");
  sim.jump_wall_clock_at(sim.start_time() + 12h, -5min);  // NTP steps the clock back
  sim.start();
  sim.run_for(2 * 24h);
  const auto found = drift_of(sim);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "midnight");
  EXPECT_THAT(found[0].message, HasSubstr("it will wake at 2026-01-01T23:55:00.000Z, 00:05:00.000 early"));
  sim.stop();
}

TEST(DriftDetector, AWallClockStepUnderPhaseRelativeWaitsIsNotReported) {
  simulation sim;
  sim.builder().add_hosted_service<ticks_on_schedule>("timer");
  sim.builder().add_hosted_service<just_waits>("sleeper");
  sim.jump_wall_clock_at(sim.start_time() + 12h, -5min);
  sim.set_drift_at(sim.start_time() + 13h, 200);
  sim.set_local_zone_at(sim.start_time() + 14h, "Europe/Berlin");
  sim.start();
  sim.run_for(24h);
  EXPECT_TRUE(drift_of(sim).empty());
  sim.stop();
}

}  // namespace

namespace {

// The DailyLog way: read today's date, do the day's work, wait a fixed 6 hours. The date alone
// cannot make the wait, so a clock step under it is no finding; the same loop reading the time
// with utc_now() could have computed its wait from it, and is reported.
template <bool reads_the_time>
class dated_work_every_six_hours : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      if constexpr (reads_the_time) {
        last_day = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(rt().clock().utc_now())};
      } else {
        last_day = rt().clock().utc_today();
      }
      co_await rt().delay(6h, stopping);
    }
  }
  std::chrono::year_month_day last_day{};
};

TEST(DriftDetector, AWaitAfterReadingOnlyTodaysDateIsNotTakenForOneComputedFromTheWallClock) {
  simulation sim;
  sim.builder().add_hosted_service<dated_work_every_six_hours<false>>("by_date");
  sim.builder().add_hosted_service<dated_work_every_six_hours<true>>("by_time");
  sim.jump_wall_clock_at(sim.start_time() + 2h, -10min);
  sim.start();
  sim.run_for(24h);
  const auto found = drift_of(sim);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "by_time");
  sim.stop();
}

TEST(DriftDetector, TodaysDateIsReadInUtcAndInTheLocalZone) {
  clockwork::virtual_clock_options o;
  o.start_utc = clockwork::utc_time{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}} + 23h + 30min;
  o.zone = "Europe/Berlin";
  clockwork::virtual_clock clk{o};
  EXPECT_EQ(clk.utc_today(), std::chrono::year{2026} / 3 / 1);
  EXPECT_EQ(clk.local_today(), std::chrono::year{2026} / 3 / 2);  // 00:30 in Berlin
}

}  // namespace
