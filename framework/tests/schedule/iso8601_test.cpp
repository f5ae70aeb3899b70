// ISO-8601 instants with an explicit offset: the format of the vectors and of clockwork-cron.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "clockwork/schedule/iso8601.hpp"

namespace {

namespace cron = clockwork::cron;
using clockwork::utc_time;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

utc_time utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(Iso8601, ParsesOffsetsAndFractions) {
  EXPECT_EQ(cron::parse_instant("2016-03-13T03:00:00-04:00"), utc(2016, 3, 13, 7, 0, 0));
  EXPECT_EQ(cron::parse_instant("2016-03-13T07:00:00Z"), utc(2016, 3, 13, 7, 0, 0));
  EXPECT_EQ(cron::parse_instant("2016-03-13t07:00:00z"), utc(2016, 3, 13, 7, 0, 0));
  EXPECT_EQ(cron::parse_instant("2017-03-30T23:59:59.9999999+02:00"), utc(2017, 3, 30, 21, 59, 59) + 999999900ns);
  EXPECT_EQ(cron::parse_instant("2017-03-30T23:59:59.123456789+0200"), utc(2017, 3, 30, 21, 59, 59) + 123456789ns);
  EXPECT_EQ(cron::parse_instant("2019-10-06T02:45:00+10:30"), utc(2019, 10, 5, 16, 15, 0));
  EXPECT_EQ(cron::parse_instant("1960-01-01T00:00:00.5Z"), utc(1960, 1, 1, 0, 0, 0) + 500ms);
  EXPECT_EQ(cron::parse_instant("2024-02-29T00:00:00+14"), utc(2024, 2, 28, 10, 0, 0));
}

TEST(Iso8601, RefusesWhatIsNotAnInstant) {
  for (const char* bad : {"2016-03-13T03:00:00", "2016-03-13 03:00:00Z", "2016-3-13T03:00:00Z", "2016-02-30T00:00:00Z",
                          "2016-03-13T24:00:00Z", "2016-03-13T03:00:00.Z", "2016-03-13T03:00:00.1234567890Z",
                          "2016-03-13T03:00:00+25:00", "2016-03-13T03:00:00Z junk", "", "now"}) {
    EXPECT_THROW((void)cron::parse_instant(bad), std::invalid_argument) << bad;
  }
  try {
    (void)cron::parse_instant("2016-03-13T03:00:00");
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing UTC offset"));
  }
}

TEST(Iso8601, RefusesInstantsOutsideUtcTime) {
  EXPECT_THROW((void)cron::parse_instant("9999-12-31T23:59:59Z"), std::out_of_range);
  EXPECT_THROW((void)cron::parse_instant("1600-01-01T00:00:00Z"), std::out_of_range);
  EXPECT_NO_THROW((void)cron::parse_instant("2262-04-11T23:47:16.854775807Z"));
  EXPECT_THROW((void)cron::parse_instant("2262-04-11T23:47:16.854775808Z"), std::out_of_range);
}

TEST(Iso8601, FormatsInTheZonesOffset) {
  const auto& ny = clockwork::find_zone("America/New_York");
  EXPECT_EQ(cron::format_instant(utc(2016, 3, 13, 7, 0, 0), ny), "2016-03-13T03:00:00-04:00");
  EXPECT_EQ(cron::format_instant(utc(2016, 3, 13, 6, 59, 59), ny), "2016-03-13T01:59:59-05:00");
  EXPECT_EQ(cron::format_instant(utc(2016, 3, 13, 7, 0, 0) + 250ms, clockwork::find_zone("UTC")),
            "2016-03-13T07:00:00.25+00:00");
  EXPECT_EQ(cron::format_instant(utc(2019, 10, 5, 16, 15, 0), clockwork::find_zone("Australia/Lord_Howe")),
            "2019-10-06T03:15:00+11:00");
  // Local mean time before zones had round offsets: Amsterdam was +00:19:32.
  EXPECT_EQ(cron::format_instant(utc(1900, 1, 1, 0, 0, 0), clockwork::find_zone("Europe/Amsterdam")),
            "1900-01-01T00:19:32+00:19:32");
}

TEST(Iso8601, FormatsTheEndsOfUtcTime) {
  const auto& utc = clockwork::find_zone("UTC");
  EXPECT_EQ(cron::format_instant(utc_time::min(), utc), "1677-09-21T00:12:43.145224192+00:00");
  EXPECT_EQ(cron::format_instant(utc_time::max(), utc), "2262-04-11T23:47:16.854775807+00:00");
  EXPECT_EQ(cron::parse_instant(cron::format_instant(utc_time::min(), utc)), utc_time::min());
}

TEST(Iso8601, RoundTrips) {
  const auto& z = clockwork::find_zone("Pacific/Apia");
  for (const utc_time t :
       {utc(2011, 12, 30, 9, 59, 59), utc(2011, 12, 30, 10, 0, 0), utc(2011, 12, 30, 10, 0, 0) + 1ns}) {
    EXPECT_EQ(cron::parse_instant(cron::format_instant(t, z)), t);
  }
}

}  // namespace
