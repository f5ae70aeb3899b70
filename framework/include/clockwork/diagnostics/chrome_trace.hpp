// clockwork::to_chrome_trace — a run's trace in the Chrome trace event format (the JSON object
// form: {"traceEvents": [...]}), so that it opens in Perfetto (ui.perfetto.dev) and
// chrome://tracing, the viewers C++ developers already have, beside clockwork's own timeline.
//
// What a viewer shows:
//   - one process (pid 1) named after the run, and one thread per trace source (a service, a
//     task, an instance, the host), numbered from 1 in the order the sources first appear and
//     named after them (metadata events "process_name", "thread_name", "thread_sort_index");
//   - every record as an instant event ("ph": "i", thread scope) named after its kind, its
//     fields as args, with "seq" and "utc" added: nothing of the trace is left out;
//   - spans drawn from pairs of records, so that durations are visible at a glance:
//       a service's life       service_starting (or _started) → service_stopped / _faulted:
//                              "B"/"E" on the service's thread, named "service";
//       a task's life          task_spawned → task_finished / task_faulted with the same id:
//                              async "b"/"e" (cat "task"), named after the task;
//       a wait                 delay_armed → delay_fired / delay_canceled of the same task:
//                              async, cat "wait";
//       a job attempt          job.claimed → the record that ends that attempt (job.succeeded,
//                              .failed, .retrying, .snoozed, .cancelled, .released, .lease_lost
//                              with the same job and epoch, or the job's job.rescued, which
//                              carries the epoch it bumped to): async, cat "job", named "job N",
//                              id "job-N-E".
//     A span whose end never came (a run cut short) is left open, as the viewers expect.
//   - "ts" in microseconds from the origin (the run's start), fractional below a microsecond,
//     so virtual-time runs keep their exact instants.
//
// Deterministic: the same records and origin give the same bytes (keys in a fixed order, one
// event per line), so a virtual-time run's export can be a golden file. Invalid UTF-8 in a name or field becomes
// U+FFFD rather than an error.
//
// Example — production and test side by side:
//
//   // production: keep a real host's run for Perfetto
//   clockwork::write_chrome_trace(tr, "/var/log/app/run.trace.json");
//   // test: a virtual-time run, compared with a golden file
//   EXPECT_TRUE(clockwork::testing::matches_golden(clockwork::to_chrome_trace(tr), golden_dir / "run.trace.json"));
//   // from the command line: clockwork-replay --scenario S --chrome-trace run.trace.json
//
// Thread safety: pure functions over values; the overloads taking a trace read
// trace::records() (see its contract: only while nothing records).
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork {

struct chrome_trace_options {
  // The process's name in the viewer (the scenario's or the service's name, say).
  std::string process_name = "clockwork";
};

std::string to_chrome_trace(std::span<const trace_record> records, steady_time origin,
                            const chrome_trace_options& options = {});
std::string to_chrome_trace(const trace& t, const chrome_trace_options& options = {});

// Writes to_chrome_trace() to path (created or truncated); std::runtime_error naming the path
// when it cannot be written.
void write_chrome_trace(const trace& t, const std::filesystem::path& path, const chrome_trace_options& options = {});
void write_chrome_trace(std::span<const trace_record> records, steady_time origin, const std::filesystem::path& path,
                        const chrome_trace_options& options = {});

}  // namespace clockwork
