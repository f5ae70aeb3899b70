// schedule_detector: missed and duplicate runs against a declared schedule, in wall time.
#include "clockwork/detectors/schedule_detector.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/duration.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::finding_kind;
using clockwork::run_schedule;
using clockwork::schedule_detector;
using clockwork::task;
using clockwork::utc_time;
using clockwork::virtual_runtime;
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
  // The message names the time it was given, as a time.
  try {
    (void)run_schedule::daily_at_utc(7, 60);
    ADD_FAILURE() << "07:60 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "clockwork::run_schedule::daily_at_utc: 07:60 is not a time of day");
  }
}

// ---- the detector on its own: runs reported by hand, at chosen wall-clock instants ----------------

// A runtime whose observer is a schedule detector; runs are reported as services report them.
struct detector_rig {
  explicit detector_rig(const clockwork::virtual_runtime_options& options = {}) : rt(options), detector(rt) {
    rt.set_observer(&detector);
  }
  utc_time wall() const { return rt.clock().stamp_utc(); }
  // Moves time on until the wall clock reads t (no drift: wall and monotonic time move together).
  void advance_wall_to(utc_time t) { rt.advance_by(clockwork::saturating_sub(t, wall())); }
  void run_at(const std::string& service, utc_time t) {
    advance_wall_to(t);
    rt.emit(clockwork::trace_kind::run, service);
  }
  std::vector<std::string> messages(finding_kind kind) const {
    std::vector<std::string> out;
    for (const auto& f : rt.findings()) {
      if (f.kind == kind) out.push_back(f.source + ": " + f.message);
    }
    return out;
  }

  virtual_runtime rt;
  schedule_detector detector;
};

task<> report_every_minute(virtual_runtime& rt, std::int64_t minutes) {
  for (std::int64_t i = 0; i < minutes; ++i) {
    co_await rt.delay(1min);
    rt.emit(clockwork::trace_kind::run, "minutely");
  }
}

// The next whole minute after t: what a "* * * * *" recurring job declares.
std::optional<utc_time> next_whole_minute(utc_time t) {
  return std::chrono::floor<std::chrono::minutes>(t) + 1min;
}

constexpr std::int64_t ninety_days_of_minutes = 90 * 24 * 60;  // 129,600 occurrences and as many runs

TEST(ScheduleDetector, NinetyDaysOfAMinutelyJobAreCheckedInLinearWork) {
  detector_rig rig;
  rig.detector.expect("minutely", run_schedule::every(1min, rig.wall() + 1min));
  rig.detector.expect("minutely", run_schedule::custom(next_whole_minute, "every minute"));
  rig.rt.spawn(report_every_minute(rig.rt, ninety_days_of_minutes), "minutely");
  rig.rt.advance_by(std::chrono::minutes(ninety_days_of_minutes) + 1min);  // the last tolerance has passed
  rig.detector.finish();
  EXPECT_TRUE(rig.rt.findings().empty()) << rig.rt.findings().front().message;
  EXPECT_EQ(rig.detector.runs_of("minutely").size(), static_cast<std::size_t>(ninety_days_of_minutes));
  // Two schedules, each: its occurrences, then each run stepped over by each of two cursors at
  // most. Comparing every run with every occurrence would be 2 x 129,600^2.
  const std::uint64_t per_schedule = 3 * static_cast<std::uint64_t>(ninety_days_of_minutes);
  EXPECT_GE(rig.detector.instants_examined(), 2 * static_cast<std::uint64_t>(ninety_days_of_minutes));
  EXPECT_LE(rig.detector.instants_examined(), 2 * per_schedule);
}

TEST(ScheduleDetector, CheckingDayByDayCostsEachDayOnlyWhatItHolds) {
  detector_rig rig;
  rig.detector.expect("minutely", run_schedule::every(1min, rig.wall() + 1min));
  rig.rt.spawn(report_every_minute(rig.rt, ninety_days_of_minutes), "minutely");
  for (int day = 0; day < 90; ++day) {
    rig.rt.advance_by(24h);
    rig.detector.finish();  // an every() schedule is not walked again from its first occurrence
  }
  rig.rt.advance_by(1min);
  rig.detector.finish();
  EXPECT_TRUE(rig.rt.findings().empty()) << rig.rt.findings().front().message;
  // Each check may step again over the few runs its window shares with the previous one.
  EXPECT_LE(rig.detector.instants_examined(), 3 * static_cast<std::uint64_t>(ninety_days_of_minutes) + 91 * 4);
}

TEST(ScheduleDetector, AMissedAndADoubledMinuteAreFoundAmongNinetyDays) {
  detector_rig rig;
  const utc_time start = rig.wall();
  rig.detector.expect("minutely", run_schedule::every(1min, start + 1min).with_tolerance(1s));
  for (std::int64_t i = 1; i <= ninety_days_of_minutes; ++i) {
    const utc_time at = start + std::chrono::minutes(i);
    if (i == 1000) continue;                          // missed
    if (i == 2000) rig.run_at("minutely", at - 10s);  // early, and once more on time
    rig.run_at("minutely", at);
  }
  rig.advance_wall_to(start + std::chrono::minutes(ninety_days_of_minutes) + 1min);
  rig.detector.finish();
  EXPECT_THAT(rig.messages(finding_kind::missed_run),
              ::testing::ElementsAre(HasSubstr("no run at 2026-01-01T16:40:00.000Z")));
  EXPECT_THAT(
      rig.messages(finding_kind::duplicate_run),
      ::testing::ElementsAre(HasSubstr(
          "2 runs for the occurrence at 2026-01-02T09:20:00.000Z (every 00:01:00.000): 2026-01-02T09:19:50.000Z, "
          "2026-01-02T09:20:00.000Z")));
}

TEST(ScheduleDetector, RunsReportedAfterTheClockWasSteppedBackAreKeptInWallClockOrder) {
  detector_rig rig;
  const utc_time start = rig.wall();
  rig.run_at("job", start + 10min);
  rig.rt.jump_wall_clock(-5min);  // the wall clock now reads start + 5 min
  rig.rt.advance_by(1min);
  rig.rt.emit(clockwork::trace_kind::run, "job");
  EXPECT_THAT(rig.detector.runs_of("job"), ::testing::ElementsAre(start + 6min, start + 10min));
}

// ---- the end of the clock's range ----------------------------------------------------------------

constexpr utc_time day_of(date::year_month_day ymd) {
  return utc_time{date::sys_days{ymd}};
}

TEST(ScheduleDetector, DailySchedulesAreCheckedUpToTheLastInstantOfTheClocksRange) {
  using namespace date::literals;
  clockwork::virtual_runtime_options options;
  options.clock.start_utc = day_of(2262_y / date::April / 9);
  options.clock.zone = "Pacific/Kiritimati";  // UTC+14: its local midnight of April 12th is 04-11T10:00Z
  detector_rig rig{options};
  rig.detector.expect("utc", run_schedule::daily_at_utc(0, 0));
  rig.detector.expect("local", run_schedule::daily_at_local(0, 0));
  rig.run_at("local", day_of(2262_y / date::April / 9) + 10h);
  rig.run_at("utc", day_of(2262_y / date::April / 10));
  rig.run_at("local", day_of(2262_y / date::April / 10) + 10h);
  // No UTC run on April 11th: the one missed run to find.
  rig.run_at("local", day_of(2262_y / date::April / 11) + 10h);
  rig.advance_wall_to(utc_time::max());  // 2262-04-11T23:47:16.854775807Z
  ASSERT_EQ(rig.wall(), utc_time::max());
  rig.detector.finish();
  EXPECT_THAT(rig.messages(finding_kind::missed_run),
              ::testing::ElementsAre(HasSubstr("utc: no run at 2262-04-11T00:00:00.000Z")));
  EXPECT_TRUE(rig.messages(finding_kind::duplicate_run).empty());
  rig.detector.finish();  // nothing is left to check, and nothing is reported twice
  EXPECT_EQ(rig.messages(finding_kind::missed_run).size(), 1u);
}

TEST(ScheduleDetector, DailySchedulesAreCheckedFromTheFirstInstantOfTheClocksRange) {
  clockwork::virtual_runtime_options options;
  options.clock.start_utc = utc_time::min();  // 1677-09-21T00:12:43.145224192Z
  detector_rig rig{options};
  rig.detector.expect("utc", run_schedule::daily_at_utc(0, 0));
  rig.detector.expect("local", run_schedule::daily_at_local(0, 0));
  rig.detector.expect("noon", run_schedule::daily_at_utc(12, 0));
  const utc_time second_midnight = std::chrono::ceil<std::chrono::days>(utc_time::min());  // 1677-09-22
  rig.run_at("noon", second_midnight - 12h);
  rig.run_at("utc", second_midnight);
  rig.run_at("local", second_midnight);
  rig.advance_wall_to(second_midnight + 2h);
  rig.detector.finish();
  EXPECT_TRUE(rig.rt.findings().empty()) << rig.rt.findings().front().message;
}

// ---- a wall clock stepped back between two checks ------------------------------------------------

TEST(ScheduleDetector, AWallClockSteppedBackBetweenTwoChecksIsCheckedFromWhereTheLastCheckEnded) {
  detector_rig rig;
  const clockwork::cron::schedule hourly{clockwork::cron::expression{"0 * * * *", clockwork::cron::dialect::cronos5},
                                         *date::locate_zone("UTC")};
  rig.detector.expect("hourly", run_schedule::custom([&hourly](utc_time t) { return hourly.next(t); }, "hourly"));
  const utc_time start = rig.wall();
  rig.run_at("hourly", start + 1h);
  rig.run_at("hourly", start + 2h);
  rig.advance_wall_to(start + 2h + 30min);
  rig.detector.finish();
  rig.rt.jump_wall_clock(-2h);  // 00:30 again: the window still to check now ends before it starts
  EXPECT_NO_THROW(rig.detector.finish());
  rig.run_at("hourly", start + 1h);  // the job runs its hours again
  rig.run_at("hourly", start + 2h);
  rig.advance_wall_to(start + 4h + 30min);  // and misses 03:00 and 04:00
  rig.detector.finish();
  EXPECT_THAT(rig.messages(finding_kind::missed_run),
              ::testing::ElementsAre(HasSubstr("no run at 2026-01-01T03:00:00.000Z"),
                                     HasSubstr("no run at 2026-01-01T04:00:00.000Z")));
  EXPECT_TRUE(rig.messages(finding_kind::duplicate_run).empty()) << "01:00 and 02:00 were checked before the step";
}

}  // namespace
