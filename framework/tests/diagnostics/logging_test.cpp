// Loggers stamped with the injected clock, derived per-service loggers, the null default, and
// the log capture used by tests.
#include "clockwork/diagnostics/logging.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/log_capture.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::utc_time;
using clockwork::virtual_runtime;
using clockwork::testing::log_capture;
using ::testing::HasSubstr;

// 2026-01-01T00:00:00Z, virtual_clock's default start.
using clockwork::test_support::start_utc;

task<> log_after(clockwork::runtime& rt, std::shared_ptr<spdlog::logger> log, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
  log->info("woke up");
}

using clockwork::test_support::fail_after;

TEST(Logging, LoggerStampsRecordsWithTheVirtualUtc) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", rt.clock(), {capture});

  rt.advance_by(90min);
  log->info("hello {}", 42);

  const auto records = capture->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].time, rt.clock().utc_now());
  EXPECT_EQ(records[0].time, start_utc + 90min);
  EXPECT_EQ(records[0].level, spdlog::level::info);
  EXPECT_EQ(records[0].logger, "svc");
  EXPECT_EQ(records[0].message, "hello 42");
}

TEST(Logging, StampsFollowWallClockChangesButNotSteadyTime) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", rt.clock(), {capture});

  rt.advance_by(1h);
  rt.jump_wall_clock(-5min);  // an NTP step back
  log->warn("after the step");
  rt.set_utc(start_utc + 24h);
  log->warn("after the set");

  const auto records = capture->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].time, start_utc + 55min);
  EXPECT_EQ(records[1].time, start_utc + 24h);
  EXPECT_EQ(rt.elapsed(), 1h);
}

TEST(Logging, CoroutineLogsCarryTheirOwnVirtualInstant) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", rt.clock(), {capture});
  rt.spawn(log_after(rt, log, 5min), "early");
  rt.spawn(log_after(rt, log, 20min), "late");

  rt.advance_by(1h);  // each coroutine resumes at its own deadline, not at the end of the advance

  const auto records = capture->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].time, start_utc + 5min);
  EXPECT_EQ(records[1].time, start_utc + 20min);
}

TEST(Logging, FilteredRecordsNeverReachTheSinks) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", rt.clock(), {capture});
  log->set_level(spdlog::level::warn);

  log->info("dropped");
  log->error("kept");

  EXPECT_EQ(capture->size(), 1u);
  EXPECT_TRUE(capture->contains(spdlog::level::err, "kept"));
  EXPECT_FALSE(capture->contains("dropped"));
}

TEST(Logging, NeverTouchesSpdlogsGlobalRegistry) {
  virtual_runtime rt;
  auto* const default_before = spdlog::default_logger_raw();
  auto capture = std::make_shared<log_capture>();

  auto root = clockwork::make_logger("clockwork_logging_test_root", rt.clock(), {capture});
  auto child = clockwork::logger_for(root, "clockwork_logging_test_child");
  auto null = clockwork::make_null_logger();
  rt.set_logger(root);
  root->info("x");
  child->info("y");
  null->info("z");

  EXPECT_EQ(spdlog::get("clockwork_logging_test_root"), nullptr);
  EXPECT_EQ(spdlog::get("clockwork_logging_test_child"), nullptr);
  EXPECT_EQ(spdlog::get("clockwork"), nullptr);
  EXPECT_EQ(spdlog::default_logger_raw(), default_before);
}

TEST(Logging, LoggerForSharesSinksAndClockUnderItsOwnName) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto root = clockwork::make_logger("app", rt.clock(), {capture});
  root->set_level(spdlog::level::debug);
  auto child = clockwork::logger_for(root, "daily_log");

  EXPECT_EQ(child->name(), "daily_log");
  EXPECT_EQ(child->level(), spdlog::level::debug);
  ASSERT_EQ(child->sinks().size(), 1u);
  EXPECT_EQ(child->sinks()[0], root->sinks()[0]);

  rt.advance_by(2h);
  child->debug("from the child");
  child->set_level(spdlog::level::err);  // independent of the parent from now on
  root->debug("from the root");

  const auto records = capture->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].logger, "daily_log");
  EXPECT_EQ(records[0].time, start_utc + 2h);  // the clock came along
  EXPECT_EQ(records[1].logger, "app");
  EXPECT_EQ(root->level(), spdlog::level::debug);

  // A grandchild keeps the clock too.
  auto grandchild = clockwork::logger_for(child, "daily_log.cleanup");
  rt.advance_by(1h);
  grandchild->error("from the grandchild");
  EXPECT_EQ(capture->records().back().time, start_utc + 3h);
}

TEST(Logging, LoggerForANullParentIsTheNullLogger) {
  auto log = clockwork::logger_for(nullptr, "svc");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->level(), spdlog::level::off);
  EXPECT_TRUE(log->sinks().empty());
}

TEST(Logging, NullLoggerIsTheRuntimesOffLevelDefault) {
  const auto null = clockwork::make_null_logger();
  EXPECT_EQ(null->name(), "clockwork");
  EXPECT_EQ(null->level(), spdlog::level::off);
  EXPECT_TRUE(null->sinks().empty());

  virtual_runtime rt;
  ASSERT_NE(rt.logger(), nullptr);
  EXPECT_EQ(rt.logger()->level(), spdlog::level::off);
  EXPECT_TRUE(rt.logger()->sinks().empty());

  auto capture = std::make_shared<log_capture>();
  rt.set_logger(clockwork::make_logger("rt", rt.clock(), {capture}));
  rt.set_logger(nullptr);  // back to the null default, not a null pointer
  ASSERT_NE(rt.logger(), nullptr);
  EXPECT_EQ(rt.logger()->level(), spdlog::level::off);
}

TEST(Logging, RuntimeReportsAFailedTaskThroughTheInjectedLoggerInVirtualTime) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  rt.set_logger(clockwork::make_logger("runtime", rt.clock(), {capture}));
  rt.spawn(fail_after(rt, 7min), "importer");

  rt.advance_by(10min);

  EXPECT_TRUE(capture->contains(spdlog::level::err, "detached task 'importer' failed: boom")) << capture->text();
  EXPECT_TRUE(capture->contains(spdlog::level::warn, "[unobserved_exception] importer")) << capture->text();
  for (const auto& record : capture->records()) EXPECT_EQ(record.time, start_utc + 7min);
}

TEST(Logging, LogFormatterPrintsTheRecordTimeInUtc) {
  virtual_runtime rt;
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(clockwork::make_log_formatter());
  auto log = clockwork::make_logger("svc", rt.clock(), {sink});

  rt.advance_by(1min + 250ms);
  log->info("hello");
  log->warn("careful");

  EXPECT_EQ(out.str(),
            "2026-01-01T00:01:00.250Z info     svc: hello\n"
            "2026-01-01T00:01:00.250Z warning  svc: careful\n");
}

TEST(LogCapture, HelpersQueryLevelsAndText) {
  virtual_runtime rt;
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", rt.clock(), {capture});
  log->set_level(spdlog::level::trace);

  log->debug("starting batch {}", 1);
  log->warn("batch {} is slow", 1);
  log->warn("batch {} is slow", 2);

  EXPECT_TRUE(capture->contains(spdlog::level::warn, "is slow"));
  EXPECT_FALSE(capture->contains(spdlog::level::err, "is slow"));
  EXPECT_TRUE(capture->contains("starting"));
  EXPECT_EQ(capture->count(spdlog::level::warn), 2u);
  EXPECT_EQ(capture->count(spdlog::level::debug), 1u);
  EXPECT_EQ(capture->count(spdlog::level::err), 0u);
  EXPECT_EQ(capture->text(),
            "2026-01-01T00:00:00.000Z debug svc: starting batch 1\n"
            "2026-01-01T00:00:00.000Z warning svc: batch 1 is slow\n"
            "2026-01-01T00:00:00.000Z warning svc: batch 2 is slow\n");

  capture->clear();
  EXPECT_EQ(capture->size(), 0u);
  EXPECT_FALSE(capture->contains("slow"));
}

TEST(LogCapture, KeepsEveryRecordFromConcurrentThreads) {
  // real_clock may be read from any thread, so a real-clock logger may log from several.
  const clockwork::real_clock clk("UTC");
  auto capture = std::make_shared<log_capture>();
  auto log = clockwork::make_logger("svc", clk, {capture});
  constexpr int per_thread = 1000;

  std::vector<std::jthread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([log, t] {
      for (int i = 0; i < per_thread; ++i) log->info("thread {} record {}", t, i);
    });
  }
  threads.clear();  // joins

  EXPECT_EQ(capture->size(), 2u * per_thread);
  EXPECT_EQ(capture->count(spdlog::level::info), 2u * per_thread);
  EXPECT_TRUE(capture->contains("thread 1 record 999"));
}

}  // namespace
