// clockwork's waits: what runtime::delay, delay_until, try_delay, delay_until_utc and yield
// return, to be awaited at once by the coroutine that asked for them.
//
// Each awaitable lives in the awaiting coroutine's frame: waiting allocates nothing, and
// destroying the frame mid-wait disarms the timer and deregisters the stop callback.
//
// Example — the same loop on both runtimes (runtime.hpp shows the runtimes themselves):
//
//   clockwork::task<> sweeper(clockwork::runtime& rt, std::stop_token stop) {
//     for (;;) {
//       co_await rt.delay(std::chrono::minutes(5), stop);        // throws on stop
//       ...
//       const bool waited = co_await rt.try_delay(std::chrono::seconds(1), stop);
//       if (!waited) co_return;                                   // stop, no exception
//       co_await rt.yield();                                      // let ready work run first
//       co_await rt.delay_until_utc(next_midnight_utc, stop);     // the wall clock's midnight
//     }
//   }
//   // production: real_runtime rt; rt.spawn(sweeper(rt, stop), "sweeper"); rt.run();
//   // test:       virtual_runtime rt; rt.spawn(sweeper(rt, stop), "sweeper"); rt.run_for(24h);
//
// Contract:
//   - A delay completes at its deadline, or with operation_canceled (try_delay: false) once
//     its token is stopped, whichever happens first in the runtime's order; a token already
//     stopped when awaited completes it without suspending.
//   - A deadline already reached goes through the ready queue, never through a timer.
//   - Awaitables may be moved before they are awaited (they are returned by value), never
//     while armed; each is awaited once.
//   - Thread safety: awaited on the runtime's loop thread; the token may be stopped from any
//     thread (the runtime moves the cancellation onto its loop).
#pragma once

#include <coroutine>
#include <stop_token>

#include "clockwork/errors.hpp"
#include "clockwork/runtime/detail/timed_wait.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

class runtime;

// co_await rt.delay(d, token): see the contract above.
class [[nodiscard]] delay_awaitable : public detail::timed_wait {
 public:
  using detail::timed_wait::timed_wait;
  bool await_ready() const noexcept { return stop_requested(); }
  void await_suspend(std::coroutine_handle<> h);
  // Inlined into the awaiting coroutine on purpose: the stop's exception then unwinds one frame
  // fewer (the unwinder's work grows with each frame it passes, twice: once to find the handler,
  // once to run it).
  [[gnu::always_inline]] void await_resume() const {
    if (injected_failure_) throw_injected();
    // A timer that fired first wins over a later stop request at the same instant.
    if (result() == outcome::fired) return;
    if (result() == outcome::canceled || stop_requested()) throw operation_canceled{};
  }

 private:
  [[noreturn]] static void throw_injected();

 protected:
  friend class runtime;
  // absolute_ (timed_wait's): delay_until, the caller chose the instant (a phase of its own),
  // reported as wait_kind::deadline.
  wait_kind kind() const noexcept { return absolute_ ? wait_kind::deadline : wait_kind::delay; }
};

// co_await rt.delay_until_utc(t, token): waits until the *wall clock* reads t — not for the
// duration t - utc_now(), which a clock step (NTP), a set, drift or a zone change during the
// wait would turn into a wake-up at the wrong wall time (the patterns document's Pattern 4 bug). The wait is
// re-evaluated whenever the wall clock changes, and when its monotonic timer fires early (the
// clock drifted) it waits on for the rest. A t already reached completes through the ready
// queue. Throws operation_canceled when token is stopped first.
//   virtual_runtime: re-evaluated on jump_wall_clock, set_utc, set_drift, set_local_zone.
//   real_runtime:    re-evaluated when the kernel reports a step of CLOCK_REALTIME (a timerfd
//                    with TFD_TIMER_CANCEL_ON_SET), and whenever its timer fires.
class [[nodiscard]] wall_delay_awaitable : public detail::timed_wait, private detail::wall_link {
 public:
  wall_delay_awaitable(runtime& rt, utc_time target, std::stop_token token) noexcept;
  wall_delay_awaitable(wall_delay_awaitable&& other) noexcept;
  ~wall_delay_awaitable();
  bool await_ready() const noexcept { return stop_requested(); }
  void await_suspend(std::coroutine_handle<> h);
  [[gnu::always_inline]] void await_resume() const {  // inlined for the reason delay's is
    if (result() == outcome::fired) return;
    if (result() == outcome::canceled || stop_requested()) throw operation_canceled{};
  }
  utc_time target() const noexcept { return target_; }

 private:
  friend class runtime;
  static void fire_wall(timer_node& node);
  void link_into(detail::wall_link& head) noexcept;
  void unlink() noexcept;
  utc_time target_;
  bool linked_ = false;
};

// co_await rt.try_delay(d, token) -> bool: like delay, but reports a stop by returning false
// instead of throwing, so a shutdown of many coroutines costs no exceptions:
//   for (;;) {
//     const bool waited = co_await rt.try_delay(std::chrono::hours(6), stopping);
//     if (!waited) break;  // stopping
//     ...
//   }
// The result is awaited into a local, never inside the loop's condition: GCC 12 miscompiles an
// await written in a condition (docs/scenarios.md#await-into-a-local).
class [[nodiscard]] try_delay_awaitable : public delay_awaitable {
 public:
  using delay_awaitable::delay_awaitable;
  // No chaos here: try_delay is what shutdown paths and backoffs use to wait quietly.
  void await_suspend(std::coroutine_handle<> h) { suspend(h, kind(), {}); }
  bool await_resume() const noexcept {
    if (result() == outcome::fired) return true;
    return !(result() == outcome::canceled || stop_requested());
  }
};

// co_await rt.yield(): let every coroutine that is already ready run first.
class [[nodiscard]] yield_awaitable {
 public:
  explicit yield_awaitable(runtime& rt) noexcept : rt_(&rt) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  void await_resume() const noexcept {}

 private:
  runtime* rt_;
};

}  // namespace clockwork
