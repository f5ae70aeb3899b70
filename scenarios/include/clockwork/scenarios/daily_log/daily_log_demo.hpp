// The DailyLog demo that clockwork-replay runs by default: the patterns document's maintenance service on
// in-memory repositories for a month, with a handful of scripted faults, then a shutdown; and
// what came out of it, checked.
//
// It runs the same host on either runtime: virtual time (a month in milliseconds, every
// instant exact) or real_runtime with a large time scale (the same code on the real event loop,
// as a cross-check). The caller owns the runtime and the trace, so that it can measure real
// time and write the trace out afterwards.
//
//   clockwork::virtual_runtime rt;                       // or: clockwork::real_runtime rt{scaled}
//   clockwork::trace tr{rt.clock()};
//   auto report = clockwork::scenarios::run_daily_log_demo(rt, tr, {});
//   std::cout << report.consistency.summary();           // "ok: 90 active users x 36 days = ..."
//   clockwork::write_json_lines(tr, "daily_log.jsonl");
//   // tests: the same call with a shorter length, then assertions on the report.
//
// Thread safety: call on the thread that drives rt; rt must be idle (no host running on it).
// The trace must be built on rt.clock(); run_daily_log_demo sets it as rt's observer and the
// host's trace while it runs, and detaches it (and its log sinks) before returning.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/fakes/fault_plan.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_options.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"
#include "clockwork/scenarios/daily_log/daily_log_maintenance_service.hpp"
#include "clockwork/scenarios/daily_log/daily_log_options.hpp"
#include "clockwork/scenarios/daily_log/user_profile.hpp"
#include "clockwork/testing/log_capture.hpp"

namespace clockwork::scenarios {

struct daily_log_demo_options {
  // From start to the requested shutdown.
  std::chrono::nanoseconds length = std::chrono::days(30);
  std::uint32_t users = 100;
  // Every n-th user is inactive (10: users 10, 20, ...); 0: every user is active.
  std::uint32_t inactive_every = 10;
  // Script the demo's faults (script_demo_faults) into the store's fault plan.
  bool inject_faults = true;
  daily_log_options service;
  // The host's options. Its budgets and timeouts are in the runtime's time: on real_runtime
  // with a large time scale, scale them up too (a real millisecond is then an hour).
  host_options host;

  // Throws std::invalid_argument naming a bad field.
  void validate() const;
};

struct daily_log_demo_report {
  std::uint32_t users = 0;
  std::uint32_t active_users = 0;
  daily_log_stats stats;
  // Calls per repository operation, and in all.
  std::uint64_t get_all_active_calls = 0;
  std::uint64_t exists_calls = 0;
  std::uint64_t add_calls = 0;
  std::uint64_t commit_calls = 0;
  std::uint64_t repository_calls = 0;
  std::vector<fakes::fault_record> faults;
  // Units of work: begun, committed, rolled back after a failure, ended uncommitted by mistake.
  std::uint64_t units_begun = 0;
  std::uint64_t units_committed = 0;
  std::uint64_t units_rolled_back = 0;
  std::uint64_t units_forgotten = 0;
  daily_log_consistency consistency;
  bool consistency_checked = false;             // false when no run succeeded (nothing to check against)
  std::vector<finding> findings;                // reported on the runtime during the demo
  std::vector<testing::captured_log> warnings;  // log records at warning level and above
  host_result result;
  std::chrono::nanoseconds simulated{0};  // start to stopped, on the runtime's clock
  std::chrono::nanoseconds stop_took{0};  // stop requested to stopped

  // The host stopped cleanly, at least one run succeeded, the store is consistent and no unit
  // of work was left uncommitted.
  bool ok() const noexcept;
};

// The demo's users: ids 1..count, every inactive_every-th inactive, targets varying by id (a
// weekend target for every third user).
std::vector<user_profile> demo_users(std::uint32_t count, std::uint32_t inactive_every);

// The demo's faults, each showing one way a run fails and the next one repairs it; see the
// definition for the list.
void script_demo_faults(fakes::fault_plan& plan);

daily_log_demo_report run_daily_log_demo(virtual_runtime& rt, trace& tr, const daily_log_demo_options& options = {});
daily_log_demo_report run_daily_log_demo(real_runtime& rt, trace& tr, const daily_log_demo_options& options = {});

}  // namespace clockwork::scenarios
