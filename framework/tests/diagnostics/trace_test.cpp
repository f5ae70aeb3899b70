// The trace: records from a real virtual_runtime run, filtering, validation, the text and
// JSON-lines renderings, golden files and the GoogleMock matchers.
#include "clockwork/diagnostics/trace.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/golden.hpp"
#include "clockwork/testing/golden_assertions.hpp"
#include "clockwork/testing/trace_matchers.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
namespace kind = clockwork::trace_kind;
using clockwork::steady_time;
using clockwork::task;
using clockwork::trace;
using clockwork::trace_record;
using clockwork::utc_time;
using clockwork::virtual_runtime;
using clockwork::testing::contains_in_order;
using clockwork::testing::has_field;
using clockwork::testing::has_record;
using clockwork::testing::is_record;
using clockwork::testing::kinds_of;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using clockwork::test_support::t0;
// 2026-01-01T00:00:00Z, virtual_clock's default start.
using clockwork::test_support::start_utc;

const std::filesystem::path golden_dir = CLOCKWORK_TRACE_GOLDEN_DIR;

// A scratch directory unique to this process, removed at the end of the test.
class scratch_dir {
 public:
  scratch_dir()
      : path_(std::filesystem::temp_directory_path() /
              ("clockwork_trace_test_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

using clockwork::test_support::fail_after;

task<> wait_for(clockwork::runtime& rt, std::chrono::nanoseconds d, std::stop_token stop) {
  co_await rt.delay(d, stop);
}

task<> daily_job(clockwork::runtime& rt, std::shared_ptr<spdlog::logger> log, std::stop_token stop) {
  for (int run = 1;; ++run) {
    co_await rt.delay(1h, stop);
    log->info("run {} removed {} rows", run, run * 10);
  }
}

task<> importer(clockwork::runtime& rt, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
  throw std::runtime_error("disk \"data\" is full");
}

clockwork::trace_options with_timers() {
  clockwork::trace_options options;
  options.record_timers = true;
  return options;
}

struct rendering {
  std::string text;
  std::string json;
};

// A small but varied run: a periodic service with its own logger, a detached task that fails,
// a wall-clock step, custom records, and a shutdown.
rendering run_scenario() {
  virtual_runtime rt;
  trace tr{rt.clock(), with_timers()};
  rt.set_observer(&tr);
  auto root = clockwork::make_logger("runtime", rt.clock(), {clockwork::make_trace_sink(tr)});
  rt.set_logger(root);
  std::stop_source stop;

  tr.record(kind::service_starting, "daily_log");
  rt.spawn(daily_job(rt, clockwork::logger_for(root, "daily_log"), stop.get_token()), "daily_log");
  tr.record(kind::service_started, "daily_log", {{"attempt", "1"}, {"note", "first run"}});
  rt.spawn(importer(rt, 90min), "importer");
  rt.advance_by(2h);
  rt.jump_wall_clock(-5min);
  rt.advance_by(1h + 30min);
  tr.record(kind::stop_requested, "host", {{"reason", "test over"}});
  stop.request_stop();
  rt.run_until_idle();
  tr.record(kind::service_stopped, "daily_log");

  rt.set_observer(nullptr);
  rt.set_logger(nullptr);
  return {clockwork::to_text(tr), clockwork::to_json_lines(tr)};
}

// ---- records from a run ----------------------------------------------------------------------

TEST(Trace, RecordsObserverEventsOfAFailingTaskInOrder) {
  virtual_runtime rt;
  trace tr{rt.clock(), with_timers()};
  rt.set_observer(&tr);
  rt.set_logger(clockwork::make_logger("runtime", rt.clock(), {clockwork::make_trace_sink(tr)}));

  rt.spawn(fail_after(rt, 1min), "worker");
  rt.advance_by(2min);

  const auto& records = tr.records();
  EXPECT_THAT(kinds_of(records),
              ElementsAre("task_spawned", "delay_armed", "delay_fired", "log", "log", "finding", "task_faulted"));
  ASSERT_EQ(records.size(), 7u);
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq, i + 1);

  EXPECT_EQ(records[0].source, "worker");
  EXPECT_EQ(records[0].steady, t0);
  EXPECT_THAT(records[1], AllOf(is_record(kind::delay_armed, "worker"), has_field("deadline", "+00:01:00.000")));
  EXPECT_EQ(records[1].steady, t0);
  EXPECT_EQ(records[2].steady, t0 + 1min);
  EXPECT_EQ(records[2].utc, start_utc + 1min);
  EXPECT_THAT(records[3], AllOf(is_record(kind::log, "runtime"), has_field("level", "error"),
                                has_field("message", "detached task 'worker' failed: boom")));
  EXPECT_THAT(records[4], has_field("level", "warning"));
  EXPECT_THAT(records[5], AllOf(is_record(kind::finding, "worker"), has_field("finding", "unobserved_exception")));
  EXPECT_THAT(records[6], AllOf(is_record(kind::task_faulted, "worker"), has_field("error", "boom")));
  EXPECT_EQ(records[6].steady, t0 + 1min);
  ASSERT_NE(records[6].field("id"), nullptr);
  EXPECT_EQ(*records[6].field("id"), *records[0].field("id"));
  rt.set_observer(nullptr);
  rt.set_logger(nullptr);
}

TEST(Trace, RecordsCanceledDelaysAndCanceledTasks) {
  virtual_runtime rt;
  trace tr{rt.clock(), with_timers()};
  rt.set_observer(&tr);
  std::stop_source stop;
  rt.spawn(wait_for(rt, 1h, stop.get_token()), "waiter");

  rt.advance_by(10min);
  stop.request_stop();
  rt.run_until_idle();

  EXPECT_THAT(kinds_of(tr.records()), ElementsAre("task_spawned", "delay_armed", "delay_canceled", "task_finished"));
  const auto canceled = tr.find(kind::delay_canceled, "waiter");
  ASSERT_EQ(canceled.size(), 1u);
  EXPECT_EQ(canceled[0].steady, t0 + 10min);
  EXPECT_EQ(*canceled[0].field("deadline"), "+01:00:00.000");
  EXPECT_THAT(tr.records(),
              Contains(AllOf(is_record(kind::task_finished, "waiter"), has_field("outcome", "canceled"))));
  rt.set_observer(nullptr);
}

TEST(Trace, TimersAreLeftOutUnlessAskedFor) {
  virtual_runtime rt;
  trace tr{rt.clock()};
  rt.set_observer(&tr);
  rt.spawn(wait_for(rt, 1min, {}), "waiter");
  rt.advance_by(1min);

  EXPECT_FALSE(tr.options().record_timers);
  EXPECT_THAT(kinds_of(tr.records()), ElementsAre("task_spawned", "task_finished"));
  EXPECT_THAT(tr.records(), Contains(has_field("outcome", "completed")));
  rt.set_observer(nullptr);
}

TEST(Trace, TimersWithoutAnOwnerNameADash) {
  virtual_runtime rt;
  trace tr{rt.clock(), with_timers()};
  tr.on_timer_armed(nullptr, t0 + 5s);
  ASSERT_EQ(tr.size(), 1u);
  EXPECT_EQ(tr.records()[0].source, "-");
  EXPECT_EQ(tr.records()[0].fields, (clockwork::trace_fields{{"deadline", "+00:00:05.000"}}));
}

TEST(Trace, RecordsFindingsTicksAndWallClockChanges) {
  virtual_runtime rt;
  trace tr{rt.clock()};
  rt.set_observer(&tr);

  rt.advance_by(1h);
  rt.jump_wall_clock(-5min);
  rt.report(clockwork::finding_kind::drift, "daily_log", "ran 2s late");
  tr.on_tick("daily_log.timer", t0 + 1h, 2);

  EXPECT_THAT(tr.records(), contains_in_order(AllOf(is_record(kind::clock_changed, "clock"),
                                                    has_field("change", "wall clock jumped by -00:05:00.000")),
                                              AllOf(is_record(kind::finding, "daily_log"),
                                                    has_field("finding", "drift"), has_field("message", "ran 2s late")),
                                              AllOf(is_record(kind::tick, "daily_log.timer"),
                                                    has_field("due", "+01:00:00.000"), has_field("coalesced", "2"))));
  EXPECT_EQ(tr.records()[0].utc, start_utc + 55min);  // recorded after the step
  rt.set_observer(nullptr);
}

// ---- record(), filtering and accessors -------------------------------------------------------

TEST(Trace, RecordKeepsFieldOrderAndNumbersRecords) {
  virtual_runtime rt;
  trace tr{rt.clock()};
  EXPECT_EQ(tr.record("custom.kind", "svc", {{"z", "1"}, {"a", "2"}, {"m", "3"}}), 1u);
  rt.advance_by(1s);
  EXPECT_EQ(tr.record(kind::service_started, "svc"), 2u);
  EXPECT_EQ(tr.record(kind::service_started, "other"), 3u);

  const auto& first = tr.records()[0];
  EXPECT_EQ(first.kind, "custom.kind");
  EXPECT_EQ(first.fields, (clockwork::trace_fields{{"z", "1"}, {"a", "2"}, {"m", "3"}}));
  EXPECT_EQ(*first.field("a"), "2");
  EXPECT_EQ(first.field("missing"), nullptr);
  EXPECT_EQ(tr.records()[1].steady, t0 + 1s);
  EXPECT_EQ(tr.records()[1].utc, start_utc + 1s);

  EXPECT_EQ(tr.count(kind::service_started), 2u);
  EXPECT_EQ(tr.count(kind::service_started, "other"), 1u);
  EXPECT_EQ(tr.find(kind::service_started, "other").at(0).seq, 3u);
  EXPECT_EQ(tr.find("custom.kind").size(), 1u);
  EXPECT_EQ(tr.snapshot(), tr.records());

  tr.clear();
  EXPECT_TRUE(tr.empty());
  EXPECT_EQ(tr.record(kind::service_stopped, "svc"), 4u);  // numbering continues
}

TEST(Trace, RecordRefusesMalformedKindsAndKeys) {
  virtual_runtime rt;
  trace tr{rt.clock()};
  EXPECT_THROW(tr.record("", "svc"), std::invalid_argument);
  EXPECT_THROW(tr.record("two words", "svc"), std::invalid_argument);
  EXPECT_THROW(tr.record("ok", "svc", {{"bad key", "v"}}), std::invalid_argument);
  EXPECT_THROW(tr.record("ok", "svc", {{"", "v"}}), std::invalid_argument);
  EXPECT_THROW(tr.record("ok", "svc", {{"k", "1"}, {"k", "2"}}), std::invalid_argument);
  EXPECT_TRUE(tr.empty());
  // Sources and values are free text.
  EXPECT_EQ(tr.record("ok", "a source with spaces", {{"k", "a value\nwith a newline"}}), 1u);
}

TEST(Trace, FilteredKindsAreNotRecorded) {
  virtual_runtime rt;
  clockwork::trace_options options;
  options.record_tasks = false;
  options.record_timers = false;
  options.ignore_kinds = {"log", "tick"};
  trace tr{rt.clock(), options};
  rt.set_observer(&tr);
  auto log = clockwork::make_logger("svc", rt.clock(), {clockwork::make_trace_sink(tr)});

  rt.spawn(wait_for(rt, 1min, {}), "waiter");
  rt.advance_by(1min);
  log->info("not recorded");
  tr.on_tick("timer", t0, 0);

  EXPECT_FALSE(tr.wants(kind::log));
  EXPECT_FALSE(tr.wants(kind::task_spawned));
  EXPECT_FALSE(tr.wants(kind::delay_fired));
  EXPECT_TRUE(tr.wants(kind::finding));
  EXPECT_EQ(tr.record(kind::log, "svc"), 0u);
  EXPECT_EQ(tr.record(kind::fault_injected, "svc"), 1u);
  EXPECT_THAT(kinds_of(tr.records()), ElementsAre("fault_injected"));
  rt.set_observer(nullptr);
}

TEST(Trace, LogSinkRecordsLoggerLevelAndMessageAndHonoursItsLevel) {
  virtual_runtime rt;
  trace tr{rt.clock()};
  auto sink = clockwork::make_trace_sink(tr);
  auto log = clockwork::make_logger("importer", rt.clock(), {sink});
  log->set_level(spdlog::level::debug);

  rt.advance_by(30s);
  log->info("imported {} rows", 12);
  sink->set_level(spdlog::level::warn);
  log->info("not recorded");
  log->error("failed");

  ASSERT_EQ(tr.size(), 2u);
  EXPECT_THAT(tr.records()[0], AllOf(is_record(kind::log, "importer"), has_field("level", "info"),
                                     has_field("message", "imported 12 rows")));
  EXPECT_EQ(tr.records()[0].steady, t0 + 30s);
  EXPECT_THAT(tr.records()[1], has_field("level", "error"));
}

TEST(Trace, OriginDefaultsToTheClockAtConstruction) {
  virtual_runtime rt;
  rt.advance_by(1h);
  trace late{rt.clock()};
  clockwork::trace_options options;
  options.origin = t0;
  trace pinned{rt.clock(), options};
  late.record("mark", "svc");
  pinned.record("mark", "svc");
  EXPECT_EQ(late.origin(), t0 + 1h);
  EXPECT_THAT(clockwork::to_text(late), StartsWith("+00:00:00.000  2026-01-01T01:00:00.000Z"));
  EXPECT_THAT(clockwork::to_text(pinned), StartsWith("+01:00:00.000  2026-01-01T01:00:00.000Z"));
}

TEST(Trace, RecordIsSafeFromConcurrentThreads) {
  const clockwork::real_clock clk("UTC");
  trace tr{clk};
  auto log = clockwork::make_logger("svc", clk, {clockwork::make_trace_sink(tr)});
  constexpr int per_thread = 1000;

  std::vector<std::jthread> threads;
  threads.emplace_back([&tr] {
    for (int i = 0; i < per_thread; ++i) tr.record("direct", "writer", {{"i", std::to_string(i)}});
  });
  threads.emplace_back([log] {
    for (int i = 0; i < per_thread; ++i) log->info("record {}", i);
  });
  threads.clear();  // joins

  const auto records = tr.snapshot();
  ASSERT_EQ(records.size(), 2u * per_thread);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, i + 1);
    if (i > 0) {
      EXPECT_LE(records[i - 1].steady, records[i].steady);  // numbered and stamped together
    }
  }
  EXPECT_EQ(tr.count("direct"), static_cast<std::size_t>(per_thread));
  EXPECT_EQ(tr.count(kind::log, "svc"), static_cast<std::size_t>(per_thread));
}

// ---- text ------------------------------------------------------------------------------------

trace_record make_record(clockwork::trace_fields fields, std::string source = "daily_log") {
  return {1, t0 + 1min, start_utc + 1min, std::move(source), std::string(kind::service_started), std::move(fields)};
}

TEST(TraceText, OneLineWithFixedColumns) {
  EXPECT_EQ(clockwork::format_record(make_record({{"key", "value"}, {"key2", "value with spaces"}}), t0),
            "+00:01:00.000  2026-01-01T00:01:00.000Z  daily_log         service_started    key=value "
            "key2=\"value with spaces\"");
  // No fields: the line ends with the kind, without trailing blanks.
  EXPECT_EQ(clockwork::format_record(make_record({}), t0),
            "+00:01:00.000  2026-01-01T00:01:00.000Z  daily_log         service_started");
  // Offsets are measured from the origin given, either side of it.
  EXPECT_THAT(clockwork::format_record(make_record({}), t0 + 2min), StartsWith("-00:01:00.000  "));
  // Wide columns push the rest of their line right.
  EXPECT_EQ(clockwork::format_record(make_record({{"k", "v"}}, "a_rather_long_source_name"), t0),
            "+00:01:00.000  2026-01-01T00:01:00.000Z  a_rather_long_source_name  service_started    k=v");
}

TEST(TraceText, QuotesAndEscapesWhatWouldBreakTheLine) {
  const auto line = clockwork::format_record(make_record({{"empty", ""},
                                                          {"quote", "say \"hi\""},
                                                          {"path", "C:\\tmp"},
                                                          {"lines", "a\nb\tc\r"},
                                                          {"ctl", std::string("x\x01y", 3)},
                                                          {"utf8", "caf\xc3\xa9"},
                                                          {"eq", "a=b"}},
                                                         "my service"),
                                             t0);
  EXPECT_EQ(
      line,
      "+00:01:00.000  2026-01-01T00:01:00.000Z  \"my service\"      service_started    empty=\"\" "
      "quote=\"say \\\"hi\\\"\" path=\"C:\\\\tmp\" lines=\"a\\nb\\tc\\r\" ctl=\"x\\x01y\" utf8=caf\xc3\xa9 eq=a=b");
}

TEST(TraceText, StreamingARecordPrintsItsNumberAndLine) {
  std::ostringstream out;
  out << make_record({{"k", "v"}});
  EXPECT_EQ(out.str(), "#1 +00:01:00.000  2026-01-01T00:01:00.000Z  daily_log         service_started    k=v");
}

TEST(TraceText, IdenticalRunsRenderByteIdenticalTraces) {
  const rendering first = run_scenario();
  const rendering second = run_scenario();
  EXPECT_FALSE(first.text.empty());
  EXPECT_EQ(first.text, second.text);
  EXPECT_EQ(first.json, second.json);
}

TEST(TraceText, ScenarioMatchesGoldenFile) {
  const rendering r = run_scenario();
  EXPECT_TRUE(clockwork::testing::matches_golden(r.text, golden_dir / "trace_scenario.txt"));
  EXPECT_TRUE(clockwork::testing::matches_golden(r.json, golden_dir / "trace_scenario.jsonl"));
}

// ---- JSON lines ------------------------------------------------------------------------------

TEST(TraceJson, LinesParseBackWithEveryField) {
  const rendering r = run_scenario();
  std::istringstream lines(r.json);
  std::string line;
  std::vector<nlohmann::ordered_json> parsed;
  while (std::getline(lines, line)) parsed.push_back(nlohmann::ordered_json::parse(line));
  ASSERT_FALSE(parsed.empty());
  EXPECT_EQ(parsed.size(), static_cast<std::size_t>(std::count(r.text.begin(), r.text.end(), '\n')));

  std::vector<std::string> keys;
  for (const auto& item : parsed[0].items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ElementsAre("seq", "offset_ns", "offset", "utc", "source", "kind", "fields"));

  for (std::size_t i = 0; i < parsed.size(); ++i) EXPECT_EQ(parsed[i]["seq"], i + 1);

  const auto started =
      std::find_if(parsed.begin(), parsed.end(), [](const auto& j) { return j["kind"] == "service_started"; });
  ASSERT_NE(started, parsed.end());
  EXPECT_EQ((*started)["source"], "daily_log");
  EXPECT_EQ((*started)["offset_ns"], 0);
  EXPECT_EQ((*started)["offset"], "+00:00:00.000");
  EXPECT_EQ((*started)["utc"], "2026-01-01T00:00:00.000Z");
  std::vector<std::string> field_keys;
  for (const auto& item : (*started)["fields"].items()) field_keys.push_back(item.key());
  EXPECT_THAT(field_keys, ElementsAre("attempt", "note"));
  EXPECT_EQ((*started)["fields"]["note"], "first run");

  const auto faulted =
      std::find_if(parsed.begin(), parsed.end(), [](const auto& j) { return j["kind"] == "task_faulted"; });
  ASSERT_NE(faulted, parsed.end());
  EXPECT_EQ((*faulted)["offset_ns"], std::chrono::nanoseconds(90min).count());
  EXPECT_EQ((*faulted)["fields"]["error"], "disk \"data\" is full");
  // Records without fields still carry an (empty) object.
  EXPECT_TRUE(parsed.back()["fields"].is_object());
}

TEST(TraceJson, ReadBackTheLinesRenderTheSameTraceByteForByte) {
  const rendering r = run_scenario();
  const auto records = clockwork::parse_json_lines(r.json);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(clockwork::to_json_lines(records, clockwork::steady_time{}), r.json);
  EXPECT_EQ(clockwork::to_text(records, clockwork::steady_time{}), r.text);
  // Another origin moves the steady times, never the offsets between them.
  const clockwork::steady_time later{std::chrono::hours(5)};
  EXPECT_EQ(clockwork::to_json_lines(clockwork::parse_json_lines(r.json, later), later), r.json);
}

TEST(TraceJson, ALineThatIsNotARecordIsNamedByItsNumber) {
  const std::string good = clockwork::to_json_line(make_record({{"a", "1"}}), t0);
  const auto message = [](const std::string& text) {
    try {
      clockwork::parse_json_lines(text);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message(good + "\n\n{not json\n"), HasSubstr("line 3: not a trace record"));
  EXPECT_THAT(message(good + "\n{\"seq\":2}\n"), HasSubstr("line 2"));
  std::string bad_utc = good;
  bad_utc.replace(bad_utc.find("\"utc\":\"") + 7, 4, "20x6");
  EXPECT_THAT(message(bad_utc), AllOf(HasSubstr("line 1"), HasSubstr("utc")));
  EXPECT_EQ(clockwork::parse_json_lines(good + "\n\n  \n").size(), 1u) << "blank lines are skipped";
}

TEST(TraceJson, InvalidUtf8IsReplacedNotThrown) {
  const auto line = clockwork::to_json_line(make_record({{"bytes", std::string("ab\xff", 3)}}), t0);
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["fields"]["bytes"], "ab\xef\xbf\xbd");
}

TEST(TraceJson, WriteHelpersWriteTheRenderings) {
  scratch_dir dir;
  virtual_runtime rt;
  trace tr{rt.clock()};
  tr.record(kind::service_started, "svc", {{"k", "v"}});
  rt.advance_by(1s);
  tr.record(kind::service_stopped, "svc");

  clockwork::write_text(tr, dir.path() / "trace.txt");
  clockwork::write_json_lines(tr, dir.path() / "trace.jsonl");
  clockwork::write_text(tr, dir.path() / "shifted.txt", t0 - 1s);
  EXPECT_EQ(read_file(dir.path() / "trace.txt"), clockwork::to_text(tr));
  EXPECT_EQ(read_file(dir.path() / "trace.jsonl"), clockwork::to_json_lines(tr));
  EXPECT_THAT(read_file(dir.path() / "shifted.txt"), StartsWith("+00:00:01.000"));
  EXPECT_THROW(clockwork::write_text(tr, dir.path() / "no" / "such" / "dir" / "t.txt"), std::runtime_error);
}

// ---- golden files ----------------------------------------------------------------------------

// Runs the comparisons below as if CLOCKWORK_UPDATE_GOLDEN were unset, whatever the caller set.
class golden_env {
 public:
  explicit golden_env(const char* value) {
    if (const char* old = std::getenv("CLOCKWORK_UPDATE_GOLDEN")) saved_ = old;
    if (value) {
      ::setenv("CLOCKWORK_UPDATE_GOLDEN", value, 1);
    } else {
      ::unsetenv("CLOCKWORK_UPDATE_GOLDEN");
    }
  }
  ~golden_env() {
    if (saved_) {
      ::setenv("CLOCKWORK_UPDATE_GOLDEN", saved_->c_str(), 1);
    } else {
      ::unsetenv("CLOCKWORK_UPDATE_GOLDEN");
    }
  }
  golden_env(const golden_env&) = delete;
  golden_env& operator=(const golden_env&) = delete;

 private:
  std::optional<std::string> saved_;
};

TEST(Golden, MismatchNamesTheFileAndTheFirstDifferingLines) {
  scratch_dir dir;
  const golden_env env(nullptr);
  const auto file = dir.path() / "g.txt";
  std::ofstream(file) << "one\ntwo\nthree\n";

  EXPECT_EQ(clockwork::testing::golden_mismatch("one\ntwo\nthree\n", file), std::nullopt);
  const auto diff = clockwork::testing::golden_mismatch("one\nTWO\nthree\nfour\n", file);
  ASSERT_TRUE(diff.has_value());
  EXPECT_THAT(*diff, HasSubstr(file.string()));
  EXPECT_THAT(*diff, HasSubstr("expected 3 lines, got 4"));
  EXPECT_THAT(*diff, HasSubstr("line 2:\n    expected: two\n    actual:   TWO\n"));
  EXPECT_THAT(*diff, HasSubstr("line 4:\n    expected: <no line>\n    actual:   four\n"));
  EXPECT_THAT(*diff, Not(HasSubstr("line 1:")));
  EXPECT_THAT(*diff, HasSubstr("CLOCKWORK_UPDATE_GOLDEN=1"));

  EXPECT_THAT(clockwork::testing::golden_mismatch("one\ntwo\nthree", file).value_or(""),
              HasSubstr("only the final newline differs"));
  EXPECT_FALSE(clockwork::testing::matches_golden("other\n", file));
}

TEST(Golden, MissingFileSaysHowToCreateIt) {
  scratch_dir dir;
  const golden_env env(nullptr);
  const auto diff = clockwork::testing::golden_mismatch("text\n", dir.path() / "absent.txt");
  ASSERT_TRUE(diff.has_value());
  EXPECT_THAT(*diff, HasSubstr("does not exist"));
  EXPECT_THAT(*diff, HasSubstr("CLOCKWORK_UPDATE_GOLDEN=1"));
}

TEST(Golden, UpdateModeRewritesTheFile) {
  scratch_dir dir;
  const auto file = dir.path() / "sub" / "g.txt";
  {
    const golden_env env("1");
    EXPECT_TRUE(clockwork::testing::updating_golden_files());
    EXPECT_EQ(clockwork::testing::golden_mismatch("fresh\n", file), std::nullopt);
  }
  EXPECT_EQ(read_file(file), "fresh\n");
  const golden_env env("0");
  EXPECT_FALSE(clockwork::testing::updating_golden_files());
  EXPECT_EQ(clockwork::testing::golden_mismatch("fresh\n", file), std::nullopt);
}

// ---- matchers --------------------------------------------------------------------------------

TEST(TraceMatchers, MatchKindSourceAndFields) {
  const std::vector<trace_record> records{
      {1, t0, start_utc, "daily_log", "service_started", {{"attempt", "1"}}},
      {2, t0 + 1s, start_utc + 1s, "importer", "log", {{"level", "error"}, {"message", "disk full"}}},
      {3, t0 + 2s, start_utc + 2s, "importer", "task_faulted", {{"error", "disk full"}}},
  };
  EXPECT_THAT(records, Contains(is_record("service_started", "daily_log")));
  EXPECT_THAT(records, has_record(kind::task_faulted, "importer"));
  EXPECT_THAT(records, has_record("log"));
  EXPECT_THAT(records, Not(has_record("service_started", "importer")));
  EXPECT_THAT(records, Contains(AllOf(is_record(kind::log), has_field("message", HasSubstr("disk")))));
  EXPECT_THAT(records[0], is_record(StartsWith("service_"), HasSubstr("daily")));
  EXPECT_THAT(records[0], Not(has_field("missing", "x")));

  EXPECT_THAT(records, contains_in_order(is_record("service_started"), is_record("task_faulted")));
  EXPECT_THAT(records, Not(contains_in_order(is_record("task_faulted"), is_record("service_started"))));
}

TEST(TraceMatchers, ExplainWhatIsMissing) {
  const std::vector<trace_record> records{
      {1, t0, start_utc, "a", "first", {}},
      {2, t0, start_utc, "a", "second", {{"k", "v"}}},
  };
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(
      ::testing::ExplainMatchResult(contains_in_order(is_record("second"), is_record("first")), records, &listener));
  EXPECT_THAT(listener.str(), HasSubstr("no record after #2 matches step 2"));

  ::testing::StringMatchResultListener field_listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(has_field("k", "w"), records[1], &field_listener));
  EXPECT_THAT(field_listener.str(), HasSubstr("whose field k is \"v\""));
  ::testing::StringMatchResultListener absent_listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(has_field("k", "v"), records[0], &absent_listener));
  EXPECT_THAT(absent_listener.str(), HasSubstr("which has no field k"));
}

}  // namespace
