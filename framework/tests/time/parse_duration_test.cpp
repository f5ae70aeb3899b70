// parse_duration: what people write on a command line, and clear refusals of the rest.
#include "clockwork/time/parse_duration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>

namespace {

using namespace std::chrono_literals;
using clockwork::parse_duration;
using ::testing::HasSubstr;

TEST(ParseDuration, ReadsEveryUnitAndCompounds) {
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_EQ(parse_duration("3h"), 3h);
  EXPECT_EQ(parse_duration("5min"), 5min);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("10us"), 10us);
  EXPECT_EQ(parse_duration("7ns"), 7ns);
  EXPECT_EQ(parse_duration("0s"), 0ns);
  EXPECT_EQ(parse_duration("1h30min"), 90min);
  EXPECT_EQ(parse_duration("1d2h3min4s5ms"), 24h + 2h + 3min + 4s + 5ms);
}

TEST(ParseDuration, RefusesWhatItCannotReadAndSaysWhy) {
  const auto refused = [](const std::string& text, const std::string& why) {
    try {
      (void)parse_duration(text);
      ADD_FAILURE() << "'" << text << "' was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(why)) << text;
      EXPECT_THAT(e.what(), HasSubstr("units: d h min s ms us ns")) << text;
    }
  };
  refused("", "it is empty");
  refused("30", "has no unit");
  refused("30m", "unknown unit at 'm'");
  refused("1.5s", "fractions are not accepted");
  refused("-5s", "no sign");
  refused("s", "expected a number");
  refused("10s ", "expected a number at ' '");
  refused("107000d", "too large");
  refused("9223372036854775808ns", "too large");
}

TEST(ParseDuration, TheLargestValueStillFits) {
  EXPECT_EQ(parse_duration("9223372036854775807ns").count(), std::numeric_limits<std::int64_t>::max());
}

}  // namespace

TEST(CompactDuration, IsTheShortestTextThatParsesBack) {
  using clockwork::compact_duration;
  EXPECT_EQ(compact_duration(std::chrono::seconds(650700)), "7d12h45min");
  EXPECT_EQ(compact_duration(std::chrono::milliseconds(1500)), "1s500ms");
  EXPECT_EQ(compact_duration(std::chrono::nanoseconds(0)), "0s");
  EXPECT_EQ(compact_duration(std::chrono::nanoseconds(40668750000000)), "11h17min48s750ms");
  for (const std::int64_t ns : std::initializer_list<std::int64_t>{1, 999, 1'000'001, 86'400'000'000'001,
                                                                   std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(parse_duration(compact_duration(std::chrono::nanoseconds(ns))).count(), ns) << ns;
  }
  EXPECT_THROW((void)compact_duration(std::chrono::nanoseconds(-1)), std::invalid_argument);
}
