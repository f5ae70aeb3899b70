// The month demo: two of the patterns document's patterns running side by side for a simulated month.
//
//   heartbeat     Pattern 3 — a periodic_timer job every 15 minutes, phase-aligned.
//   midnight_job  Pattern 4 — sleeps until the next UTC midnight, runs, repeats.
//
// run_month_demo() drives both on a virtual_runtime and returns what happened, so the replay
// program can print it and a test can check it. The same two coroutines run unchanged on a
// real_runtime.
//
//   clockwork::virtual_runtime rt;
//   auto summary = clockwork::scenarios::run_month_demo(rt, std::chrono::days(30));
//   // summary.heartbeats == 30 * 96, summary.midnight_runs.size() == 30
//
// Thread safety: everything runs on the runtime's driving thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <vector>

#include "clockwork/runtime/runtime.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork::scenarios {

struct month_demo_summary {
  std::uint64_t heartbeats = 0;
  std::uint64_t missed_heartbeats = 0;
  std::vector<utc_time> midnight_runs;  // wall-clock instant of each midnight run
  std::uint64_t timers_fired = 0;
  std::chrono::nanoseconds simulated{0};
};

task<> heartbeat(runtime& rt, std::chrono::nanoseconds period, std::stop_token stopping, month_demo_summary& out);
task<> midnight_job(runtime& rt, std::stop_token stopping, month_demo_summary& out);

// Runs both for `length` of virtual time, then stops them and lets them unwind.
month_demo_summary run_month_demo(virtual_runtime& rt, std::chrono::nanoseconds length);

}  // namespace clockwork::scenarios
