// Expressions and DST effects in words (the clockwork-cron --explain output).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/iso8601.hpp"

namespace {

namespace cron = clockwork::cron;
using cron::dialect;
using ::testing::HasSubstr;

std::string words(const char* text, dialect d) {
  return cron::describe(cron::expression{text, d});
}

TEST(CronDescribe, TimesOfDay) {
  EXPECT_EQ(words("0 30 2 * * *", dialect::cronos6), "at 02:30:00");
  EXPECT_EQ(words("30 2 * * *", dialect::cronos5), "at 02:30");
  EXPECT_EQ(words("5,10 0 2 * * *", dialect::cronos6), "at seconds 5 and 10 of 02:00");
  EXPECT_EQ(words("* 0 2 * * *", dialect::cronos6), "every second of 02:00");
}

TEST(CronDescribe, Repetitions) {
  EXPECT_EQ(words("* * * * * *", dialect::cronos6), "every second");
  EXPECT_EQ(words("* * * * *", dialect::cronos5), "every minute");
  EXPECT_EQ(words("*/5 * * * *", dialect::cronos5), "every 5th minute");
  EXPECT_EQ(words("0 * * * *", dialect::cronos5), "at minute 0 past every hour");
  EXPECT_EQ(words("0 */2 * * *", dialect::cronos5), "at minute 0 past every 2nd hour");
  EXPECT_EQ(words("0 10-40/10 * * * *", dialect::cronos6), "every 10th minute from 10 through 40");
  EXPECT_EQ(words("10-30 * * * * *", dialect::cronos6), "every second from 10 through 30 past every minute");
  EXPECT_EQ(words("0 1,2,3,7 * * *", dialect::cronos5), "at minute 0 past hours 1 through 3 and 7");
}

TEST(CronDescribe, Days) {
  EXPECT_EQ(words("0 0 13 * FRI", dialect::cronos5), "at 00:00, on day-of-month 13 if it is a Friday");
  EXPECT_EQ(words("0 15 10 3 * MON,THU,FRI", dialect::quartz),
            "at 10:15:00, on day-of-month 3 and on every Monday, Thursday and Friday");
  EXPECT_EQ(words("0 9-17 * * MON-FRI", dialect::cronos5),
            "at minute 0 past every hour from 9 through 17, on Monday through Friday");
  EXPECT_EQ(words("0 0 12 ? * 6L", dialect::quartz), "at 12:00:00, on the last Friday of the month");
  EXPECT_EQ(words("0 0 * * 1#2", dialect::cronos5), "at 00:00, on the second Monday of the month");
  EXPECT_EQ(words("0 0 L-2 * *", dialect::cronos5), "at 00:00, on 2 days before the last day of the month");
  EXPECT_EQ(words("0 0 LW * *", dialect::cronos5), "at 00:00, on the last weekday of the month");
  EXPECT_EQ(words("0 0 15W * *", dialect::cronos5),
            "at 00:00, on the weekday nearest day 15 (months without it are skipped)");
  EXPECT_EQ(words("0 0 0 15W * ?", dialect::quartz), "at 00:00:00, on the weekday nearest day 15");
  EXPECT_EQ(words("0 0 0 1 * *", dialect::quartz), "at 00:00:00");  // OR with every day: every day
}

TEST(CronDescribe, MonthsYearsAndNever) {
  EXPECT_EQ(words("0 0 1 JAN,JUL *", dialect::cronos5), "at 00:00, on day-of-month 1, in January and July");
  EXPECT_EQ(words("0 0 0 1 1 ? 2030-2035/2", dialect::quartz),
            "at 00:00:00, on day-of-month 1, in January, in 2030, 2032 and 2034");
  EXPECT_EQ(words("0 0 30 2 *", dialect::cronos5), "at 00:00, on day-of-month 30, in February (never matches)");
  EXPECT_EQ(words("@weekly", dialect::cronos5), "at 00:00, on Sunday");
}

TEST(CronDescribe, ExplainsEveryDstEffect) {
  const cron::schedule fixed{cron::expression{"30 1 * * *", dialect::cronos5},
                             clockwork::find_zone("America/New_York")};
  const auto once = fixed.next_occurrence(cron::parse_instant("2016-11-06T00:00:00-04:00"));
  EXPECT_EQ(cron::explain(fixed, *once),
            "01:30 happens twice on 2016-11-06 in America/New_York (the clocks fall back from 02:00 to 01:00): a "
            "fixed-time expression runs once, in the first pass (-04:00)");
  const cron::schedule every{cron::expression{"*/30 * * * *", dialect::cronos5},
                             clockwork::find_zone("America/New_York")};
  const auto first = every.next_occurrence(cron::parse_instant("2016-11-06T01:15:00-04:00"));
  EXPECT_THAT(cron::explain(every, *first),
              HasSubstr("an interval expression runs in both passes; this is the first (-04:00)"));
  const auto second = every.next_occurrence(cron::parse_instant("2016-11-06T01:15:00-05:00"));
  EXPECT_THAT(cron::explain(every, *second), HasSubstr("this is the second (-05:00)"));
  const cron::schedule gap{cron::expression{"30 2 * * *", dialect::cronos5}, clockwork::find_zone("America/New_York"),
                           cron::dst_policy::quartz_delta_shift};
  const auto shifted = gap.next_occurrence(cron::parse_instant("2016-03-13T00:00:00-05:00"));
  EXPECT_EQ(cron::explain(gap, *shifted),
            "02:30 does not exist on 2016-03-13 in America/New_York (the clocks jump from 02:00 to 03:00): read with "
            "the offset before the gap (-05:00), runs at 03:30 -04:00");
  const auto ordinary = gap.next_occurrence(shifted->at);
  EXPECT_EQ(ordinary->effect, cron::dst_effect::none);
  EXPECT_EQ(cron::explain(gap, *ordinary), "");
}

}  // namespace
