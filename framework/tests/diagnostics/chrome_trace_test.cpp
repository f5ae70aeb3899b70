// to_chrome_trace: the Chrome trace event format, checked the way its viewers read it — one JSON
// object with traceEvents; metadata naming the process and a thread per source; every record an
// instant event with its fields; spans paired by service, task id, waiting task, job and epoch;
// timestamps in microseconds; hostile text kept valid JSON; the same bytes every time.
#include "clockwork/diagnostics/chrome_trace.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace clockwork {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const steady_time origin{std::chrono::hours(1000)};

trace_record at(std::chrono::nanoseconds offset, std::string source, std::string kind, trace_fields fields = {}) {
  static std::uint64_t seq = 0;
  trace_record r;
  r.seq = ++seq;
  r.steady = origin + offset;
  r.utc = utc_time{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}.time_since_epoch() + offset};
  r.source = std::move(source);
  r.kind = std::move(kind);
  r.fields = std::move(fields);
  return r;
}

json exported(const std::vector<trace_record>& records, const chrome_trace_options& options = {}) {
  return json::parse(to_chrome_trace(records, origin, options));
}

std::vector<json> events_with(const json& doc, const std::string& ph) {
  std::vector<json> out;
  for (const json& e : doc.at("traceEvents")) {
    if (e.at("ph") == ph) out.push_back(e);
  }
  return out;
}

TEST(ChromeTrace, IsOneObjectOfEventsEachWithTheFieldsViewersNeed) {
  const json doc = exported({at(0s, "importer", "service_starting"), at(1s, "importer", "run", {{"rows", "42"}}),
                             at(2s, "host", "stop_requested")});
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.at("displayTimeUnit"), "ms");
  for (const json& e : doc.at("traceEvents")) {
    EXPECT_TRUE(e.contains("name") && e.contains("ph") && e.contains("pid") && e.contains("tid")) << e.dump();
    EXPECT_EQ(e.at("pid"), 1);
    if (e.at("ph") != "M") {
      EXPECT_TRUE(e.at("ts").is_number()) << e.dump();
    }
  }
}

TEST(ChromeTrace, NamesTheProcessAndAThreadPerSourceInOrderOfAppearance) {
  const json doc = exported({at(0s, "b", "x"), at(1s, "a", "x"), at(2s, "b", "y")}, {"nightly import"});
  const auto meta = events_with(doc, "M");
  ASSERT_EQ(meta.size(), 5u);  // the process, and a name and a sort index per thread
  EXPECT_EQ(meta[0].at("name"), "process_name");
  EXPECT_EQ(meta[0].at("args").at("name"), "nightly import");
  EXPECT_EQ(meta[1].at("name"), "thread_name");
  EXPECT_EQ(meta[1].at("args").at("name"), "b");
  EXPECT_EQ(meta[1].at("tid"), 1);
  EXPECT_EQ(meta[3].at("args").at("name"), "a");
  EXPECT_EQ(meta[3].at("tid"), 2);
  EXPECT_EQ(meta[4].at("name"), "thread_sort_index");
  const auto instants = events_with(doc, "i");
  ASSERT_EQ(instants.size(), 3u);
  EXPECT_EQ(instants[2].at("tid"), 1) << "the same source, the same thread";
}

TEST(ChromeTrace, EveryRecordIsAnInstantWithItsFieldsSequenceAndUtc) {
  const json doc = exported({at(90s, "importer", "finding", {{"finding", "wait_ignores_stop"}, {"message", "m"}})});
  const auto instants = events_with(doc, "i");
  ASSERT_EQ(instants.size(), 1u);
  const json& e = instants[0];
  EXPECT_EQ(e.at("name"), "finding");
  EXPECT_EQ(e.at("cat"), "finding");
  EXPECT_EQ(e.at("s"), "t");
  EXPECT_EQ(e.at("ts"), 90'000'000);
  EXPECT_EQ(e.at("args").at("finding"), "wait_ignores_stop");
  EXPECT_EQ(e.at("args").at("message"), "m");
  EXPECT_TRUE(e.at("args").at("seq").is_number());
  EXPECT_EQ(e.at("args").at("utc"), "2026-01-01T00:01:30.000Z");
}

TEST(ChromeTrace, TimestampsAreMicrosecondsFractionalBelowOne) {
  const json doc = exported({at(1500ns, "s", "x"), at(2s, "s", "y"), at(-3us, "s", "z")});
  const auto instants = events_with(doc, "i");
  ASSERT_EQ(instants.size(), 3u);
  EXPECT_DOUBLE_EQ(instants[0].at("ts").get<double>(), 1.5);
  EXPECT_TRUE(instants[1].at("ts").is_number_integer());
  EXPECT_EQ(instants[1].at("ts"), 2'000'000);
  EXPECT_EQ(instants[2].at("ts"), -3) << "before the origin: negative, as the trace's offsets are";
}

TEST(ChromeTrace, AServicesLifeIsADurationOnItsThread) {
  const json doc = exported({at(0s, "importer", "service_starting"), at(1s, "importer", "service_started"),
                             at(9s, "importer", "service_stopped")});
  const auto begins = events_with(doc, "B");
  const auto ends = events_with(doc, "E");
  ASSERT_EQ(begins.size(), 1u) << "starting, then started: one span";
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(begins[0].at("ts"), 0);
  EXPECT_EQ(ends[0].at("ts"), 9'000'000);
  EXPECT_EQ(begins[0].at("tid"), ends[0].at("tid"));
  EXPECT_EQ(begins[0].at("name"), "service");
}

TEST(ChromeTrace, TasksWaitsAndJobAttemptsAreAsyncSpansPairedByTheirIds) {
  const json doc = exported({
      at(0s, "worker", "task_spawned", {{"id", "7"}}),
      at(1s, "worker", "delay_armed", {{"id", "7"}, {"deadline", "+00:00:03.000"}}),
      at(1s, "a", "job.claimed", {{"job", "12"}, {"epoch", "1"}, {"attempt", "1"}}),
      at(2s, "b", "job.claimed", {{"job", "12"}, {"epoch", "2"}, {"attempt", "2"}}),
      at(3s, "worker", "delay_fired", {{"id", "7"}, {"deadline", "+00:00:03.000"}}),
      at(4s, "b", "job.succeeded", {{"job", "12"}, {"epoch", "2"}}),
      at(5s, "a", "job.lease_lost", {{"job", "12"}, {"epoch", "1"}}),
      at(6s, "worker", "task_finished", {{"id", "7"}}),
      at(7s, "a", "job.claimed", {{"job", "13"}, {"epoch", "1"}, {"attempt", "1"}}),
      at(9s, "b", "job.rescued", {{"job", "13"}, {"epoch", "2"}, {"from", "a"}}),
  });
  const auto begins = events_with(doc, "b");
  const auto ends = events_with(doc, "e");
  ASSERT_EQ(begins.size(), 5u);
  ASSERT_EQ(ends.size(), 5u);
  const auto span = [&](const std::string& id) {
    std::pair<json, json> found;
    for (const json& e : begins) {
      if (e.at("id") == id) found.first = e.at("ts");
    }
    for (const json& e : ends) {
      if (e.at("id") == id) found.second = e.at("ts");
    }
    return found;
  };
  EXPECT_EQ(span("task-7"), std::make_pair(json(0), json(6'000'000)));
  EXPECT_EQ(span("job-12-2"), std::make_pair(json(2'000'000), json(4'000'000)));
  EXPECT_EQ(span("job-12-1"), std::make_pair(json(1'000'000), json(5'000'000)))
      << "the stale attempt ends where its write was refused";
  EXPECT_EQ(span("job-13-1"), std::make_pair(json(7'000'000), json(9'000'000)))
      << "a rescue (which names the epoch it bumped to) ends the attempt it took the job from";
  bool wait_found = false;
  for (const json& e : begins) {
    if (e.at("cat") == "wait") {
      wait_found = true;
      EXPECT_EQ(span(e.at("id").get<std::string>()), std::make_pair(json(1'000'000), json(3'000'000)));
    }
  }
  EXPECT_TRUE(wait_found);
  EXPECT_EQ(events_with(doc, "i").size(), 10u) << "every record is still there as an instant";
}

TEST(ChromeTrace, EndsWithoutABeginningDrawNoSpanAndUnfinishedSpansStayOpen) {
  const json doc = exported({at(0s, "a", "job.succeeded", {{"job", "1"}, {"epoch", "1"}}),
                             at(1s, "w", "task_spawned", {{"id", "3"}}), at(2s, "svc", "service_stopped")});
  EXPECT_EQ(events_with(doc, "e").size(), 0u);
  EXPECT_EQ(events_with(doc, "E").size(), 0u);
  EXPECT_EQ(events_with(doc, "b").size(), 1u) << "the run ended with the task still running";
}

TEST(ChromeTrace, HostileTextStaysValidJsonAndInvalidUtf8BecomesAReplacementCharacter) {
  const std::string hostile = "<img src=x onerror=alert(1)></script>\"quoted\"\\ \n\t";
  const std::string bad_utf8 = std::string("caf") + static_cast<char>(0xC3) + static_cast<char>(0x28);
  const json doc = exported({at(0s, hostile, "log", {{"message", hostile}, {"bytes", bad_utf8}})}, {bad_utf8});
  const auto instants = events_with(doc, "i");
  ASSERT_EQ(instants.size(), 1u);
  EXPECT_EQ(instants[0].at("args").at("message"), hostile);
  EXPECT_THAT(instants[0].at("args").at("bytes").get<std::string>(), ::testing::HasSubstr("\xEF\xBF\xBD"));
  EXPECT_EQ(events_with(doc, "M")[1].at("args").at("name"), hostile);
}

TEST(ChromeTrace, TheSameRecordsGiveTheSameBytes) {
  const std::vector<trace_record> records{at(0s, "a", "task_spawned", {{"id", "1"}}), at(1500ns, "a", "x"),
                                          at(2s, "a", "task_finished", {{"id", "1"}})};
  EXPECT_EQ(to_chrome_trace(records, origin), to_chrome_trace(records, origin));
}

TEST(ChromeTrace, WritesAFileAndNamesAPathItCannotWrite) {
  const auto dir = std::filesystem::temp_directory_path() / ("cw-chrome-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::vector<trace_record> records{at(0s, "a", "x")};
  write_chrome_trace(records, origin, dir / "run.trace.json");
  std::ifstream in(dir / "run.trace.json");
  EXPECT_TRUE(json::parse(in).contains("traceEvents"));
  try {
    write_chrome_trace(records, origin, dir / "missing" / "run.trace.json");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("missing/run.trace.json"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clockwork
