// clockwork::periodic_timer — ticks at a fixed period on a runtime's clock, with .NET's
// PeriodicTimer semantics.
//
//   - Ticks are phase-aligned: due at start + k * period, however late the consumer is, so
//     the schedule never drifts.
//   - A tick that falls due while nobody waits is remembered; any number of missed ticks
//     coalesce into that one pending tick (missed_ticks() counts the ones folded away).
//     next_tick() with a pending tick completes at once; the next one is on the original
//     phase. Work that overran 3.5 periods gets one immediate tick, then ticks resume at the
//     next phase point.
//   - One waiter at a time: a second next_tick() while one is pending throws std::logic_error.
//   - Cancelling a wait (its stop token) throws operation_canceled in that wait only; the timer
//     keeps its phase and the next wait works.
//   - set_period(p) restarts the schedule: the next tick is due p after the change, then every
//     p. A pending wait is re-armed.
//   - After dispose() (and destruction), every wait, the pending one included, returns false.
//
// Example — Pattern 3 of the patterns document (README.md), production and test:
//
//   clockwork::task<> hourly(clockwork::runtime& rt, std::stop_token stopping) {
//     clockwork::periodic_timer timer{rt, std::chrono::hours(1), "hourly"};
//     co_await do_work(stopping);                      // run once at start-up
//     for (;;) {                                       // then on every tick
//       const bool ticked = co_await timer.next_tick(stopping);
//       if (!ticked) break;                            // disposed
//       co_await do_work(stopping);
//     }
//   }
//   // production: on real_runtime, ticks every real hour.
//   // test: virtual_runtime rt; ...; rt.advance_by(24h) runs 24 iterations, each at its
//   //       exact phase; rt.step() moves one tick at a time.
//
// The tick is awaited into a local, never inside the loop's condition: GCC 12 miscompiles an
// await written in a condition (docs/scenarios.md#await-into-a-local).
//
// Thread safety: everything runs on the runtime's driving/loop thread; only stop requests on
// the wait's token may come from elsewhere. The timer must outlive its pending wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "clockwork/errors.hpp"
#include "clockwork/runtime/detail/timed_wait.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

class periodic_timer;

// co_await timer.next_tick(token) -> bool: true on a tick, false once disposed.
class [[nodiscard]] tick_wait : public detail::timed_wait {
 public:
  tick_wait(periodic_timer& timer, std::stop_token token);
  tick_wait(tick_wait&& other) noexcept;
  ~tick_wait();

  bool await_ready();
  void await_suspend(std::coroutine_handle<> h);
  // Inlined into the awaiting coroutine: a stop's exception is thrown there, one frame fewer
  // for the unwinder to pass (twice: to find the handler and to run it).
  [[gnu::always_inline]] bool await_resume() {
    const detail::wait_answer answer = finish();
    if (answer == detail::wait_answer::canceled) throw operation_canceled{};
    return answer == detail::wait_answer::yes;
  }

 private:
  friend class periodic_timer;
  detail::wait_answer finish();
  periodic_timer* timer_;
  bool immediate_tick_ = false;
};

class periodic_timer {
 public:
  // Throws std::invalid_argument when period is zero or negative.
  periodic_timer(runtime& rt, std::chrono::nanoseconds period, std::string name = "periodic_timer");
  periodic_timer(const periodic_timer&) = delete;
  periodic_timer& operator=(const periodic_timer&) = delete;
  ~periodic_timer();

  tick_wait next_tick(std::stop_token token = {}) { return tick_wait{*this, std::move(token)}; }

  // Throws std::invalid_argument when period is zero or negative, std::logic_error after
  // dispose().
  void set_period(std::chrono::nanoseconds period);
  void dispose();

  std::chrono::nanoseconds period() const noexcept { return period_; }
  bool disposed() const noexcept { return disposed_; }
  const std::string& name() const noexcept { return name_; }
  // When the next tick is due (it may already be due: then it is pending).
  steady_time next_due() const noexcept { return next_due_; }
  // Ticks delivered so far, and ticks that fell due while another was pending.
  std::uint64_t ticks() const noexcept { return ticks_; }
  std::uint64_t missed_ticks() const noexcept { return missed_; }

 private:
  friend class tick_wait;
  // Consumes the tick due at next_due_ (now >= next_due_) and moves next_due_ to the first
  // phase point after now, counting the phase points skipped as missed.
  void consume_tick();

  runtime* rt_;
  std::chrono::nanoseconds period_;
  std::string name_;
  steady_time next_due_;
  std::uint64_t ticks_ = 0;
  std::uint64_t missed_ = 0;
  bool disposed_ = false;
  tick_wait* waiter_ = nullptr;
};

}  // namespace clockwork
