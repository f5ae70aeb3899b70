// The calendar side of the search, in UTC: last days, nearest weekdays at month edges, n-th and
// last weekdays, leap years and the Gregorian century rule, the Quartz year field, day-of-month
// AND (Cronos) / OR (Quartz) day-of-week, and expressions that never or rarely match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"

namespace {

namespace cron = clockwork::cron;
using clockwork::utc_time;
using cron::dialect;
using ::testing::ElementsAre;

std::vector<std::string> dates(const char* text, dialect d, const char* from, int n) {
  const cron::schedule s{cron::expression{text, d}, clockwork::find_zone("UTC")};
  std::vector<std::string> out;
  std::optional<utc_time> t = cron::parse_instant(from);
  for (int i = 0; i < n && (t = s.next(*t)); ++i)
    out.push_back(date::format("%F", std::chrono::floor<std::chrono::seconds>(*t)));
  return out;
}

TEST(CronCalendar, LastDayOfTheMonth) {
  EXPECT_THAT(dates("0 0 L * *", dialect::cronos5, "2024-01-15T00:00:00Z", 4),
              ElementsAre("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"));
  EXPECT_THAT(dates("0 0 L-2 * *", dialect::cronos5, "2023-01-15T00:00:00Z", 3),
              ElementsAre("2023-01-29", "2023-02-26", "2023-03-29"));
  // L-30 exists only in 31-day months (day 1); never in February, nor in 30-day months.
  EXPECT_THAT(dates("0 0 L-30 * *", dialect::cronos5, "2023-01-15T00:00:00Z", 3),
              ElementsAre("2023-03-01", "2023-05-01", "2023-07-01"));
}

TEST(CronCalendar, NearestWeekdayNeverLeavesTheMonth) {
  // 2022-01-01 is a Saturday: 1W is Monday the 3rd, not Friday 31 December.
  EXPECT_THAT(dates("0 0 1W * *", dialect::cronos5, "2021-12-15T00:00:00Z", 1), ElementsAre("2022-01-03"));
  // 2022-05-01 is a Sunday: Monday the 2nd.
  EXPECT_THAT(dates("0 0 1W 5 *", dialect::cronos5, "2022-01-01T00:00:00Z", 1), ElementsAre("2022-05-02"));
  // 15th on a Saturday -> Friday 14th (2022-01-15); on a Sunday -> Monday 16th (2022-05-15).
  EXPECT_THAT(dates("0 0 15W 1,5 *", dialect::cronos5, "2022-01-01T00:00:00Z", 2),
              ElementsAre("2022-01-14", "2022-05-16"));
  // Last day on a Sunday (2022-07-31) -> Friday 29th; LW the same.
  EXPECT_THAT(dates("0 0 31W 7 *", dialect::cronos5, "2022-07-01T00:00:00Z", 1), ElementsAre("2022-07-29"));
  EXPECT_THAT(dates("0 0 LW 7 *", dialect::cronos5, "2022-07-01T00:00:00Z", 1), ElementsAre("2022-07-29"));
  // Last day on a Saturday (2022-04-30) -> Friday 29th.
  EXPECT_THAT(dates("0 0 LW * *", dialect::cronos5, "2022-04-01T00:00:00Z", 1), ElementsAre("2022-04-29"));
  // L-1W: 2022-04-29 (a Friday) stays.
  EXPECT_THAT(dates("0 0 L-1W 4 *", dialect::cronos5, "2022-04-01T00:00:00Z", 1), ElementsAre("2022-04-29"));
}

TEST(CronCalendar, NearestWeekdayPastTheMonthsEndSkipsInCronosAndClampsInQuartz) {
  // April 2022 has 30 days. Cronos skips it; Quartz reads 31W as the 30th (a Saturday) -> 29th.
  EXPECT_THAT(dates("0 0 31W * *", dialect::cronos5, "2022-04-01T00:00:00Z", 2),
              ElementsAre("2022-05-31", "2022-07-29"));
  EXPECT_THAT(dates("0 0 0 31W * ?", dialect::quartz, "2022-04-01T00:00:00Z", 2),
              ElementsAre("2022-04-29", "2022-05-31"));
  // February 2025: 31W -> the 28th, a Friday (Quartz.NET issue #2330).
  EXPECT_THAT(dates("0 0 0 31W 2 ?", dialect::quartz, "2025-01-31T00:00:00Z", 1), ElementsAre("2025-02-28"));
}

TEST(CronCalendar, QuartzLastWeekdayWithOffset) {
  // October 2010: last weekday Friday 29; LW-2 = 27, LW-28 = 1 (floored at the 1st).
  EXPECT_THAT(dates("0 0 0 LW-2 10 ? 2010", dialect::quartz, "2010-10-01T00:00:00Z", 1), ElementsAre("2010-10-27"));
  EXPECT_THAT(dates("0 0 0 LW-28 10 ? 2010", dialect::quartz, "2010-09-30T00:00:00Z", 1), ElementsAre("2010-10-01"));
  EXPECT_THAT(dates("0 0 0 LW-30 10 ? 2010", dialect::quartz, "2010-09-30T00:00:00Z", 1), ElementsAre("2010-10-01"));
}

TEST(CronCalendar, NthWeekdayAndMonthsWithoutAFifth) {
  // Mondays of 2026: January and February have four; March has a fifth (the 30th).
  EXPECT_THAT(dates("0 0 * * MON#5", dialect::cronos5, "2026-01-01T00:00:00Z", 2),
              ElementsAre("2026-03-30", "2026-06-29"));
  EXPECT_THAT(dates("0 0 * * 1#1", dialect::cronos5, "2026-01-01T00:00:00Z", 2),
              ElementsAre("2026-01-05", "2026-02-02"));
  EXPECT_THAT(dates("0 0 0 ? * 6#3", dialect::quartz, "2023-07-21T12:00:00Z", 1), ElementsAre("2023-08-18"));
}

TEST(CronCalendar, LastWeekdayOfTheMonth) {
  EXPECT_THAT(dates("0 0 * * 5L", dialect::cronos5, "2026-01-01T00:00:00Z", 3),
              ElementsAre("2026-01-30", "2026-02-27", "2026-03-27"));
  EXPECT_THAT(dates("0 0 * * 0L", dialect::cronos5, "2026-01-01T00:00:00Z", 1), ElementsAre("2026-01-25"));
}

TEST(CronCalendar, LeapYearsFollowTheGregorianCenturyRule) {
  EXPECT_THAT(dates("0 0 29 2 *", dialect::cronos5, "1897-01-01T00:00:00Z", 2),
              ElementsAre("1904-02-29", "1908-02-29"));
  EXPECT_THAT(dates("0 0 29 2 *", dialect::cronos5, "1999-01-01T00:00:00Z", 1), ElementsAre("2000-02-29"));
  EXPECT_THAT(dates("0 0 29 2 *", dialect::cronos5, "2097-01-01T00:00:00Z", 1), ElementsAre("2104-02-29"));
  EXPECT_THAT(dates("0 0 29 2 *", dialect::cronos5, "2197-01-01T00:00:00Z", 1), ElementsAre("2204-02-29"));
  EXPECT_THAT(dates("0 0 L 2 *", dialect::cronos5, "2100-01-01T00:00:00Z", 1), ElementsAre("2100-02-28"));
}

TEST(CronCalendar, FebruaryTwentyNinthOnAMondayJumpsYearByYear) {
  const cron::schedule s{cron::expression{"0 0 0 29 2 MON", dialect::cronos6}, clockwork::find_zone("Europe/Berlin")};
  std::optional<utc_time> t = cron::parse_instant("2026-01-01T00:00:00Z");
  int found = 0;
  while ((t = s.next(*t)) && found < 5) {
    ++found;
    const auto local = date::make_zoned(&s.zone(), *t).get_local_time();
    const date::year_month_day ymd{date::floor<date::days>(local)};
    EXPECT_EQ(ymd.month(), date::February);
    EXPECT_EQ(ymd.day(), date::day{29});
    EXPECT_EQ(date::weekday{date::floor<date::days>(local)}, date::Monday);
  }
  EXPECT_EQ(found, 5);
  EXPECT_THAT(dates("0 0 0 29 2 MON", dialect::cronos6, "2026-01-01T00:00:00Z", 3),
              ElementsAre("2044-02-29", "2072-02-29", "2112-02-29"));
}

TEST(CronCalendar, ImpossibleExpressionsAreKnownAtParseTime) {
  for (const char* text : {"0 0 30 2 *", "0 0 31 4 *", "0 0 31 2 0", "0 0 L-30 2 *", "0 0 31W 2,4,6,9,11 *"}) {
    const cron::expression e{text, dialect::cronos5};
    EXPECT_FALSE(e.has_occurrence()) << text;
    const cron::schedule s{e, clockwork::find_zone("America/New_York")};
    EXPECT_FALSE(s.next(cron::parse_instant("2026-01-01T00:00:00Z"))) << text;
    EXPECT_FALSE(s.prev(cron::parse_instant("2026-01-01T00:00:00Z"))) << text;
    EXPECT_FALSE(s.has_occurrence_after(utc_time::min())) << text;
  }
  // Quartz ORs the day fields: 30 February OR Sunday is every Sunday of February.
  EXPECT_TRUE(cron::expression("0 0 0 30 2 SUN", dialect::quartz).has_occurrence());
  EXPECT_TRUE(cron::expression("0 0 29 2 *", dialect::cronos5).has_occurrence());
}

TEST(CronCalendar, QuartzYearField) {
  EXPECT_THAT(dates("0 0 0 1 1 ? 2030", dialect::quartz, "2026-01-01T00:00:00Z", 2), ElementsAre("2030-01-01"));
  EXPECT_THAT(dates("0 0 0 1 1 ? 2030-2035/2", dialect::quartz, "2026-01-01T00:00:00Z", 4),
              ElementsAre("2030-01-01", "2032-01-01", "2034-01-01"));
  EXPECT_THAT(dates("0 0 0 1 1 ? 2199", dialect::quartz, "2026-01-01T00:00:00Z", 1), ElementsAre("2199-01-01"));
  const cron::schedule s{cron::expression{"0 0 0 1 1 ? 2030", dialect::quartz}, clockwork::find_zone("UTC")};
  EXPECT_FALSE(s.has_occurrence_after(cron::parse_instant("2030-01-01T00:00:00Z")));
  EXPECT_TRUE(s.has_occurrence_after(cron::parse_instant("2029-12-31T23:59:59Z")));
  EXPECT_EQ(s.prev(cron::parse_instant("2040-01-01T00:00:00Z")), cron::parse_instant("2030-01-01T00:00:00Z"));
  EXPECT_FALSE(s.prev(cron::parse_instant("2030-01-01T00:00:00Z")));
  // Years before 1970 are outside Quartz's field: nothing is found there.
  const cron::schedule any{cron::expression{"0 0 0 1 1 ? 1970", dialect::quartz}, clockwork::find_zone("UTC")};
  EXPECT_EQ(any.next(cron::parse_instant("1900-01-01T00:00:00Z")), cron::parse_instant("1970-01-01T00:00:00Z"));
}

TEST(CronCalendar, CronosAndsTheDayFieldsQuartzOrsThem) {
  EXPECT_THAT(dates("0 0 13 * FRI", dialect::cronos5, "2026-01-01T00:00:00Z", 3),
              ElementsAre("2026-02-13", "2026-03-13", "2026-11-13"));
  EXPECT_THAT(dates("0 0 0 13 * FRI", dialect::quartz, "2026-01-01T00:00:00Z", 4),
              ElementsAre("2026-01-02", "2026-01-09", "2026-01-13", "2026-01-16"));
  // Quartz: '*' on one side is every day.
  EXPECT_THAT(dates("0 0 0 1 * *", dialect::quartz, "2026-01-01T00:00:00Z", 2),
              ElementsAre("2026-01-02", "2026-01-03"));
}

TEST(CronCalendar, WallTimeSearchAndMatch) {
  const cron::expression e{"30 2 L * *", dialect::cronos5};
  const auto w = date::local_days{date::year{2026} / 2 / 1} + std::chrono::hours{5};
  const auto next = e.next_wall_time(w);
  ASSERT_TRUE(next);
  EXPECT_EQ(date::format("%F %T", *next), "2026-02-28 02:30:00");
  EXPECT_TRUE(e.matches(*next));
  EXPECT_FALSE(e.matches(*next + std::chrono::seconds{1}));
  const auto prev = e.prev_wall_time(w);
  ASSERT_TRUE(prev);
  EXPECT_EQ(date::format("%F %T", *prev), "2026-01-31 02:30:00");
  EXPECT_EQ(e.next_wall_time(*next), next);
  EXPECT_EQ(e.prev_wall_time(*prev), prev);
  // Outside the searchable range (years 1677 to 2262): nothing.
  EXPECT_FALSE(e.next_wall_time(date::local_days{date::year{2263} / 1 / 1}));
  EXPECT_FALSE(e.prev_wall_time(date::local_days{date::year{1676} / 12 / 31}));
  EXPECT_EQ(date::format("%F", *e.next_wall_time(date::local_days{date::year{1000} / 1 / 1})), "1677-01-31");
}

}  // namespace
