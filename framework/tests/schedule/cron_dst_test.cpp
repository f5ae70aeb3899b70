// cron::schedule across DST transitions, both policies: gaps and overlaps in Europe/Berlin,
// America/New_York, Australia/Lord_Howe (30-minute DST) and Pacific/Apia (the skipped
// 2011-12-30); what each occurrence reports about DST; next/prev/range consistency; and a
// comparison with the brute-force oracle around hundreds of real transitions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "cron_oracle.hpp"
#include "shared_test_helpers.hpp"

namespace {

namespace cron = clockwork::cron;
using clockwork::utc_time;
using cron::boundary;
using cron::dst_effect;
using cron::dst_policy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::at;

using clockwork::test_support::make;

std::string shown(const cron::schedule& s, const std::optional<utc_time>& t) {
  return t ? cron::format_instant(*t, s.zone()) : "none";
}

// The next n occurrences after `from` (exclusive), as text in the schedule's zone.
std::vector<std::string> walk(const cron::schedule& s, const char* from, int n) {
  std::vector<std::string> out;
  utc_time t = at(from);
  for (int i = 0; i < n; ++i) {
    const auto next = s.next(t);
    if (!next) break;
    out.push_back(cron::format_instant(*next, s.zone()));
    t = *next;
  }
  return out;
}

std::string wall_of(const cron::occurrence& o) {
  return date::format("%F %T", o.wall);
}

// --- Europe/Berlin: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00 -----------------

TEST(CronDst, BerlinGapCronosRunsAtTheEndOfTheGap) {
  const auto s = make("30 2 * * *", cron::dialect::cronos5, "Europe/Berlin");
  const auto o = s.next_occurrence(at("2026-03-29T00:00:00+01:00"));
  ASSERT_TRUE(o);
  EXPECT_EQ(cron::format_instant(o->at, s.zone()), "2026-03-29T03:00:00+02:00");
  EXPECT_EQ(o->effect, dst_effect::gap_end);
  EXPECT_EQ(wall_of(*o), "2026-03-29 02:30:00");
  EXPECT_EQ(cron::explain(s, *o),
            "02:30 does not exist on 2026-03-29 in Europe/Berlin (the clocks jump from 02:00 to 03:00): runs at "
            "03:00, the first instant after the gap");
  EXPECT_THAT(walk(s, "2026-03-28T00:00:00+01:00", 3),
              ElementsAre("2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"));
}

TEST(CronDst, BerlinGapQuartzReadsTheWallTimeWithTheOldOffset) {
  const auto s = make("0 30 2 * * ?", cron::dialect::quartz, "Europe/Berlin", dst_policy::quartz_delta_shift);
  const auto o = s.next_occurrence(at("2026-03-29T00:00:00+01:00"));
  ASSERT_TRUE(o);
  EXPECT_EQ(cron::format_instant(o->at, s.zone()), "2026-03-29T03:30:00+02:00");
  EXPECT_EQ(o->effect, dst_effect::gap_shifted);
  EXPECT_THAT(cron::explain(s, *o), HasSubstr("read with the offset before the gap (+01:00), runs at 03:30 +02:00"));
  EXPECT_THAT(walk(s, "2026-03-29T00:00:00+01:00", 2),
              ElementsAre("2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"));
}

TEST(CronDst, QuartzShiftNeverSkipsAnEarlierRealOccurrence) {
  // 02:45 shifts to 03:45, after the real 03:15: both run, in time order.
  const auto s = make("0 15,45 2,3 * * ?", cron::dialect::quartz, "Europe/Berlin", dst_policy::quartz_delta_shift);
  EXPECT_THAT(walk(s, "2026-03-29T01:50:00+01:00", 4),
              ElementsAre("2026-03-29T03:15:00+02:00", "2026-03-29T03:45:00+02:00", "2026-03-30T02:15:00+02:00",
                          "2026-03-30T02:45:00+02:00"));
  // 02:15 shifts to 03:15 where the real 03:15 also runs: one run, not two at one instant.
  const auto o = s.next_occurrence(at("2026-03-29T01:50:00+01:00"));
  EXPECT_EQ(o->effect, dst_effect::none);
}

TEST(CronDst, BerlinOverlapFixedTimeRunsOnceInTheFirstPass) {
  const auto s = make("30 2 * * *", cron::dialect::cronos5, "Europe/Berlin");
  EXPECT_THAT(walk(s, "2026-10-25T00:00:00+02:00", 2),
              ElementsAre("2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"));
  const auto o = s.next_occurrence(at("2026-10-25T00:00:00+02:00"));
  EXPECT_EQ(o->effect, dst_effect::overlap_once);
  EXPECT_EQ(cron::explain(s, *o),
            "02:30 happens twice on 2026-10-25 in Europe/Berlin (the clocks fall back from 03:00 to 02:00): a "
            "fixed-time expression runs once, in the first pass (+02:00)");
  // From inside the second pass it waits for the next day.
  EXPECT_EQ(shown(s, s.next(at("2026-10-25T02:10:00+01:00"))), "2026-10-26T02:30:00+01:00");
  EXPECT_EQ(shown(s, s.prev(at("2026-10-25T02:45:00+01:00"))), "2026-10-25T02:30:00+02:00");
}

TEST(CronDst, BerlinOverlapIntervalRunsInBothPasses) {
  const auto s = make("*/30 * * * *", cron::dialect::cronos5, "Europe/Berlin");
  EXPECT_THAT(walk(s, "2026-10-25T01:45:00+02:00", 6),
              ElementsAre("2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00",
                          "2026-10-25T02:30:00+01:00", "2026-10-25T03:00:00+01:00", "2026-10-25T03:30:00+01:00"));
  std::vector<dst_effect> effects;
  for (const auto& o : s.occurrences(at("2026-10-25T02:00:00+02:00"), at("2026-10-25T03:30:00+01:00")))
    effects.push_back(o.effect);
  EXPECT_THAT(effects, ElementsAre(dst_effect::overlap_first, dst_effect::overlap_first, dst_effect::overlap_second,
                                   dst_effect::overlap_second, dst_effect::none));
}

TEST(CronDst, AnHourFieldWithAStarIsAnInterval) {
  // "0 30 * * * *": fixed minute, every hour: interval by the hour field, so both passes.
  const auto s = make("0 30 * * * *", cron::dialect::cronos6, "Europe/Berlin");
  EXPECT_TRUE(s.expression().is_interval());
  EXPECT_THAT(walk(s, "2026-10-25T02:00:00+02:00", 3),
              ElementsAre("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"));
  // A comma list is not an interval (Cronos' rule): once.
  const auto list = make("0 0,30 2 * * *", cron::dialect::cronos6, "Europe/Berlin");
  EXPECT_FALSE(list.expression().is_interval());
  EXPECT_THAT(walk(list, "2026-10-25T01:00:00+02:00", 3),
              ElementsAre("2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:00:00+01:00"));
}

// --- America/New_York: 2016-03-13 02:00 -> 03:00, 2016-11-06 02:00 -> 01:00 ---------------

TEST(CronDst, NewYorkIntervalInTheGapRunsOnceAtTheTransition) {
  // Cronos' own case: even when 03:00 itself does not match.
  const auto s = make("0 1-58 */2 * * *", cron::dialect::cronos6, "America/New_York");
  const auto o = s.next_occurrence(at("2016-03-13T01:59:00-05:00"));
  EXPECT_EQ(cron::format_instant(o->at, s.zone()), "2016-03-13T03:00:00-04:00");
  EXPECT_EQ(o->effect, dst_effect::gap_end);
  EXPECT_EQ(wall_of(*o), "2016-03-13 02:01:00");
  EXPECT_EQ(shown(s, s.next(o->at)), "2016-03-13T04:01:00-04:00");
}

TEST(CronDst, AGapFoldsIntoAMatchAtTheTransition) {
  // 02:00-02:59 match and so does 03:00: one run at 03:00, reported as an ordinary one.
  const auto s = make("0 * * * *", cron::dialect::cronos5, "America/New_York");
  const auto o = s.next_occurrence(at("2016-03-13T01:30:00-05:00"));
  EXPECT_EQ(cron::format_instant(o->at, s.zone()), "2016-03-13T03:00:00-04:00");
  EXPECT_EQ(o->effect, dst_effect::none);
  EXPECT_EQ(shown(s, s.next(o->at)), "2016-03-13T04:00:00-04:00");
}

TEST(CronDst, NextInclusiveAtATransitionSkipsItsGapEndOccurrence) {
  // Cronos' rule: the occurrence stands for 02:30, before from's own 03:00. Everything else
  // counts it as an instant: prev, ranges, and a range split at the transition.
  const auto s = make("30 2 * * *", cron::dialect::cronos5, "America/New_York");
  const utc_time t = at("2016-03-13T03:00:00-04:00");
  EXPECT_EQ(shown(s, s.next(t - std::chrono::seconds{1})), "2016-03-13T03:00:00-04:00");
  EXPECT_EQ(shown(s, s.next(t, boundary::inclusive)), "2016-03-14T02:30:00-04:00");
  EXPECT_EQ(shown(s, s.prev(t, boundary::inclusive)), "2016-03-13T03:00:00-04:00");
  EXPECT_EQ(shown(s, s.prev(t)), "2016-03-12T02:30:00-05:00");
  const utc_time a = at("2016-03-10T00:00:00-05:00");
  const utc_time b = at("2016-03-16T00:00:00-04:00");
  std::vector<utc_time> whole, split;
  for (const auto& o : s.occurrences(a, b)) whole.push_back(o.at);
  for (const auto& o : s.occurrences(a, t)) split.push_back(o.at);
  for (const auto& o : s.occurrences(t, b)) split.push_back(o.at);
  EXPECT_EQ(whole, split);
  EXPECT_EQ(whole.size(), 6u);
  EXPECT_EQ(s.occurrences(t, b).begin()->effect, dst_effect::gap_end);
}

TEST(CronDst, MidnightGapSantiago) {
  // 2019-09-08 00:00 -04 -> 01:00 -03: the day starts at 01:00. Found by the fuzzer: prev()
  // from exactly the transition must not return the gap_end occurrence there (it is not before).
  const auto s = make("0 0 0 * * ?", cron::dialect::quartz, "America/Santiago");
  const utc_time t = at("2019-09-08T01:00:00-03:00");
  EXPECT_EQ(shown(s, s.prev(t)), "2019-09-07T00:00:00-04:00");
  const auto o = s.prev_occurrence(t, boundary::inclusive);
  EXPECT_EQ(cron::format_instant(o->at, s.zone()), "2019-09-08T01:00:00-03:00");
  EXPECT_EQ(o->effect, dst_effect::gap_end);
  EXPECT_EQ(shown(s, s.next(t - std::chrono::seconds{1})), "2019-09-08T01:00:00-03:00");
  EXPECT_EQ(shown(s, s.next(t)), "2019-09-09T00:00:00-03:00");
}

TEST(CronDst, NewYorkOverlapBothPolicies) {
  for (const auto policy : {dst_policy::cronos, dst_policy::quartz_delta_shift}) {
    const auto fixed = make("0 30 1 * * *", cron::dialect::cronos6, "America/New_York", policy);
    EXPECT_THAT(walk(fixed, "2016-11-06T00:00:00-04:00", 2),
                ElementsAre("2016-11-06T01:30:00-04:00", "2016-11-07T01:30:00-05:00"));
    const auto every15 = make("0 */15 1 * * *", cron::dialect::cronos6, "America/New_York", policy);
    EXPECT_THAT(walk(every15, "2016-11-06T01:40:00-04:00", 6),
                ElementsAre("2016-11-06T01:45:00-04:00", "2016-11-06T01:00:00-05:00", "2016-11-06T01:15:00-05:00",
                            "2016-11-06T01:30:00-05:00", "2016-11-06T01:45:00-05:00", "2016-11-07T01:00:00-05:00"));
  }
}

// --- Australia/Lord_Howe: +10:30 / +11:00, 30-minute transitions ------------------------

TEST(CronDst, LordHoweHalfHourGap) {
  // 2017-10-01 02:00 -> 02:30.
  const auto c = make("15 2 * * *", cron::dialect::cronos5, "Australia/Lord_Howe");
  EXPECT_EQ(shown(c, c.next(at("2017-10-01T00:00:00+10:30"))), "2017-10-01T02:30:00+11:00");
  const auto q = make("0 15 2 * * ?", cron::dialect::quartz, "Australia/Lord_Howe", dst_policy::quartz_delta_shift);
  EXPECT_EQ(shown(q, q.next(at("2017-10-01T00:00:00+10:30"))), "2017-10-01T02:45:00+11:00");
  const auto every5 = make("*/5 * * * *", cron::dialect::cronos5, "Australia/Lord_Howe");
  EXPECT_THAT(walk(every5, "2017-10-01T01:50:00+10:30", 3),
              ElementsAre("2017-10-01T01:55:00+10:30", "2017-10-01T02:30:00+11:00", "2017-10-01T02:35:00+11:00"));
}

TEST(CronDst, LordHoweHalfHourOverlap) {
  // 2017-04-02 02:00 -> 01:30: 01:30-01:59 happen twice.
  const auto every10 = make("*/10 * * * *", cron::dialect::cronos5, "Australia/Lord_Howe");
  EXPECT_THAT(walk(every10, "2017-04-02T01:25:00+11:00", 7),
              ElementsAre("2017-04-02T01:30:00+11:00", "2017-04-02T01:40:00+11:00", "2017-04-02T01:50:00+11:00",
                          "2017-04-02T01:30:00+10:30", "2017-04-02T01:40:00+10:30", "2017-04-02T01:50:00+10:30",
                          "2017-04-02T02:00:00+10:30"));
  const auto fixed = make("45 1 * * *", cron::dialect::cronos5, "Australia/Lord_Howe");
  EXPECT_THAT(walk(fixed, "2017-04-02T00:00:00+11:00", 2),
              ElementsAre("2017-04-02T01:45:00+11:00", "2017-04-03T01:45:00+10:30"));
}

// --- Pacific/Apia: 2011-12-29 24:00 -10:00 -> 2011-12-31 00:00 +14:00, no 30 December -----

TEST(CronDst, ApiaSkippedDayCronos) {
  const auto daily = make("0 12 * * *", cron::dialect::cronos5, "Pacific/Apia");
  const auto o = daily.next_occurrence(at("2011-12-29T12:00:00-10:00"));
  EXPECT_EQ(cron::format_instant(o->at, daily.zone()), "2011-12-31T00:00:00+14:00");
  EXPECT_EQ(o->effect, dst_effect::gap_end);
  EXPECT_EQ(wall_of(*o), "2011-12-30 12:00:00");
  EXPECT_THAT(cron::explain(daily, *o),
              HasSubstr("12:00 does not exist on 2011-12-30 in Pacific/Apia (the clocks jump from 00:00 to 00:00)"));
  EXPECT_EQ(shown(daily, daily.next(o->at)), "2011-12-31T12:00:00+14:00");
  const auto dec30 = make("0 0 30 12 *", cron::dialect::cronos5, "Pacific/Apia");
  EXPECT_THAT(walk(dec30, "2011-12-01T00:00:00-10:00", 2),
              ElementsAre("2011-12-31T00:00:00+14:00", "2012-12-30T00:00:00+14:00"));
}

TEST(CronDst, ApiaSkippedDayQuartz) {
  // 30 December 12:00 read at -10:00 is 31 December 12:00 +14:00, where the 31st's own run
  // is: one run.
  const auto daily = make("0 0 12 * * ?", cron::dialect::quartz, "Pacific/Apia", dst_policy::quartz_delta_shift);
  EXPECT_THAT(walk(daily, "2011-12-29T12:00:00-10:00", 2),
              ElementsAre("2011-12-31T12:00:00+14:00", "2012-01-01T12:00:00+14:00"));
  const auto dec30 = make("0 0 6 30 12 ?", cron::dialect::quartz, "Pacific/Apia", dst_policy::quartz_delta_shift);
  const auto o = dec30.next_occurrence(at("2011-12-01T00:00:00-10:00"));
  EXPECT_EQ(cron::format_instant(o->at, dec30.zone()), "2011-12-31T06:00:00+14:00");
  EXPECT_EQ(o->effect, dst_effect::gap_shifted);
}

TEST(CronDst, RareExpressionsSkipWholeRunsOfDstPeriods) {
  // Centuries of transitions between `from` and the answer: the walk skips periods that cannot
  // hold an occurrence instead of visiting each. The answers are plain wall times.
  const auto y2199 = make("0 0 0 1 1 ? 2199", cron::dialect::quartz, "America/New_York");
  EXPECT_EQ(shown(y2199, y2199.next(at("1677-10-01T00:00:00Z"))), "2199-01-01T00:00:00-05:00");
  const auto y1970 = make("0 0 0 1 1 ? 1970", cron::dialect::quartz, "America/New_York");
  EXPECT_EQ(shown(y1970, y1970.prev(at("2262-01-01T00:00:00Z"))), "1970-01-01T00:00:00-05:00");
  EXPECT_EQ(shown(y1970, y1970.next(at("1970-01-01T05:00:00Z"))), "none");
  const auto feb29 = make("0 0 0 29 2 MON", cron::dialect::cronos6, "Europe/Berlin");
  EXPECT_EQ(shown(feb29, feb29.prev(at("2262-01-01T00:00:00Z"))), "2236-02-29T00:00:00+01:00");
  EXPECT_EQ(shown(feb29, feb29.prev(at("2044-02-29T00:00:00+01:00"))), "2016-02-29T00:00:00+01:00");
  // ... and a gap-end occurrence beyond such a run is still found: 31 March 2019 02:30 in
  // Berlin does not exist.
  const auto gap = make("0 30 2 31 3 ? 2019", cron::dialect::quartz, "Europe/Berlin");
  EXPECT_EQ(shown(gap, gap.next(at("1900-01-01T00:00:00Z"))), "2019-03-31T03:00:00+02:00");
  EXPECT_EQ(shown(gap, gap.prev(at("2200-01-01T00:00:00Z"))), "2019-03-31T03:00:00+02:00");
}

TEST(CronDst, AlaskaPurchaseRepeatsAWholeDay) {
  // 1867-10-19 00:31:13 UTC, America/Adak goes from +12:13:22 to -11:46:38 local mean time: the
  // largest move a clock ever made in the tz database. A day of wall time happens twice: a
  // fixed time runs once in it, an interval in both passes. Every run over six days, against
  // the oracle.
  const char* texts[] = {"0 0 12 * * *", "0 0 */6 * * *", "0 30 0 19 10 *", "0 0 * * * *"};
  const utc_time t = at("1867-10-19T00:31:13Z");
  for (const char* text : texts) {
    const auto s = make(text, cron::dialect::cronos6, "America/Adak");
    const clockwork::test::cron_oracle oracle{s};
    SCOPED_TRACE(text);
    std::int64_t from = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count() - 3 * 86400;
    std::vector<std::int64_t> want, got;
    for (auto u = oracle.next(from, false, 6 * 86400); u; u = oracle.next(*u, false, from + 6 * 86400 - *u)) {
      want.push_back(*u);
    }
    for (const auto& o : s.occurrences(utc_time{std::chrono::seconds{from + 1}},
                                       utc_time{std::chrono::seconds{from + 6 * 86400 + 1}})) {
      got.push_back(std::chrono::floor<std::chrono::seconds>(o.at).time_since_epoch().count());
    }
    EXPECT_EQ(got, want);
    EXPECT_FALSE(got.empty());
  }
  const auto noon = make("0 0 12 * * *", cron::dialect::cronos6, "America/Adak");
  EXPECT_THAT(
      walk(noon, "1867-10-17T00:00:00Z", 3),
      ElementsAre("1867-10-18T12:00:00+12:13:22", "1867-10-19T12:00:00+12:13:22", "1867-10-20T12:00:00-11:46:38"));
}

// --- consistency -------------------------------------------------------------------------

TEST(CronDst, SubSecondFromIsFlooredAndExclusive) {
  const auto s = make("* * * * * *", cron::dialect::cronos6, "UTC");
  const utc_time t = at("2020-01-01T00:00:00.5Z");
  EXPECT_EQ(shown(s, s.next(t, boundary::inclusive)), "2020-01-01T00:00:01+00:00");
  EXPECT_EQ(shown(s, s.prev(t, boundary::exclusive)), "2020-01-01T00:00:00+00:00");
  EXPECT_EQ(shown(s, s.prev(at("2020-01-01T00:00:00Z"), boundary::exclusive)), "2019-12-31T23:59:59+00:00");
  EXPECT_EQ(shown(s, s.prev(at("2020-01-01T00:00:00Z"), boundary::inclusive)), "2020-01-01T00:00:00+00:00");
}

TEST(CronDst, RangesHonourTheirBoundaries) {
  const auto s = make("0 * * * *", cron::dialect::cronos5, "UTC");
  const utc_time a = at("2020-01-01T00:00:00Z");
  const utc_time b = at("2020-01-01T03:00:00Z");
  auto count = [&](boundary fb, boundary tb) {
    int n = 0;
    for ([[maybe_unused]] const auto& o : s.occurrences(a, b, fb, tb)) ++n;
    return n;
  };
  EXPECT_EQ(count(boundary::inclusive, boundary::exclusive), 3);
  EXPECT_EQ(count(boundary::exclusive, boundary::exclusive), 2);
  EXPECT_EQ(count(boundary::inclusive, boundary::inclusive), 4);
  EXPECT_EQ(count(boundary::exclusive, boundary::inclusive), 3);
}

TEST(CronDst, AnInvertedRangeIsRefusedAndAnEmptyOneIsNot) {
  const auto s = make("0 * * * *", cron::dialect::cronos5, "Europe/Berlin");
  const utc_time a = at("2020-01-01T00:00:00Z");
  const utc_time b = at("2020-01-01T03:00:00Z");
  try {
    (void)s.occurrences(b, a);
    FAIL() << "an inverted range was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("the range ends (2020-01-01T01:00:00+01:00) before it starts "
                                    "(2020-01-01T04:00:00+01:00)"));
  }
  EXPECT_THROW((void)s.occurrences(a + std::chrono::nanoseconds{1}, a), std::invalid_argument);
  // from == to is a range, empty unless both ends count.
  const auto count = [&](boundary fb, boundary tb) {
    int n = 0;
    for ([[maybe_unused]] const auto& o : s.occurrences(a, a, fb, tb)) ++n;
    return n;
  };
  EXPECT_EQ(count(boundary::inclusive, boundary::exclusive), 0);
  EXPECT_EQ(count(boundary::inclusive, boundary::inclusive), 1);
}

TEST(CronDst, TheEndsOfTheInstantRange) {
  const auto s = make("* * * * * *", cron::dialect::cronos6, "UTC");
  EXPECT_FALSE(s.next(utc_time::max()));
  EXPECT_FALSE(s.prev(utc_time::min()));
  const auto last = s.prev(utc_time::max(), boundary::inclusive);
  ASSERT_TRUE(last);
  EXPECT_EQ(cron::format_instant(*last, s.zone()), "2262-04-11T23:47:16+00:00");
  EXPECT_FALSE(s.next(*last));
  const auto first = s.next(utc_time::min());
  ASSERT_TRUE(first);
  EXPECT_EQ(cron::format_instant(*first, s.zone()), "1677-09-21T00:12:44+00:00");
}

// The schedule against the oracle, around real transitions of zones with unusual DST: 30-minute
// (Lord Howe), a whole day (Apia), at midnight (Santiago, Sao Paulo, Amman), negative DST
// (Dublin), a 2-hour change (Troll), Ramadan suspensions (Casablanca).
TEST(CronDst, AgreesWithTheOracleAroundRealTransitions) {
  const char* zones[] = {"Europe/Berlin",    "America/New_York",  "Australia/Lord_Howe", "Pacific/Apia",
                         "America/Santiago", "America/Sao_Paulo", "Asia/Amman",          "Europe/Dublin",
                         "Antarctica/Troll", "Africa/Casablanca", "Europe/London",       "Australia/Sydney"};
  const char* second_fields[] = {"0", "0", "30", "*/20", "15"};
  const char* minutes[] = {"*", "0", "30", "*/10", "15,45", "0-4", "59", "20-40/7"};
  // "before"/"after": the wall hour at the transition, read with the offset before / after it.
  const char* hours[] = {"*", "0", "2", "1-3", "*/2", "23", "before", "before", "after", "after"};
  const char* days[] = {"*", "*", "*", "L", "1-15", "*/2"};
  std::mt19937 rng{20260329};
  auto pick = [&rng](const auto& options) {
    return options[std::uniform_int_distribution<std::size_t>{0, std::size(options) - 1}(rng)];
  };
  int compared = 0;
  int touched_by_dst = 0;
  for (const char* zone_name : zones) {
    const date::time_zone& zone = clockwork::find_zone(zone_name);
    // The zone's transitions from 2000 to 2037.
    std::vector<std::int64_t> transitions;
    auto info = zone.get_info(date::sys_days{date::year{2000} / 1 / 1});
    while (info.end < date::sys_days{date::year{2037} / 12 / 31}) {
      transitions.push_back(info.end.time_since_epoch().count());
      info = zone.get_info(info.end);
    }
    ASSERT_FALSE(transitions.empty()) << zone_name;
    for (int round = 0; round < 32; ++round) {
      const std::int64_t t = transitions[std::uniform_int_distribution<std::size_t>{0, transitions.size() - 1}(rng)];
      const auto wall_hour = [&](std::chrono::seconds offset) {
        const std::int64_t w = t + offset.count();
        return std::to_string(((w % 86400) + 86400) % 86400 / 3600);
      };
      std::string hour = pick(hours);
      if (hour == "before") hour = wall_hour(zone.get_info(date::sys_seconds{std::chrono::seconds{t - 1}}).offset);
      if (hour == "after") hour = wall_hour(zone.get_info(date::sys_seconds{std::chrono::seconds{t}}).offset);
      const std::string text =
          std::string(pick(second_fields)) + " " + pick(minutes) + " " + hour + " " + pick(days) + " * *";
      const auto policy = round % 2 == 0 ? dst_policy::cronos : dst_policy::quartz_delta_shift;
      const cron::schedule s{cron::expression{text, cron::dialect::cronos6}, zone, policy};
      const clockwork::test::cron_oracle oracle{s};
      const std::int64_t from = t + std::uniform_int_distribution<std::int64_t>{-2 * 3600, 2 * 3600}(rng);
      const bool inclusive = round % 3 == 0;
      const auto b = inclusive ? boundary::inclusive : boundary::exclusive;
      const utc_time from_t{std::chrono::seconds{from}};
      constexpr std::int64_t window = 3 * 86400;
      SCOPED_TRACE(text + " in " + zone_name + " (" + std::string(cron::to_string(policy)) + ") from " +
                   cron::format_instant(from_t, zone) + (inclusive ? " inclusive" : ""));
      const auto want_next = oracle.next(from, inclusive, window);
      const auto got_next = s.next(from_t, b);
      if (want_next) {
        ASSERT_TRUE(got_next);
        EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*got_next).time_since_epoch().count(), *want_next)
            << "next: got " << cron::format_instant(*got_next, zone) << ", oracle "
            << cron::format_instant(utc_time{std::chrono::seconds{*want_next}}, zone);
      } else if (got_next) {
        EXPECT_GT(std::chrono::floor<std::chrono::seconds>(*got_next).time_since_epoch().count(), from + window);
      }
      const auto want_prev = oracle.prev(from, inclusive, window);
      const auto got_prev = s.prev(from_t, b);
      if (want_prev) {
        ASSERT_TRUE(got_prev);
        EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*got_prev).time_since_epoch().count(), *want_prev)
            << "prev: got " << cron::format_instant(*got_prev, zone) << ", oracle "
            << cron::format_instant(utc_time{std::chrono::seconds{*want_prev}}, zone);
      } else if (got_prev) {
        EXPECT_LT(std::chrono::floor<std::chrono::seconds>(*got_prev).time_since_epoch().count(), from - window);
      }
      ++compared;
      if (const auto o = s.next_occurrence(from_t, b); o && o->effect != dst_effect::none) ++touched_by_dst;
      if (const auto o = s.prev_occurrence(from_t, b); o && o->effect != dst_effect::none) ++touched_by_dst;
    }
  }
  EXPECT_EQ(compared, 12 * 32);
  // The comparison is only worth something if DST actually shaped many of the answers.
  EXPECT_GT(touched_by_dst, 80) << "of " << 2 * compared << " answers";
  std::printf("oracle comparison: %d cases, %d answers shaped by a transition\n", compared, touched_by_dst);
}

// Walking forward with next() and backward with prev() visits the same instants, and any split
// of a range gives the same occurrences as the whole.
TEST(CronDst, ForwardAndBackwardWalksAgree) {
  const char* cases[][2] = {{"*/20 * 1-3 * * *", "Europe/Berlin"},     {"0 30 2 * * *", "America/New_York"},
                            {"0 */15 * * * *", "Australia/Lord_Howe"}, {"0 0 12 * * *", "Pacific/Apia"},
                            {"0 15 0 * * *", "America/Santiago"},      {"0 0 * * * *", "Asia/Amman"}};
  const std::pair<const char*, const char*> windows[] = {{"2016-03-01T00:00:00Z", "2016-04-15T00:00:00Z"},
                                                         {"2016-10-01T00:00:00Z", "2016-11-15T00:00:00Z"},
                                                         {"2011-12-25T00:00:00Z", "2012-01-05T00:00:00Z"},
                                                         {"2017-03-25T00:00:00Z", "2017-04-10T00:00:00Z"},
                                                         {"2017-09-25T00:00:00Z", "2017-10-10T00:00:00Z"}};
  for (const auto& [text, zone] : cases) {
    for (const auto policy : {dst_policy::cronos, dst_policy::quartz_delta_shift}) {
      const auto s = make(text, cron::dialect::cronos6, zone, policy);
      for (const auto& [from, to] : windows) {
        SCOPED_TRACE(std::string(text) + " " + zone + " " + from);
        const utc_time a = at(from);
        const utc_time b = at(to);
        std::vector<utc_time> forward;
        for (const auto& o : s.occurrences(a, b)) forward.push_back(o.at);
        std::vector<utc_time> backward;
        for (auto t = s.prev(b); t && *t >= a; t = s.prev(*t)) backward.push_back(*t);
        std::reverse(backward.begin(), backward.end());
        EXPECT_EQ(forward, backward);
        if (forward.size() > 2) {
          const utc_time mid = forward[forward.size() / 2];
          std::vector<utc_time> split;
          for (const auto& o : s.occurrences(a, mid)) split.push_back(o.at);
          for (const auto& o : s.occurrences(mid, b)) split.push_back(o.at);
          EXPECT_EQ(forward, split);
        }
      }
    }
  }
}

}  // namespace
