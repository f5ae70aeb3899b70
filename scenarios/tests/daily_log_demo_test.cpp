// The replay demo's DailyLog scenario: a month with the scripted faults ends consistent, with
// the exact counts the script implies, and the same every time.
#include "clockwork/scenarios/daily_log/daily_log_demo.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/diagnostics/trace_format.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::virtual_runtime;
using clockwork::scenarios::daily_log_demo_options;
using clockwork::scenarios::run_daily_log_demo;
using ::testing::HasSubstr;

TEST(DailyLogDemo, AMonthWithTheScriptedFaultsEndsConsistentAndEveryFailedRunIsRecovered) {
  virtual_runtime rt;
  clockwork::trace tr{rt.clock()};
  const auto report = run_daily_log_demo(rt, tr, {});
  EXPECT_TRUE(report.ok()) << report.consistency.summary() << "\n" << report.result.summary();
  EXPECT_EQ(report.users, 100u);
  EXPECT_EQ(report.active_users, 90u);
  // A run every 6 h from +1 min: 120 in 30 days (the 90 s of latency delays the later ones
  // only by as much).
  EXPECT_EQ(report.stats.runs, 120u);
  EXPECT_EQ(report.stats.failed, 6u);  // add #300, get_all_active #20-22, commit #41, one exists
  EXPECT_EQ(report.stats.succeeded, 114u);
  EXPECT_EQ(report.stats.consecutive_failures, 0u);
  EXPECT_EQ(report.stats.logs_created, 90u * 36u);  // 1 Jan .. 5 Feb
  EXPECT_EQ(report.faults.size(), 7u);
  EXPECT_EQ(report.units_begun, 120u);
  EXPECT_EQ(report.units_committed, 114u);
  EXPECT_EQ(report.units_forgotten, 0u);
  EXPECT_TRUE(report.findings.empty());
  EXPECT_EQ(report.simulated, std::chrono::days(30));
  EXPECT_EQ(report.stop_took, 0s);
  EXPECT_EQ(report.warnings.size(), 6u);  // one error per failed run
  EXPECT_EQ(tr.count(clockwork::trace_kind::fault_injected), 7u);
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(DailyLogDemo, WithoutFaultsEveryRunSucceeds) {
  virtual_runtime rt;
  clockwork::trace tr{rt.clock()};
  daily_log_demo_options options;
  options.length = std::chrono::days(3);
  options.users = 10;
  options.inject_faults = false;
  const auto report = run_daily_log_demo(rt, tr, options);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.stats.runs, 12u);
  EXPECT_EQ(report.stats.failed, 0u);
  EXPECT_EQ(report.stats.logs_created, 9u * 9u);  // 1 .. 9 Jan for 9 active users
  EXPECT_TRUE(report.faults.empty());
}

std::string demo_trace() {
  virtual_runtime rt;
  clockwork::trace tr{rt.clock()};
  daily_log_demo_options options;
  options.length = std::chrono::days(12);
  (void)run_daily_log_demo(rt, tr, options);
  return clockwork::to_json_lines(tr);
}

TEST(DailyLogDemo, TheSameDemoGivesTheSameTraceByteForByte) {
  const std::string first = demo_trace();
  EXPECT_THAT(first, HasSubstr("\"kind\":\"fault_injected\""));
  EXPECT_EQ(first, demo_trace());
}

TEST(DailyLogDemo, InvalidOptionsAreRefusedNamingTheField) {
  virtual_runtime rt;
  clockwork::trace tr{rt.clock()};
  daily_log_demo_options options;
  options.users = 0;
  try {
    (void)run_daily_log_demo(rt, tr, options);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("users must be at least 1"));
  }
}

}  // namespace
