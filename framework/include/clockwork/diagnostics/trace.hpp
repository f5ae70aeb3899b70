// clockwork::trace — the ordered record of everything observable that happened in a run.
//
// A trace is a list of records. Each has a sequence number, the steady and UTC time at which
// it was recorded (read from the injected clock), a source (the service, task or component
// concerned), a kind (service_started, delay_fired, log, finding, ... or any kind of your own)
// and fields: key/value strings in the order they were given. Rendered by trace_format.hpp as
// text (one aligned line per record, for golden files and eyes) or JSON lines (for tools).
//
// The trace is a runtime_observer: installed on a runtime it records tasks spawned and
// finished, timers armed, fired and canceled, periodic ticks, findings and wall-clock changes.
// make_trace_sink() turns every log record into a trace record, and the host records service
// lifecycle events with record(). On a virtual_runtime, the same test run twice produces the
// same trace, byte for byte.
//
// Example:
//
//   // test:
//   clockwork::virtual_runtime rt;
//   clockwork::trace tr{rt.clock()};
//   rt.set_observer(&tr);
//   rt.set_logger(clockwork::make_logger("runtime", rt.clock(), {clockwork::make_trace_sink(tr)}));
//   rt.spawn(importer(rt, stop), "importer");
//   rt.advance_by(std::chrono::hours(1));
//   EXPECT_EQ(tr.count(clockwork::trace_kind::task_faulted), 0u);
//   std::cout << clockwork::to_text(tr);
//   // production: the same trace on a real_runtime, written out for later inspection:
//   clockwork::trace_options quiet;
//   quiet.record_tasks = false;
//   clockwork::trace tr{rt.clock(), quiet};
//   ...
//   clockwork::write_json_lines(tr, "run.jsonl");
//
// Contract:
//   - Records are numbered 1, 2, 3, ... in the order record() was entered; numbers are never
//     reused, not even after clear(). Times are read under the same lock that numbers the
//     record, so sequence order is time order.
//   - Kinds and field keys are words: one or more of [A-Za-z0-9_.:-]. Keys within a record are
//     unique. record() throws std::invalid_argument otherwise. Sources and values are any text.
//   - Filtered kinds (trace_options) are not recorded; record() then returns 0.
//   - Thread safety: record() and the observer hooks may be called from any thread, as may
//     snapshot(), size(), find(), count() and clear(). records() returns a reference into the
//     trace: read it (and render the trace) only while nothing records, e.g. after a
//     real_runtime's run() returned, or on the thread driving a virtual_runtime.
//   - The clock must outlive the trace; the trace must outlive the runtime it observes (or be
//     detached with set_observer(nullptr)). Loggers holding its sink may outlive it: once the
//     trace is destroyed, their records are dropped.
#pragma once

#include <cstdint>
#include <exception>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/sinks/sink.h>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/diagnostics/trace_fields.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

// The kinds clockwork itself records. Any other word is a valid custom kind.
namespace trace_kind {
inline constexpr std::string_view service_starting = "service_starting";
inline constexpr std::string_view service_started = "service_started";
inline constexpr std::string_view service_stopping = "service_stopping";
inline constexpr std::string_view service_stopped = "service_stopped";
inline constexpr std::string_view service_faulted = "service_faulted";
inline constexpr std::string_view service_restarted = "service_restarted";
inline constexpr std::string_view task_spawned = "task_spawned";
inline constexpr std::string_view task_finished = "task_finished";
inline constexpr std::string_view task_faulted = "task_faulted";
inline constexpr std::string_view delay_armed = "delay_armed";
inline constexpr std::string_view delay_fired = "delay_fired";
inline constexpr std::string_view delay_canceled = "delay_canceled";
inline constexpr std::string_view tick = "tick";
inline constexpr std::string_view log = "log";
inline constexpr std::string_view finding = "finding";
inline constexpr std::string_view fault_injected = "fault_injected";
inline constexpr std::string_view clock_changed = "clock_changed";
inline constexpr std::string_view stop_requested = "stop_requested";
inline constexpr std::string_view run = "run";  // a service says it did one unit of its scheduled work
}  // namespace trace_kind

struct trace_record {
  std::uint64_t seq = 0;
  steady_time steady{};
  utc_time utc{};
  std::string source;
  std::string kind;
  trace_fields fields;

  // The value of field key, or null.
  const std::string* field(std::string_view key) const noexcept;
  friend bool operator==(const trace_record&, const trace_record&) = default;
};

// "#seq offset-from-steady-epoch utc source kind fields": what test failures print.
std::ostream& operator<<(std::ostream& out, const trace_record& record);

struct trace_options {
  // task_spawned, task_finished, task_faulted.
  bool record_tasks = true;
  // delay_armed, delay_fired, delay_canceled: three records per wait, millions in a long
  // simulation of a busy service, so only on request.
  bool record_timers = false;
  // Further kinds never recorded, whoever records them (e.g. "tick", "log").
  std::vector<std::string> ignore_kinds;
  // The instant the trace's times are measured from (deadline fields, default renderings).
  // Default: the clock's steady_now() when the trace is built.
  std::optional<steady_time> origin;
};

namespace detail {
struct trace_sink_anchor;
}

class trace : public runtime_observer {
 public:
  explicit trace(const clock& clk, trace_options options = {});
  trace(const trace&) = delete;
  trace& operator=(const trace&) = delete;
  ~trace() override;

  // Appends a record stamped with the clock's steady and UTC time; returns its sequence
  // number, or 0 when the kind is filtered out.
  std::uint64_t record(std::string_view kind, std::string_view source, trace_fields fields = {});
  // Whether record(kind, ...) would keep the record. Lets a caller skip building fields.
  bool wants(std::string_view kind) const noexcept;

  // See the thread-safety contract above: a reference, for reading while nothing records.
  const std::vector<trace_record>& records() const noexcept { return records_; }
  // A copy, safe while other threads record.
  std::vector<trace_record> snapshot() const;
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  // Drops every record; numbering continues.
  void clear();
  // Copies of the records of one kind (and source), in order.
  std::vector<trace_record> find(std::string_view kind) const;
  std::vector<trace_record> find(std::string_view kind, std::string_view source) const;
  std::size_t count(std::string_view kind) const;
  std::size_t count(std::string_view kind, std::string_view source) const;

  steady_time origin() const noexcept { return origin_; }
  const trace_options& options() const noexcept { return options_; }

  // --- runtime_observer ---
  void on_task_spawned(const task_info& task) override;
  void on_task_finished(const task_info& task, std::exception_ptr error, bool canceled) override;
  void on_timer_armed(const task_info* owner, steady_time deadline) override;
  void on_timer_fired(const task_info* owner, steady_time deadline) override;
  void on_timer_canceled(const task_info* owner, steady_time deadline) override;
  void on_tick(std::string_view timer, steady_time due, std::uint64_t coalesced) override;
  void on_finding(const clockwork::finding& f) override;
  void on_wall_clock_changed(const wall_clock_change& change) override;
  void on_event(std::string_view kind, std::string_view source, const trace_fields& fields) override;

 private:
  void record_timer(std::string_view kind, const task_info* owner, steady_time deadline);

  friend spdlog::sink_ptr make_trace_sink(trace& t);

  const clock* clock_;
  std::shared_ptr<detail::trace_sink_anchor> sink_anchor_;
  trace_options options_;
  steady_time origin_;
  mutable std::mutex mutex_;
  std::uint64_t next_seq_ = 1;
  std::vector<trace_record> records_;
};

// An spdlog sink that records every log record it receives as a trace record: kind "log",
// source the logger's name, fields level and message. Its times are the trace's clock's, like
// every other record. The sink may outlive the trace; it then drops what it receives.
spdlog::sink_ptr make_trace_sink(trace& t);

}  // namespace clockwork
