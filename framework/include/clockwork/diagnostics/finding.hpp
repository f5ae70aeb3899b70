// clockwork::finding — one mistake of a background service, detected while it ran.
//
// Runtimes and (later) the host's detectors turn the common mistakes of background services
// into findings: a slice that blocked the loop, an exception nobody observed, a deadlock, ...
// A finding names what happened, when (monotonic and wall time), and which coroutine or
// service it concerns. Findings are collected by the runtime (runtime::findings()) and
// reported to its observer and logger as they happen.
//
//   clockwork::virtual_runtime rt;
//   rt.spawn(service_that_blocks(rt), "importer");
//   rt.run_for(std::chrono::minutes(1));
//   // rt.findings()[0].kind == clockwork::finding_kind::blocking_call
//   // rt.findings()[0].source == "importer"
//   // production: real_runtime logs the same findings as warnings.
//
// Thread safety: a finding is a plain value.
#pragma once

#include <string>
#include <string_view>

#include "clockwork/time/clock.hpp"

namespace clockwork {

enum class finding_kind {
  blocking_call,         // a resume slice ran longer than its budget (real or modeled time)
  unobserved_exception,  // an exception escaped detached work
  deadlock,              // live coroutines, nothing ready, no timer: nothing can ever resume
  livelock,              // too many resumes at one virtual instant
  startup_blocked,       // a service's start did not return promptly
  cancellation_ignored,  // still running at the shutdown deadline
  service_faulted,       // execute() ended with an exception
  silent_death,          // execute() returned before stop was requested: the service does no more work
  scope_violation,       // captive or root resolution, leaked scope, uncommitted unit of work
  drift,                 // periodic schedule deviates from its phase
  missed_run,            // a scheduled run did not happen
  duplicate_run,         // a scheduled run happened twice
  dropped_work,          // work spawned while the runtime was shutting down, dropped unrun
  duplicate_effect,      // one durable job's effect applied under two claims (a stale attempt wrote)
  lost_job,              // a due durable job that nothing will ever run
};

std::string_view to_string(finding_kind kind) noexcept;

struct finding {
  finding_kind kind;
  steady_time at;
  utc_time utc;
  std::string source;   // the coroutine or service concerned
  std::string message;  // one readable sentence
};

}  // namespace clockwork
