// clockwork::runtime_options — the budgets both runtimes share (the slice watchdog and the
// modeled-work budget); virtual_runtime_options and real_runtime_options extend them.
//
// Example:
//   clockwork::real_runtime_options production;  // production: the slice watchdog on (100 ms)
//   production.watchdog_budget = std::chrono::milliseconds(20);
//   clockwork::virtual_runtime_options test;     // test: the watchdog off (real time is not the model)
//   test.blocking_budget = std::chrono::milliseconds(10);  // modeled work, in virtual time
//
// Thread safety: plain values, copied into the runtime when it is made.
#pragma once

#include <chrono>

namespace clockwork {

// Options shared by both runtimes.
struct runtime_options {
  // A resume slice that takes longer than this in real time is a blocking_call finding. Zero
  // disables the watchdog. Measured on CLOCK_MONOTONIC_COARSE (ms resolution, ~5 ns a read).
  std::chrono::nanoseconds watchdog_budget = std::chrono::milliseconds(100);
  // Modeled work (runtime::work) longer than this inside one slice is a blocking_call
  // finding, in the runtime's own time: deterministic on virtual time.
  std::chrono::nanoseconds blocking_budget = std::chrono::milliseconds(50);
};

}  // namespace clockwork
