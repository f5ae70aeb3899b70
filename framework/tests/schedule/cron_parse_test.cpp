// Parsing: every piece of syntax per dialect, how it compiles, and the errors — each naming
// the field, the column and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/schedule/cron_expression.hpp"

namespace {

namespace cron = clockwork::cron;
using cron::dialect;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<unsigned> bits(std::uint64_t mask) {
  std::vector<unsigned> out;
  for (unsigned i = 0; i < 64; ++i)
    if ((mask >> i & 1) != 0) out.push_back(i);
  return out;
}

cron::parse_error error_of(std::string_view text, dialect d) {
  try {
    cron::expression e{text, d};
  } catch (const cron::parse_error& e) {
    return e;
  }
  throw std::logic_error("'" + std::string(text) + "' was accepted");
}

TEST(CronParse, StandardFieldsCompileToBitmasks) {
  const cron::expression e{"*/15 9-17 * * *", dialect::cronos5};
  EXPECT_THAT(bits(e.tables().seconds), ElementsAre(0u));
  EXPECT_THAT(bits(e.tables().minutes), ElementsAre(0u, 15u, 30u, 45u));
  EXPECT_THAT(bits(e.tables().hours), ElementsAre(9u, 10u, 11u, 12u, 13u, 14u, 15u, 16u, 17u));
  EXPECT_EQ(e.tables().months, 0x1ffe);
  EXPECT_EQ(e.text(), "*/15 9-17 * * *");
  EXPECT_EQ(e.dialect(), dialect::cronos5);
}

TEST(CronParse, ListsRangesAndStepsCombine) {
  const cron::expression e{"5-8,19,20,35-41 0/20 10-20/5 * * *", dialect::cronos6};
  EXPECT_THAT(bits(e.tables().seconds), ElementsAre(5u, 6u, 7u, 8u, 19u, 20u, 35u, 36u, 37u, 38u, 39u, 40u, 41u));
  EXPECT_THAT(bits(e.tables().minutes), ElementsAre(0u, 20u, 40u));
  EXPECT_THAT(bits(e.tables().hours), ElementsAre(10u, 15u, 20u));
}

TEST(CronParse, ReversedRangesWrapAndStepsRunAcrossTheWrap) {
  EXPECT_THAT(bits(cron::expression{"57-5/3 * * * * *", dialect::cronos6}.tables().seconds), ElementsAre(0u, 3u, 57u));
  EXPECT_THAT(bits(cron::expression{"0 22-2 * * *", dialect::cronos5}.tables().hours),
              ElementsAre(0u, 1u, 2u, 22u, 23u));
  EXPECT_THAT(bits(cron::expression{"0 0 * NOV-FEB *", dialect::cronos5}.tables().months),
              ElementsAre(1u, 2u, 11u, 12u));
  EXPECT_THAT(bits(cron::expression{"0 0 20-5/5 * *", dialect::cronos5}.tables().days.dom_days),
              ElementsAre(4u, 20u, 25u, 30u));
  EXPECT_THAT(bits(cron::expression{"0 0 * * sat-tue/2", dialect::cronos5}.tables().days.dow_days),
              ElementsAre(1u, 6u));  // SAT, MON
  EXPECT_THAT(bits(cron::expression{"59-58 * * * * *", dialect::cronos6}.tables().seconds).size(), 60u);
  // Quartz counts Sunday as 1: FRI-MON is 6,7,1,2 = Friday, Saturday, Sunday, Monday.
  EXPECT_THAT(bits(cron::expression{"0 0 0 ? * FRI-MON", dialect::quartz}.tables().days.dow_days),
              ElementsAre(0u, 1u, 5u, 6u));
}

TEST(CronParse, CronosDayOfWeekCountsSundayAsZeroAndSeven) {
  auto dow = [](const char* f) {
    return bits(cron::expression{std::string("0 0 * * ") + f, dialect::cronos5}.tables().days.dow_days);
  };
  EXPECT_THAT(dow("0"), ElementsAre(0u));
  EXPECT_THAT(dow("7"), ElementsAre(0u));
  EXPECT_THAT(dow("5-7"), ElementsAre(0u, 5u, 6u));
  EXPECT_THAT(dow("7-2"), ElementsAre(0u, 1u, 2u));
  EXPECT_THAT(dow("tue/2"), ElementsAre(2u, 4u, 6u));    // TUE, THU, SAT
  EXPECT_THAT(dow("1/2"), ElementsAre(0u, 1u, 3u, 5u));  // 1,3,5,7: Sunday through the 7
  EXPECT_THAT(dow("Mon,wed,FRI"), ElementsAre(1u, 3u, 5u));
}

TEST(CronParse, NamesAreCaseInsensitive) {
  const cron::expression a{"0 0 1 jan,Jul *", dialect::cronos5};
  const cron::expression b{"0 0 1 1,7 *", dialect::cronos5};
  EXPECT_EQ(a.tables().months, b.tables().months);
  EXPECT_EQ((cron::expression{"0 0 0 ? jan SuN", dialect::quartz}.tables().days.dow_days), 1u);
}

TEST(CronParse, QuestionMarkIsAStarInCronos) {
  const cron::expression q{"? ? ? ? ?", dialect::cronos5};
  const cron::expression s{"* * * * *", dialect::cronos5};
  EXPECT_EQ(q.tables().minutes, s.tables().minutes);
  EXPECT_EQ(q.tables().day_masks, s.tables().day_masks);
  EXPECT_TRUE(q.is_interval());
}

TEST(CronParse, QuartzQuestionMarkOnlyInOneDayField) {
  EXPECT_EQ((cron::expression{"0 0 12 ? * MON", dialect::quartz}.tables().days.combination),
            cron::detail::day_combination::dow_only);
  EXPECT_EQ((cron::expression{"0 0 12 1 * ?", dialect::quartz}.tables().days.combination),
            cron::detail::day_combination::dom_only);
  EXPECT_EQ((cron::expression{"0 0 12 1 * MON", dialect::quartz}.tables().days.combination),
            cron::detail::day_combination::either);
  const auto both = error_of("0 0 12 ? * ?", dialect::quartz);
  EXPECT_EQ(both.field(), cron::field::day_of_week);
  const auto in_hour = error_of("0 0 ? * * *", dialect::quartz);
  EXPECT_EQ(in_hour.field(), cron::field::hour);
  EXPECT_THAT(in_hour.what(), HasSubstr("only allowed in the day-of-month and day-of-week fields"));
}

TEST(CronParse, IntervalMeansAStarRangeOrStepInSecondMinuteOrHour) {
  EXPECT_TRUE(cron::expression("0 */5 * * * *", dialect::cronos6).is_interval());
  EXPECT_TRUE(cron::expression("0 1-2 3 * * *", dialect::cronos6).is_interval());
  EXPECT_TRUE(cron::expression("? 0 3 * * *", dialect::cronos6).is_interval());
  EXPECT_FALSE(cron::expression("0 0,30 1 * 1/2 *", dialect::cronos6).is_interval());
  EXPECT_FALSE(cron::expression("5 4 3 * * *", dialect::cronos6).is_interval());
  EXPECT_FALSE(cron::expression("30 2 * * *", dialect::cronos5).is_interval());
  EXPECT_TRUE(cron::expression("30 * * * *", dialect::cronos5).is_interval());
}

TEST(CronParse, MacrosEqualTheirExpansions) {
  const std::pair<const char*, const char*> macros[] = {
      {"@yearly", "0 0 0 1 1 *"}, {"@annually", "0 0 0 1 1 *"},     {"@monthly", "0 0 0 1 * *"},
      {"@weekly", "0 0 0 * * 0"}, {"@daily", "0 0 0 * * *"},        {"@midnight", "0 0 0 * * *"},
      {"@hourly", "0 0 * * * *"}, {"@every_minute", "0 * * * * *"}, {"@every_second", "* * * * * *"}};
  for (const auto& [macro, expansion] : macros) {
    const cron::expression x{expansion, dialect::cronos6};
    for (const dialect d : {dialect::cronos5, dialect::cronos6}) {
      const cron::expression m{macro, d};
      EXPECT_EQ(m.tables().seconds, x.tables().seconds) << macro;
      EXPECT_EQ(m.tables().minutes, x.tables().minutes) << macro;
      EXPECT_EQ(m.tables().hours, x.tables().hours) << macro;
      EXPECT_EQ(m.tables().day_masks, x.tables().day_masks) << macro;
      EXPECT_EQ(m.is_interval(), x.is_interval()) << macro;
    }
  }
  EXPECT_EQ(cron::expression("  @DaiLy ", dialect::cronos5).tables().hours, 1u);
  EXPECT_THAT(error_of("@daily", dialect::quartz).what(), HasSubstr("not part of the quartz dialect"));
  EXPECT_THAT(error_of("@fortnightly", dialect::cronos5).what(), HasSubstr("unknown macro '@fortnightly'"));
  EXPECT_THAT(error_of("@daily *", dialect::cronos5).what(), HasSubstr("unexpected *"));
}

TEST(CronParse, BlanksAndTabsSeparateFields) {
  const cron::expression e{" \t0\t*/5  *\t* *   ", dialect::cronos5};
  EXPECT_THAT(bits(e.tables().minutes), ElementsAre(0u));
  EXPECT_THAT(bits(e.tables().hours), ElementsAre(0u, 5u, 10u, 15u, 20u));
  EXPECT_EQ(e.text(), " \t0\t*/5  *\t* *   ");
}

TEST(CronParse, DayOfMonthSpecials) {
  const auto r1 = cron::expression{"0 0 L * *", dialect::cronos5}.tables().days;
  EXPECT_EQ(r1.dom_last_offsets, 1u);
  const auto r2 = cron::expression{"0 0 L-3 * *", dialect::cronos5}.tables().days;
  EXPECT_EQ(r2.dom_last_offsets, 1u << 3);
  const auto r3 = cron::expression{"0 0 lw * *", dialect::cronos5}.tables().days;
  EXPECT_EQ(r3.dom_last_nearest_weekday, 1u);
  const auto r4 = cron::expression{"0 0 L-2W * *", dialect::cronos5}.tables().days;
  EXPECT_EQ(r4.dom_last_nearest_weekday, 1u << 2);
  const auto r5 = cron::expression{"0 0 15w * *", dialect::cronos5}.tables().days;
  EXPECT_EQ(r5.dom_nearest_weekday, 1u << 15);
  // Quartz.NET: several in one list, and LW-n.
  const auto q = cron::expression{"0 0 0 1,L,L-1,LW-2,16W,L-3W * ?", dialect::quartz}.tables().days;
  EXPECT_EQ(q.dom_days, 1u << 1);
  EXPECT_EQ(q.dom_last_offsets, 0b11u);
  EXPECT_EQ(q.dom_last_weekday_offsets, 1u << 2);
  EXPECT_EQ(q.dom_nearest_weekday, 1u << 16);
  EXPECT_EQ(q.dom_last_nearest_weekday, 1u << 3);
  EXPECT_TRUE(q.clamp_nearest_weekday);
}

TEST(CronParse, DayOfWeekSpecials) {
  const auto last = cron::expression{"0 0 * * 5L", dialect::cronos5}.tables().days;
  EXPECT_EQ(last.dow_last, 1u << 5);
  const auto nth = cron::expression{"0 0 * * FRI#3", dialect::cronos5}.tables().days;
  EXPECT_EQ(nth.dow_nth[2], 1u << 5);
  const auto q = cron::expression{"0 0 0 ? * 6L", dialect::quartz}.tables().days;
  EXPECT_EQ(q.dow_last, 1u << 5);  // Quartz 6 = Friday
  const auto saturday = cron::expression{"0 0 0 ? * L", dialect::quartz}.tables().days;
  EXPECT_EQ(saturday.dow_days, 1u << 6);
  const auto name_last = cron::expression{"0 0 0 ? * FRIL", dialect::quartz}.tables().days;
  EXPECT_EQ(name_last.dow_last, 1u << 5);
}

TEST(CronParse, QuartzYearField) {
  EXPECT_FALSE(cron::expression("0 0 0 1 1 ? 2030", dialect::quartz).tables().any_year);
  EXPECT_TRUE(cron::expression("0 0 0 1 1 ? *", dialect::quartz).tables().any_year);
  EXPECT_TRUE(cron::expression("0 0 0 1 1 ?", dialect::quartz).tables().any_year);
  EXPECT_NO_THROW(cron::expression("0 0 0 1 1 ? 1970,2199", dialect::quartz));
  EXPECT_EQ(std::string(error_of("0 0 0 1 1 ? 1969", dialect::quartz).what()),
            "field 7 (year): 1969 is out of range 1970\u20132199 (column 13)");
  EXPECT_THAT(error_of("0 0 0 1 1 ? 2200", dialect::quartz).what(), HasSubstr("2200 is out of range"));
  EXPECT_THAT(error_of("0 0 0 1 1 ? 2010-2005", dialect::quartz).what(), HasSubstr("a year range cannot wrap"));
  EXPECT_THAT(error_of("0 15 10 15 * ? L", dialect::quartz).what(), HasSubstr("'L' is only allowed"));
}

TEST(CronParse, QuartzRefusesEveryNthWeekButNotANumericStep) {
  const auto e = error_of("0 0 12 ? * FRI/2", dialect::quartz);
  EXPECT_EQ(e.field(), cron::field::day_of_week);
  EXPECT_EQ(e.column(), 12u);
  EXPECT_THAT(e.what(), HasSubstr("every n-th week"));
  EXPECT_THAT(bits(cron::expression{"0 0 12 ? * 6/2", dialect::quartz}.tables().days.dow_days), ElementsAre(5u));
  EXPECT_THAT(bits(cron::expression{"0 0 12 ? * 2/2", dialect::quartz}.tables().days.dow_days),
              ElementsAre(1u, 3u, 5u));  // 2,4,6 = MON, WED, FRI
  // Cronos reads the same text as a value step up to 7: Friday and 7 = Sunday.
  EXPECT_THAT(bits(cron::expression{"0 0 12 ? * FRI/2", dialect::cronos6}.tables().days.dow_days), ElementsAre(0u, 5u));
}

// --- errors --------------------------------------------------------------------------------

TEST(CronParse, ErrorsNameFieldColumnAndWhatWasExpected) {
  const auto e = error_of("0 30 24 * * *", dialect::cronos6);
  EXPECT_EQ(std::string(e.what()), "field 3 (hour): 24 is out of range 0\u201323 (column 6)");
  EXPECT_EQ(e.field(), cron::field::hour);
  EXPECT_EQ(e.field_index(), 3u);
  EXPECT_EQ(e.field_name(), "hour");
  EXPECT_EQ(e.column(), 6u);
  EXPECT_EQ(e.reason(), "24 is out of range 0\u201323");
  // The same field is field 2 in the 5-field dialect.
  const auto f = error_of("30 24 * * *", dialect::cronos5);
  EXPECT_EQ(f.field_index(), 2u);
  EXPECT_EQ(f.column(), 4u);
  const std::invalid_argument& base = e;  // catchable as the standard type
  EXPECT_THAT(base.what(), HasSubstr("hour"));
}

TEST(CronParse, ErrorMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"1/60 * * * * *", "field 1 (second): step 60 is out of range 1\u201359 (column 3)"},
      {"*/0 * * * *", "field 1 (minute): step 0 is out of range 1\u201359 (column 3)"},
      {"5- * * * * *", "field 1 (second): expected a number (0\u201359) but the field ends (column 3)"},
      {",1 * * * * *", "field 1 (second): expected a number (0\u201359) but found ',' (column 1)"},
      {"1, * * * * *", "field 1 (second): expected a value after ',' (column 3)"},
      {"1k * * * *", "field 1 (minute): unexpected 'k' (expected ',' or the end of the field) (column 2)"},
      {"* * * janu *", "field 4 (month): unknown name 'janu' (expected JAN\u2013DEC) (column 7)"},
      {"* * 15W,16 * *", "field 3 (day of month): 'W' stands alone in its field, not in a list (column 5)"},
      {"* * 15W7 * *", "field 3 (day of month): unexpected '7' after 'W' (column 8)"},
      {"* * * * 1#6", "field 5 (day of week): the week number after '#' 6 is out of range 1\u20135 (column 11)"},
      {"*,5 * * * *", "field 1 (minute): '*' stands alone in its field, not in a list (column 1)"},
      {"0 * *",
       "field 4 (month): missing: expected 5 fields (minute hour day-of-month month day-of-week) but found 3 (column "
       "6)"},
      {"0 0 0 * * * *",
       "unexpected *: expected 6 fields (second minute hour day-of-month month day-of-week) but found 7 (column 13)"},
      {"", "empty expression: expected 5 fields (minute hour day-of-month month day-of-week) (column 1)"},
      {"* * * * L", "field 5 (day of week): 'L' follows a day of week: 5L is the last Friday of the month (column 9)"},
      {"005 * * * *", "field 1 (minute): '005' has more than 2 digits (column 1)"},
      {"* * L-31 * *", "field 3 (day of month): the offset from the last day 31 is out of range 0\u201330 (column 7)"},
  };
  for (const auto& [text, message] : cases) {
    const dialect d = std::string(text).find("0 0 0 * * * *") == 0 || std::string(text).find("1/60") == 0 ||
                              std::string(text).find("5-") == 0 || std::string(text).find(",1") == 0 ||
                              std::string(text).find("1, ") == 0
                          ? dialect::cronos6
                          : dialect::cronos5;
    EXPECT_EQ(std::string(error_of(text, d).what()), message) << "'" << text << "'";
  }
}

TEST(CronParse, QuartzErrors) {
  EXPECT_THAT(error_of("0 * * * *", dialect::quartz).what(), HasSubstr("expected 6 or 7 fields"));
  EXPECT_THAT(error_of("0/120 0 8-18 ? * 2-6", dialect::quartz).what(),
              HasSubstr("step 120 is out of range 1\u201359"));
  EXPECT_THAT(error_of("0 0 0 ? * 0/120", dialect::quartz).what(), HasSubstr("0 is out of range 1\u20137"));
  EXPECT_THAT(error_of("0 0 * * * ?h", dialect::quartz).what(), HasSubstr("unexpected 'h' after '?'"));
  EXPECT_THAT(error_of("0 43 9 ? * SAT,SUN,L", dialect::quartz).what(),
              HasSubstr("'L' (Saturday) cannot be combined with other days of the week"));
  EXPECT_THAT(error_of("0 15 10 ? * 8#1", dialect::quartz).what(), HasSubstr("8 is out of range 1\u20137"));
  EXPECT_THAT(error_of("0 0 15 ? * FRI*", dialect::quartz).what(), HasSubstr("unexpected '*'"));
  EXPECT_NO_THROW(cron::expression("0 0 0 ? * /2", dialect::quartz));   // "/2" is "*/2"
  EXPECT_NO_THROW(cron::expression("000 0 0 ? * *", dialect::quartz));  // Quartz reads any number of digits
}

TEST(CronParse, UnprintableBytesAreShownAsHex) {
  const auto e = error_of("0 0 \xC3\xA9 * *", dialect::cronos5);
  EXPECT_THAT(e.what(), HasSubstr("byte 0xC3"));
  EXPECT_EQ(e.column(), 5u);
  const auto newline = error_of("0 0\n* * *", dialect::cronos5);
  EXPECT_THAT(newline.what(), HasSubstr("unexpected '\\n'"));
  EXPECT_EQ(newline.field(), cron::field::hour);
}

}  // namespace
