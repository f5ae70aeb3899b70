// The clockwork-cron command, run in-process through run_cron_cli: output, exit status and
// messages for each kind of mistake.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "clockwork/schedule/iso8601.hpp"
#include "cron_cli.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

struct result {
  int status;
  std::string out;
  std::string err;
};

result run(std::vector<std::string> args, const char* now = "2026-06-01T12:00:00Z") {
  std::ostringstream out, err;
  const int status = clockwork::cli::run_cron_cli(args, out, err, clockwork::cron::parse_instant(now));
  return {status, out.str(), err.str()};
}

TEST(CronCli, PrintsTheNextOccurrencesWithTheZonesOffset) {
  const auto r = run({"next", "30 2 * * *", "--dialect", "standard", "--zone", "America/New_York", "--from",
                      "2016-03-13T00:00:00-05:00", "-n", "3"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "2016-03-13T03:00:00-04:00\n2016-03-14T02:30:00-04:00\n2016-03-15T02:30:00-04:00\n");
  EXPECT_EQ(r.err, "");
}

TEST(CronCli, DefaultFromIsNowAndDefaultCountIsOne) {
  const auto r = run({"next", "0 0 * * *", "-d", "cronos5", "-z", "UTC"}, "2026-06-01T12:00:00Z");
  EXPECT_EQ(r.out, "2026-06-02T00:00:00+00:00\n");
}

TEST(CronCli, InclusiveAndFractionalFrom) {
  EXPECT_EQ(
      run({"next", "* * * * * *", "-d", "seconds", "-z", "UTC", "--from", "2020-01-01T00:00:00Z", "--inclusive"}).out,
      "2020-01-01T00:00:00+00:00\n");
  EXPECT_EQ(run({"next", "* * * * * *", "-d", "seconds", "-z", "UTC", "--from", "2017-03-30T23:59:59.9999999+02:00",
                 "--inclusive"})
                .out,
            "2017-03-30T22:00:00+00:00\n");
}

TEST(CronCli, PrevListsLatestFirst) {
  const auto r = run(
      {"prev", "0 30 2 * * ?", "-d", "quartz", "-z", "America/New_York", "--from", "2024-03-12T00:00:00Z", "-n", "3"});
  EXPECT_EQ(r.out, "2024-03-11T02:30:00-04:00\n2024-03-10T03:30:00-04:00\n2024-03-09T02:30:00-05:00\n");
}

TEST(CronCli, TheDstPolicyFollowsTheDialectUnlessGiven) {
  const std::vector<std::string> base{
      "next", "0 30 2 * * *", "-z", "America/New_York", "--from", "2016-03-13T00:00:00-05:00"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args).out;
  };
  EXPECT_EQ(with({"-d", "seconds"}), "2016-03-13T03:00:00-04:00\n");
  EXPECT_EQ(with({"-d", "seconds", "--dst-policy", "quartz"}), "2016-03-13T03:30:00-04:00\n");
  EXPECT_EQ(
      run({"next", "0 30 2 * * ?", "-d", "quartz", "-z", "America/New_York", "--from", "2016-03-13T00:00:00-05:00"})
          .out,
      "2016-03-13T03:30:00-04:00\n");
  EXPECT_EQ(run({"next", "0 30 2 * * ?", "-d", "quartz", "-z", "America/New_York", "--from",
                 "2016-03-13T00:00:00-05:00", "-p", "cronos"})
                .out,
            "2016-03-13T03:00:00-04:00\n");
}

TEST(CronCli, ExplainDescribesTheExpressionAndEachDstEffect) {
  const auto r = run({"next", "30 2 * * *", "--dialect", "standard", "--zone", "Europe/Berlin", "--from",
                      "2026-03-29T00:00:00+01:00", "-n", "2", "--explain"});
  EXPECT_EQ(r.out,
            "30 2 * * *: at 02:30 (cronos5 in Europe/Berlin, DST policy cronos)\n"
            "2026-03-29T03:00:00+02:00\n"
            "  02:30 does not exist on 2026-03-29 in Europe/Berlin (the clocks jump from 02:00 to 03:00): runs at "
            "03:00, the first instant after the gap\n"
            "2026-03-30T02:30:00+02:00\n");
}

TEST(CronCli, NoneWhenThereAreNoMoreOccurrences) {
  EXPECT_EQ(run({"next", "0 0 0 1 1 ? 2030-2031", "-d", "quartz", "-z", "UTC", "-n", "3"}).out,
            "2030-01-01T00:00:00+00:00\n2031-01-01T00:00:00+00:00\nnone\n");
  EXPECT_EQ(run({"next", "0 0 0 1 1 ? 2030-2031", "-d", "quartz", "-z", "UTC", "-n", "3"}).status, 0)
      << "fewer occurrences than asked for is still a listing";
}

TEST(CronCli, ALineThatNeverMatchesExitsWithStatusOne) {
  const auto never = run({"next", "0 0 30 2 *", "-d", "standard", "-z", "UTC"});
  EXPECT_EQ(never.status, 1);
  EXPECT_EQ(never.out, "none\n");
  EXPECT_EQ(never.err, "");
  EXPECT_EQ(run({"prev", "0 0 0 1 1 ? 2030", "-d", "quartz", "-z", "UTC", "--from", "2029-06-01T00:00:00Z"}).status, 1)
      << "nothing before --from";
  EXPECT_EQ(run({"next", "0 0 0 1 1 ? 2030", "-d", "quartz", "-z", "UTC", "--from", "2031-06-01T00:00:00Z"}).status, 1)
      << "nothing after --from";
  const auto explained = run({"next", "0 0 30 2 *", "-z", "UTC", "--explain"});
  EXPECT_EQ(explained.status, 1);
  EXPECT_THAT(explained.out, ::testing::EndsWith("\nnone\n"));
}

TEST(CronCli, TheZoneIsUtcByDefaultAndUtcInAnyCase) {
  for (const std::vector<std::string>& zone :
       {std::vector<std::string>{}, {"-z", "UTC"}, {"-z", "utc"}, {"--zone", "Utc"}}) {
    std::vector<std::string> args{"next", "0 0 * * *", "-d", "cronos5"};
    args.insert(args.end(), zone.begin(), zone.end());
    const auto r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "2026-06-02T00:00:00+00:00\n");
  }
  EXPECT_THAT(run({"next", "0 0 * * *", "-z", "utc", "--explain"}).out, HasSubstr("(cronos5 in UTC,"));
}

TEST(CronCli, TheDialectFollowsTheNumberOfFieldsUnlessGiven) {
  const auto five = run({"next", "30 2 * * *", "--explain"});
  EXPECT_EQ(five.status, 0) << five.err;
  EXPECT_EQ(five.out, "30 2 * * *: at 02:30 (cronos5 in UTC, DST policy cronos)\n2026-06-02T02:30:00+00:00\n");
  const auto six = run({"next", "15 30 2 * * *", "--explain"});
  EXPECT_EQ(six.status, 0) << six.err;
  EXPECT_THAT(six.out, HasSubstr("(cronos6 in UTC, DST policy cronos)"));
  EXPECT_THAT(six.out, HasSubstr("2026-06-02T02:30:15+00:00"));
  EXPECT_EQ(run({"next", "@daily"}).out, "2026-06-02T00:00:00+00:00\n");
  // Quartz only when asked: its day 1 is Sunday, cronos6's Monday.
  EXPECT_EQ(run({"next", "0 0 12 ? * 1"}).out, "2026-06-08T12:00:00+00:00\n");
  EXPECT_EQ(run({"next", "0 0 12 ? * 1", "-d", "quartz"}).out, "2026-06-07T12:00:00+00:00\n");
  const auto seven = run({"next", "0 30 2 * * ? 2030"});
  EXPECT_EQ(seven.status, 2);
  EXPECT_THAT(seven.err, HasSubstr("give --dialect cronos5, cronos6 or quartz"));
  EXPECT_EQ(run({"next", "0 30 2 * * ? 2030", "-d", "quartz"}).out, "2030-01-01T02:30:00+00:00\n");
}

TEST(CronCli, ErrorsCarryTheCommandsPrefixOnce) {
  const auto zone = run({"next", "* * * * *", "-z", "Mars/Base"});
  EXPECT_EQ(zone.status, 2);
  EXPECT_THAT(zone.err, StartsWith("clockwork-cron: unknown time zone 'Mars/Base'"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"next", "* * * * *", "-z", "Mars/Base"},
           {"next", "* * * * *", "--from", "yesterday"},
           {"next", "0 30 24 * * *"},
           {"next", "* * * * *", "-d", "posix"},
       }) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, StartsWith("clockwork-cron: "));
    EXPECT_THAT(r.err, Not(HasSubstr("clockwork-cron: clockwork"))) << r.err;
  }
}

TEST(CronCli, DialectAliases) {
  for (const char* d : {"cronos5", "standard", "STANDARD", "5", "unix"}) {
    EXPECT_EQ(run({"next", "0 0 * * *", "-d", d, "-z", "UTC"}).status, 0) << d;
  }
  for (const char* d : {"cronos6", "seconds", "6", "quartz", "Quartz.NET"}) {
    EXPECT_EQ(run({"next", "0 0 0 * * ?", "-d", d, "-z", "UTC"}).status, 0) << d;
  }
}

TEST(CronCli, AnInvalidExpressionNamesFieldAndColumnWithACaret) {
  const auto r = run({"next", "0 30 24 * * *", "-d", "seconds", "-z", "UTC"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "clockwork-cron: field 3 (hour): 24 is out of range 0\u201323 (column 6)\n"
            "  0 30 24 * * *\n"
            "       ^\n");
}

TEST(CronCli, MistakesExitWithStatusTwo) {
  const std::vector<std::pair<std::vector<std::string>, const char*>> cases = {
      {{"next", "* * * * *", "-d", "standard", "-z", "Mars/Base"}, "unknown time zone 'Mars/Base'"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "--from", "yesterday"},
       "--from: 'yesterday' is not an ISO-8601 instant"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "--from", "2016-03-13T03:00:00"}, "missing UTC offset"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "--from", "9999-01-01T00:00:00Z"}, "outside the range"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "-n", "0"}, "-n must be between 1 and 100000 (got 0)"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "-n", "-3"}, "-n must be between 1 and 100000 (got -3)"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "-n", "100001"}, "(got 100001)"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "-n", "many"}, "clockwork-cron:"},
      {{"next", "* * * * *", "-d", "posix", "-z", "UTC"}, "unknown dialect 'posix'"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "-p", "skip"}, "unknown DST policy 'skip'"},
      {{"next", "* * * *", "-z", "UTC"}, "expected 5 fields"},
      {{"next", "-d", "standard", "-z", "UTC"}, "expression is required"},
      {{"later", "* * * * *"}, "clockwork-cron:"},
      {{}, "clockwork-cron:"},
      {{"next", "* * * * *", "-d", "standard", "-z", "UTC", "--bogus"}, "clockwork-cron:"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 2) << message;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(r.out, "") << message;
  }
}

TEST(CronCli, HelpGoesToStandardOutput) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("next"));
  const auto sub = run({"next", "--help"});
  EXPECT_EQ(sub.status, 0);
  EXPECT_THAT(sub.out, HasSubstr("--dialect"));
}

}  // namespace
