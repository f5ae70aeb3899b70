// clockwork::virtual_runtime — a deterministic, single-threaded runtime that owns time.
//
// Time moves only when the test moves it, and it moves timer by timer: each coroutine resumed
// by a timer sees steady_now() equal to its own deadline, and everything that becomes ready at
// that instant runs before time moves on. A simulated year of a periodic service takes
// milliseconds, and every run of the same test is the same run.
//
// Example — the same service as production, in a test:
//
//   TEST(Heartbeat, BeatsEveryFiveMinutes) {
//     clockwork::virtual_runtime rt;
//     std::stop_source stop;
//     int beats = 0;
//     rt.spawn(heartbeat(rt, stop.get_token(), beats), "heartbeat");
//     rt.advance_by(std::chrono::hours(1));      // fires the 12 timers one by one
//     EXPECT_EQ(beats, 12);
//     stop.request_stop();
//     rt.run_until_idle();                       // the cancelled wait unwinds
//     EXPECT_EQ(rt.live_tasks(), 0u);
//   }
//   // production runs heartbeat(rt, ...) on clockwork::real_runtime instead.
//
// The rules (each one a named test in virtual_runtime_test.cpp):
//   1. Ready coroutines run FIFO. Timers fire in (deadline, arm order). Time never goes back.
//   2. run_until_idle() runs every ready coroutine without moving time.
//   3. advance_by(d) / advance_to(t) fire timers one by one in order, moving time to each
//      deadline, and run everything ready at that instant before moving on. A timer armed
//      while advancing fires in the same call if its deadline is within the target. They
//      return the number of timers fired. advance_to a past instant throws.
//   4. run_for(d) and run_until(done, limit) auto-advance: when nothing is ready, jump to the
//      next timer. run_until checks done() after every resumption.
//   5. jump_wall_clock, set_utc, set_drift and set_local_zone move only wall time or the zone;
//      advance_clock_only(d) moves time without running anything (timers then fire late).
//   6. Idle with live coroutines, no timer and nothing ready is a deadlock: run_until and
//      block_on throw deadlock_error listing every suspended coroutine and what it awaits.
//   7. More than step_budget resumptions at one virtual instant throw livelock_error.
//   8. shuffle_same_instant runs same-instant events (ready coroutines, equal-deadline timers)
//      in a pseudo-random order drawn from seed: another legal order, reproducible.
//   9. No process-global state: any number of runtimes may live in one process.
//  10. A real-time watchdog measures every resume slice; one over budget is a blocking_call
//      finding.
//  11. work(d) takes d of virtual time without yielding: nothing else runs meanwhile, and
//      more than blocking_budget of it in one slice is a blocking_call finding.
//
// When a stop request and a deadline fall on the same instant: whichever timer was armed
// first fires first. If the stop is requested by a coroutine resumed before the wait's own
// timer, the wait is cancelled (operation_canceled); otherwise it completes normally.
//
// Waits on one stop token share one std::stop_callback (detail/stop_registrations.hpp): a stop
// cancels them newest first, as their own callbacks would run; a callback someone else
// registered on the token while waits were suspended on it runs before or after all of them as
// a block (the shared callback is registered by the first wait on a token nobody waited on).
//
// Thread safety: none. Every call, post() and stop requests on the tokens its waits use
// included, comes from the thread driving the test.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "clockwork/runtime/runtime.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace clockwork {

struct virtual_runtime_options : runtime_options {
  // The real-time watchdog is off on virtual time: a slice's real duration depends on the
  // machine (load, sanitizers), and nothing read from a real clock may change a virtual-time
  // trace or verdict. blocking_budget, on modeled work, is the deterministic check. Set
  // watchdog_budget to turn the real-time one on anyway; its findings then depend on the machine.
  virtual_runtime_options() { watchdog_budget = std::chrono::nanoseconds{0}; }

  virtual_clock_options clock;
  bool shuffle_same_instant = false;
  std::uint64_t seed = 0;
  // Resumptions allowed at one virtual instant before it counts as a livelock.
  std::uint64_t step_budget = 1'000'000;
  // Modeled blocking work (work()) one slice may do before it is cut: past it, work() reports a
  // blocking_call finding and throws blocking_cut, so an unbounded blocking loop cannot hang the
  // simulation (nothing else can run while a slice blocks — not even the stop request).
  std::chrono::nanoseconds slice_cap = std::chrono::hours(1);
};

class virtual_runtime final : public runtime {
 public:
  virtual_runtime() : virtual_runtime(virtual_runtime_options{}) {}
  explicit virtual_runtime(const virtual_runtime_options& options);
  ~virtual_runtime() override;

  const clockwork::clock& clock() const noexcept override { return clock_; }
  void post(std::function<void()> fn) override;
  void work(std::chrono::nanoseconds d) override;
  void submit_offload(detail::offload_job& job) override;
  steady_time steady_for_utc(utc_time t) const override;

  // Stepping from inside the stepping. A coroutine or a timer callback may call advance_by,
  // advance_to or run_for: the call returns at once (0) and extends the advance in progress to
  // that instant, which the outermost stepping call then reaches timer by timer before it
  // returns — no recursion, every timer still at its own instant. run_until_idle, step,
  // run_until and block_on from inside the stepping throw std::logic_error (a coroutine that
  // blocks on its own runtime would deadlock on a real one). A periodic callback_timer whose
  // callback advances time this way is next due one period after the instant it advanced to,
  // as with .NET's FakeTimeProvider: a callback advancing by its own period runs once, instead
  // of triggering itself forever.

  // Rule 2. Returns the number of ready items run.
  std::size_t run_until_idle();
  // Rule 3. Return the number of timers fired.
  std::size_t advance_by(std::chrono::nanoseconds d);
  std::size_t advance_to(steady_time t);
  // Rule 4: the same stepping as advance_by, named for the auto-advancing view of it.
  std::size_t run_for(std::chrono::nanoseconds d) { return advance_by(d); }
  // Runs until done() is true (checked after every resumption) and returns true; or returns
  // false once limit has passed. Throws deadlock_error when nothing can ever run again while
  // coroutines are alive, std::logic_error when nothing is left at all and there is no limit.
  bool run_until(const std::function<bool()>& done, std::optional<std::chrono::nanoseconds> limit = std::nullopt);
  // Fires the next timer (time moves to it) and runs what it readies. False when no timer.
  bool step();
  // Runs t to completion, auto-advancing time, and returns its result or rethrows.
  template <class T>
  T block_on(task<T> t);
  // Rule 5.
  void advance_clock_only(std::chrono::nanoseconds d);
  void jump_wall_clock(std::chrono::nanoseconds d);
  void set_utc(utc_time t);
  void set_drift(double ppm);
  void set_local_zone(std::string_view name);

  // Processes in one simulation (several instances of a service, each a root of coroutines —
  // spawn_as(work, name, root)):
  // freeze: the process stops for d (a GC pause, SIGSTOP, a VM migration). Its coroutines are
  // not resumed before now + d; timers still fire on time and what they ready waits, in order.
  // Other roots run on meanwhile: that is how a worker gets paused past its lease.
  void freeze(std::string root, std::chrono::nanoseconds d) { freeze_root(std::move(root), deadline_after(d)); }
  // crash: the process dies. Every live coroutine rooted at `root` is destroyed without being
  // resumed (their destructors run, as the memory of a dead process goes; no code after their
  // last suspension does). Returns how many.
  std::size_t crash(std::string_view root) noexcept { return destroy_rooted(root); }

  steady_time start_time() const noexcept { return start_; }
  std::chrono::nanoseconds elapsed() const noexcept { return clock_.steady_now() - start_; }
  bool idle() const noexcept { return !has_ready(); }
  // True while a stepping call (run_until_idle, advance_*, run_*, step, block_on) is running.
  bool stepping() const noexcept { return stepping_ > 0; }
  std::size_t ready_count() const noexcept { return runtime::ready_count(); }
  std::uint64_t total_steps() const noexcept { return steps(); }

 private:
  // Marks the outermost stepping call; on leaving it, reaches an instant a nested advance asked for.
  class stepping_scope;
  void refuse_nested(const char* what) const;
  std::size_t advance_to_now(steady_time t);
  void run_ready_item();
  void fire_overdue();
  std::size_t drain();
  void move_time_to(steady_time t);
  void fire_one();
  [[noreturn]] void throw_deadlock(std::string_view waiting_for);
  void wall_clock_changed(wall_clock_change change);
  static void count_wall_read(void* self, bool zone) noexcept;

  virtual_clock clock_;
  detail::stop_registrations stop_registrations_;  // lent to the waits: one thread, see the top
  steady_time start_;
  std::uint64_t step_budget_;
  std::chrono::nanoseconds slice_cap_;
  std::uint64_t steps_at_instant_ = 0;
  std::size_t batch_left_ = 0;  // ready items left in the current batch (see run_ready_item)
  int stepping_ = 0;
  std::optional<steady_time> extend_to_;  // asked for by a nested advance
};

template <class T>
T virtual_runtime::block_on(task<T> t) {
  refuse_nested("block_on");
  return run_to_completion(std::move(t), "virtual_runtime",
                           [this](const bool& done) { run_until([&done] { return done; }); });
}

}  // namespace clockwork
