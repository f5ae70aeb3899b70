// clockwork::callback_timer — calls a function at a due time and then every period, on a
// runtime's loop: the counterpart of .NET's TimeProvider.CreateTimer / ITimer.
//
// For code that is written with callbacks rather than coroutines (a metrics flush, a lease
// renewal, a port of .NET code built on ITimer). The callback runs on the runtime's loop, like a
// coroutine's slice: no locks needed for state only the loop touches.
//
//   - The first call is `due` after construction (or after change()); then every `period`.
//     A due time of zero calls it on the next turn of the loop, never inside the constructor.
//   - A period of zero or clockwork::infinite makes the timer one-shot; a due time of
//     clockwork::infinite leaves it stopped until change().
//   - Periodic calls are phase-aligned: due + k * period, never drifting with the callback's
//     duration. In virtual time every call happens at its own instant, even during one big
//     advance_by (the clock reads that instant inside the callback). A callback that overruns
//     its period (modeled work) is followed by the calls it missed, each at once. A callback
//     that advances virtual time itself (virtual_runtime::advance_by from inside it) is next
//     due one period after the instant it advanced to, as .NET's FakeTimeProvider re-phases
//     it: advancing by its own period, it runs once, and never triggers itself forever.
//   - Timers due at the same instant run in the order they were armed, with the runtime's other
//     timers and waits (see runtime.hpp).
//   - change(due, period) re-arms from now; dispose() (and destruction) stops it for good: no
//     call starts after dispose() returns. Both may be called from inside the callback; the
//     timer must not be destroyed from inside its own callback.
//   - An exception escaping the callback is never lost: logged, kept in the runtime's
//     unobserved_exceptions() and reported as a finding; the timer keeps its schedule.
//
// Example — production and test side by side:
//
//   clockwork::callback_timer flush{rt, [&] { metrics.flush(); }, std::chrono::seconds(10),
//                                   std::chrono::seconds(10), "metrics flush"};
//   // production: rt is a real_runtime — every 10 real seconds.
//   // test:       clockwork::virtual_runtime rt; ... rt.advance_by(std::chrono::minutes(1));
//   //             -> six calls, at +10 s, +20 s, ... +60 s exactly.
//
// Thread safety: construction, change(), dispose() and destruction belong to the runtime's
// loop/driving thread, like every clockwork wait. Negative durations are refused
// (std::invalid_argument), as .NET refuses them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

class callback_timer : private detail::timer_node {
 public:
  callback_timer(runtime& rt, std::function<void()> callback, std::chrono::nanoseconds due,
                 std::chrono::nanoseconds period, std::string name = "callback_timer");
  callback_timer(const callback_timer&) = delete;
  callback_timer& operator=(const callback_timer&) = delete;
  ~callback_timer() { dispose(); }

  // Re-arms: the next call is `due` from now, then every `period`. Returns false (and does
  // nothing) after dispose(), as ITimer.Change does.
  bool change(std::chrono::nanoseconds due, std::chrono::nanoseconds period);
  // Stops the timer for good. Idempotent.
  void dispose() noexcept;

  bool disposed() const noexcept { return disposed_; }
  const std::string& name() const noexcept { return name_; }
  std::chrono::nanoseconds period() const noexcept { return period_; }
  // When the next call is due; steady_time::max() when none is.
  steady_time next_due() const noexcept { return in_heap() ? timer_node::deadline : steady_time::max(); }
  std::uint64_t calls() const noexcept { return calls_; }

 private:
  static void on_fire(timer_node& node);
  void arm_at(steady_time due);

  runtime* rt_;
  std::function<void()> callback_;
  std::string name_;
  std::chrono::nanoseconds period_{0};
  std::uint64_t calls_ = 0;
  std::uint64_t generation_ = 0;  // bumped by change()/dispose(): a call in progress then does not re-arm
  bool disposed_ = false;
};

}  // namespace clockwork
