// cron::count_occurrences against walking next(): around hundreds of real DST transitions in
// zones with gaps, overlaps, 30-minute shifts and a skipped day, both policies, random
// expressions; exact totals for long ranges (a year of every second) with the work bounded.
#include "clockwork/schedule/cron_count.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "clockwork/schedule/iso8601.hpp"
#include "shared_test_helpers.hpp"

namespace {

namespace cron = clockwork::cron;
using clockwork::utc_time;
using cron::dst_policy;
using std::chrono::seconds;

using clockwork::test_support::at;

using clockwork::test_support::make;

// The reference: every instant in [from, to] that walking next() visits.
std::uint64_t walked(const cron::schedule& s, utc_time from, utc_time to) {
  std::uint64_t n = 0;
  for (auto t = s.next(from - std::chrono::nanoseconds{1}); t && *t <= to; t = s.next(*t)) ++n;
  return n;
}

TEST(CronCount, AgreesWithWalkingNextAroundRealTransitions) {
  const char* zones[] = {"Europe/Berlin",    "America/New_York",  "Australia/Lord_Howe", "Pacific/Apia",
                         "America/Santiago", "America/Sao_Paulo", "Asia/Amman",          "Europe/Dublin",
                         "Antarctica/Troll", "Africa/Casablanca", "America/Adak",        "Australia/Sydney"};
  const char* secs[] = {"0", "0", "30", "*/20", "15,45"};
  const char* minutes[] = {"*", "0", "30", "*/10", "15,45", "0-4", "59", "20-40/7"};
  const char* hours[] = {"*", "0", "2", "1-3", "*/2", "23", "before", "before", "after", "after"};
  const char* days[] = {"*", "*", "*", "L", "1-15", "*/2", "LW"};
  std::mt19937 rng{20260329};
  auto pick = [&rng](const auto& options) {
    return options[std::uniform_int_distribution<std::size_t>{0, std::size(options) - 1}(rng)];
  };
  int compared = 0;
  std::uint64_t occurrences = 0;
  for (const char* zone_name : zones) {
    const date::time_zone& zone = clockwork::find_zone(zone_name);
    std::vector<std::int64_t> transitions;
    auto info = zone.get_info(date::sys_days{date::year{1990} / 1 / 1});
    while (info.end < date::sys_days{date::year{2037} / 12 / 31}) {
      transitions.push_back(info.end.time_since_epoch().count());
      info = zone.get_info(info.end);
    }
    ASSERT_FALSE(transitions.empty()) << zone_name;
    for (int round = 0; round < 24; ++round) {
      const std::int64_t t = transitions[std::uniform_int_distribution<std::size_t>{0, transitions.size() - 1}(rng)];
      const auto wall_hour = [&](std::chrono::seconds offset) {
        const std::int64_t w = t + offset.count();
        return std::to_string(((w % 86400) + 86400) % 86400 / 3600);
      };
      std::string hour = pick(hours);
      if (hour == "before") hour = wall_hour(zone.get_info(date::sys_seconds{seconds{t - 1}}).offset);
      if (hour == "after") hour = wall_hour(zone.get_info(date::sys_seconds{seconds{t}}).offset);
      const std::string text = std::string(pick(secs)) + " " + pick(minutes) + " " + hour + " " + pick(days) + " * *";
      const auto policy = round % 2 == 0 ? dst_policy::cronos : dst_policy::quartz_delta_shift;
      const cron::schedule s{cron::expression{text, cron::dialect::cronos6}, zone, policy};
      // Bounds on either side of the transition, at it, and on a sub-second.
      std::int64_t a = t + std::uniform_int_distribution<std::int64_t>{-2 * 86400, 0}(rng);
      std::int64_t b = t + std::uniform_int_distribution<std::int64_t>{0, 2 * 86400}(rng);
      if (round % 5 == 1) a = t;
      if (round % 5 == 2) b = t;
      utc_time from{seconds{a}};
      utc_time to{seconds{b}};
      if (round % 7 == 3) from += std::chrono::milliseconds(500);
      if (round % 7 == 4) to -= std::chrono::milliseconds(500);
      SCOPED_TRACE(text + " in " + zone_name + " (" + std::string(cron::to_string(policy)) + ") from " +
                   cron::format_instant(from, zone) + " to " + cron::format_instant(to, zone));
      const auto want = walked(s, from, to);
      EXPECT_EQ(cron::count_occurrences(s, from, to).count, want);
      occurrences += want;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 12 * 24);
  EXPECT_GT(occurrences, 10'000u);
}

TEST(CronCount, TheCasesDstMakesSpecial) {
  struct example {
    const char* text;
    const char* zone;
    dst_policy policy;
    const char* from;
    const char* to;
    std::uint64_t count;
  };
  const example examples[] = {
      // Berlin's spring gap (02:00 -> 03:00) for 02:30: once, at the end of the gap (cronos) or
      // an hour later (quartz); autumn's repeated 02:30: once.
      {"0 30 2 * * *", "Europe/Berlin", dst_policy::cronos, "2026-03-28T00:00:00Z", "2026-03-30T23:59:59Z", 3},
      {"0 30 2 * * *", "Europe/Berlin", dst_policy::quartz_delta_shift, "2026-03-28T00:00:00Z", "2026-03-30T23:59:59Z",
       3},
      {"0 30 2 * * *", "Europe/Berlin", dst_policy::cronos, "2026-10-24T00:00:00Z", "2026-10-26T23:59:59Z", 3},
      // Every half hour: the gap's two half hours fold into 03:00 (nothing extra, cronos) or
      // land on 03:00 and 03:30, where the expression already runs (quartz); the repeated
      // hour runs twice.
      {"0 */30 * * * *", "Europe/Berlin", dst_policy::cronos, "2026-03-29T00:00:00+01:00", "2026-03-29T23:59:59+02:00",
       46},
      {"0 */30 * * * *", "Europe/Berlin", dst_policy::quartz_delta_shift, "2026-03-29T00:00:00+01:00",
       "2026-03-29T23:59:59+02:00", 46},
      {"0 */30 * * * *", "Europe/Berlin", dst_policy::cronos, "2026-10-25T00:00:00+02:00", "2026-10-25T23:59:59+01:00",
       50},
      // An interval only inside the gap hour (02:xx): one run at 03:00 (cronos), or each of them
      // shifted into 03:xx (quartz).
      {"0 */10 2 * * *", "Europe/Berlin", dst_policy::cronos, "2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z", 1},
      {"0 */10 2 * * *", "Europe/Berlin", dst_policy::quartz_delta_shift, "2026-03-29T00:00:00Z",
       "2026-03-29T12:00:00Z", 6},
      // Apia skipped 2011-12-30: that day's morning run happens at the end of the gap.
      {"0 0 9 * * *", "Pacific/Apia", dst_policy::cronos, "2011-12-28T00:00:00Z", "2012-01-01T00:00:00Z", 5},
  };
  for (const auto& e : examples) {
    const auto s = make(e.text, cron::dialect::cronos6, e.zone, e.policy);
    SCOPED_TRACE(std::string(e.text) + " in " + e.zone + " from " + e.from);
    EXPECT_EQ(walked(s, at(e.from), at(e.to)), e.count);
    EXPECT_EQ(cron::count_occurrences(s, at(e.from), at(e.to)).count, e.count);
  }
}

TEST(CronCount, AYearOfEverySecondIsCountedWithoutVisitingIt) {
  // 2026 in Berlin: the spring gap's hour and the autumn's repeated one cancel out.
  const auto berlin = make("* * * * * *", cron::dialect::cronos6, "Europe/Berlin");
  const auto year = cron::count_occurrences(berlin, at("2026-01-01T00:00:00+01:00"), at("2026-12-31T23:59:59+01:00"));
  EXPECT_EQ(year.count, 365u * 86400u);
  EXPECT_LE(year.steps, 4u);  // three zone periods and the gap-end question
  // The same with the quartz policy: the gap's 3,600 wall times are each looked at.
  const auto quartz = make("* * * * * *", cron::dialect::cronos6, "Europe/Berlin", dst_policy::quartz_delta_shift);
  const auto q = cron::count_occurrences(quartz, at("2026-01-01T00:00:00+01:00"), at("2026-12-31T23:59:59+01:00"));
  EXPECT_EQ(q.count, 365u * 86400u);
  EXPECT_LE(q.steps, 3u + 3600u);
  // Every second utc_time can represent, in UTC: one zone period.
  const auto utc = make("* * * * * *", cron::dialect::cronos6, "UTC");
  const auto all = cron::count_occurrences(utc, utc_time::min(), utc_time::max());
  const auto first = std::chrono::ceil<seconds>(utc_time::min()).time_since_epoch().count();
  const auto last = std::chrono::floor<seconds>(utc_time::max()).time_since_epoch().count();
  EXPECT_EQ(all.count, static_cast<std::uint64_t>(last - first + 1));
  EXPECT_EQ(all.steps, 1u);
  // Quartz's last day of each month, 1970..2199 by its year field, over the whole range.
  const auto month_ends = make("0 0 0 L * ? 1970-2199", cron::dialect::quartz, "America/New_York");
  EXPECT_EQ(cron::count_occurrences(month_ends, utc_time::min(), utc_time::max()).count, 230u * 12u);
}

TEST(CronCount, EmptyAndReversedRanges) {
  const auto s = make("0 0 * * * *", cron::dialect::cronos6, "UTC");
  EXPECT_EQ(cron::count_occurrences(s, at("2026-01-01T01:00:00Z"), at("2026-01-01T00:00:00Z")).count, 0u);
  EXPECT_EQ(cron::count_occurrences(s, at("2026-01-01T01:00:00Z"), at("2026-01-01T01:00:00Z")).count, 1u);
  EXPECT_EQ(cron::count_occurrences(s, at("2026-01-01T01:00:00.5Z"), at("2026-01-01T01:59:59.9Z")).count, 0u);
  const auto never = make("0 0 0 30 2 *", cron::dialect::cronos6, "UTC");
  EXPECT_EQ(cron::count_occurrences(never, utc_time::min(), utc_time::max()).count, 0u);
}

}  // namespace
