// recent_history: a bounded ring of a runtime's recent events, with per-source summaries that
// outlive it. Virtual time: every instant is exact.
#include "clockwork/diagnostics/recent_history.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "clockwork/diagnostics/observer_fanout.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;

recent_history_options room(std::size_t capacity, std::size_t max_sources = 1000) {
  recent_history_options o;
  o.capacity = capacity;
  o.max_sources = max_sources;
  return o;
}

TEST(RecentHistory, KeepsTheLastRecordsAndSummariesThatOutliveThem) {
  virtual_runtime rt;
  recent_history recent{rt.clock(), room(3)};
  rt.set_observer(&recent);
  for (int i = 0; i < 5; ++i) {
    rt.emit(trace_kind::run, "importer", {{"n", std::to_string(i)}});
    rt.advance_by(1min);
  }
  const auto kept = recent.records();
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(*kept.front().field("n"), "2");  // the oldest two were dropped
  EXPECT_EQ(*kept.back().field("n"), "4");
  EXPECT_EQ(kept.back().seq, 5u);
  EXPECT_EQ(recent.dropped_records(), 2u);
  const auto s = recent.summary_of("importer");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->runs, 5u);
  EXPECT_EQ(*s->last_run, kept.back().utc);
  EXPECT_EQ(kept.back().steady - kept.front().steady, 2min);
  rt.set_observer(nullptr);
}

TEST(RecentHistory, FindingsAndClockChangesComeInTheShapesOfATrace) {
  virtual_runtime rt;
  trace_options no_tasks;
  no_tasks.record_tasks = false;
  trace tr{rt.clock(), no_tasks};
  recent_history recent{rt.clock()};
  observer_fanout both;
  both.add(tr);
  both.add(recent);
  rt.set_observer(&both);
  rt.report(finding_kind::blocking_call, "importer", "a slice ran 2 s");
  rt.jump_wall_clock(-5min);
  const auto kept = recent.records();
  ASSERT_EQ(kept.size(), tr.records().size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].kind, tr.records()[i].kind);
    EXPECT_EQ(kept[i].source, tr.records()[i].source);
    EXPECT_EQ(kept[i].fields, tr.records()[i].fields);
    EXPECT_EQ(kept[i].utc, tr.records()[i].utc);
  }
  const auto s = recent.summary_of("importer");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->findings, 1u);
  EXPECT_EQ(s->last_finding, "blocking_call: a slice ran 2 s");
  rt.set_observer(nullptr);
}

TEST(RecentHistory, IgnoredKindsAreNeitherKeptNorSummarised) {
  virtual_runtime rt;
  recent_history recent{rt.clock(), {.ignore_kind_prefixes = {"job."}}};
  rt.set_observer(&recent);
  rt.emit("job.heartbeat", "worker");
  rt.emit("service_started", "worker");
  ASSERT_EQ(recent.records().size(), 1u);
  EXPECT_EQ(recent.records()[0].kind, "service_started");
  EXPECT_EQ(recent.summary_of("worker")->last_kind, "service_started");
  rt.set_observer(nullptr);
}

TEST(RecentHistory, SourcesPastTheLimitAreCountedNotSummarised) {
  virtual_runtime rt;
  recent_history recent{rt.clock(), room(2000, 2)};
  rt.set_observer(&recent);
  for (const char* source : {"a", "b", "c", "a"}) rt.emit(trace_kind::run, source);
  EXPECT_EQ(recent.summaries().size(), 2u);
  EXPECT_EQ(recent.summary_of("a")->runs, 2u);
  EXPECT_FALSE(recent.summary_of("c"));
  EXPECT_EQ(recent.dropped_sources(), 1u);
  EXPECT_EQ(recent.records_of("c").size(), 1u);  // the ring still has its record
  rt.set_observer(nullptr);
}

TEST(RecentHistory, NoRoomIsRefused) {
  virtual_runtime rt;
  EXPECT_THROW(recent_history(rt.clock(), room(0)), std::invalid_argument);
  EXPECT_THROW(recent_history(rt.clock(), room(10, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace clockwork
