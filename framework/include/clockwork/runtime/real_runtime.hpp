// clockwork::real_runtime — the production runtime: one event loop on the operating system's
// clocks.
//
// Every coroutine of the runtime runs on one thread, the one that calls run() or block_on(),
// so service code needs no locks. Timers sleep on absolute CLOCK_MONOTONIC deadlines (a
// timerfd), so a loop that is late for one wake-up does not push every later deadline back;
// timer slack on the loop thread is 1 ns, so the kernel does not round wake-ups up. A zero or
// negative delay goes through the ready queue and never touches the kernel. Other threads
// reach the loop only through a mutex-protected inbox and an eventfd that wakes it.
//
// Example — the same service, production and test side by side:
//
//   clockwork::task<> heartbeat(clockwork::runtime& rt, std::stop_token stop);
//
//   // production (main):
//   clockwork::real_runtime rt;
//   std::stop_source stop;
//   rt.stop_on_signals(stop);                                  // SIGINT/SIGTERM stop it
//   std::stop_callback quit(stop.get_token(), [&rt] { rt.request_stop(); });
//   rt.spawn(heartbeat(rt, stop.get_token()), "heartbeat");
//   rt.run();                                                  // until a signal arrives
//
//   // test (GoogleTest): the same coroutine on virtual time
//   clockwork::virtual_runtime rt;
//   std::stop_source stop;
//   rt.spawn(heartbeat(rt, stop.get_token()), "heartbeat");
//   rt.run_for(std::chrono::hours(24));                        // a day in microseconds
//
//   // cross-check of a long scenario on real time: one simulated hour per 10 ms
//   clockwork::real_runtime_options fast_options;
//   fast_options.time_scale = 360'000;
//   clockwork::real_runtime fast{fast_options};
//
// Time scale. With time_scale = s (simulated seconds per real second), clock() reports
// steady = origin + s * real_elapsed (UTC likewise, from start_utc or the construction-time
// wall clock), a delay of d sleeps d / s of real time, and work(d) blocks for d / s. Timers are
// kept in the scaled time; only the earliest deadline is converted to a real one for the kernel.
// With s = 1 and no start_utc the clock is clockwork::real_clock itself. The scale is bounded
// (min_time_scale..max_time_scale) because the scaled clock counts int64 nanoseconds: it
// covers 292 years of the runtime's time, which at the largest scale is a quarter of an hour of
// real running and at 360'000 seven hours — far past any cross-check. A run that does reach
// the end of the scaled clock stops with std::overflow_error instead of stalling.
//
// Contract:
//   - Loop thread: the thread inside run() or block_on(). Everything not listed as thread-safe
//     below belongs to it while it runs, and to the thread that drives the runtime between
//     runs, as in the runtime contract.
//   - Thread-safe: post(), request_stop(), and stop requests on the tokens of its waits (a wait
//     cancelled from another thread is resumed on the loop, with operation_canceled).
//   - Order on the loop: timers fire in (deadline, arm order), like virtual_runtime; ready
//     coroutines run FIFO; functions posted from one thread run in the order they were posted.
//     A function posted from the loop thread itself runs after what is already ready. Posts
//     and cancellations made while no loop runs wait in the inbox for the next run(). A wait
//     cancelled from another thread resumes once the loop has read the inbox, which it does
//     before firing timers whenever a stop is queued there: the wait's timer wins only by
//     firing while the stop is being requested (the first of fire and cancel wins, as with a
//     stop on the loop thread). The waits on one token share one std::stop_callback
//     (detail/stop_registrations.hpp); a stop cancels them newest first.
//   - offload(fn) runs fn on a small worker pool (started on first use) and resumes the awaiter
//     on the loop. Destroying a coroutine whose offloaded fn is still running waits for fn.
//   - The watchdog times every resume slice on real time; a slice longer than
//     watchdog_budget is a blocking_call finding, logged as a warning.
//   - run() and block_on() never nest and never run on two threads at once (std::logic_error).
//   - Destruction destroys every live coroutine frame, drops queued posts and cancellations,
//     waits for running offloaded work, joins the pool and restores the signal mask.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <type_traits>

#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

struct real_runtime_options : runtime_options {
  static constexpr double min_time_scale = 1e-6;
  static constexpr double max_time_scale = 1e7;
  // Simulated seconds per real second, in [min_time_scale, max_time_scale]. 360'000 makes an
  // hour of the runtime's time pass in 10 ms.
  double time_scale = 1.0;
  // What utc_now() reads at construction. When set, wall time then moves with the (scaled)
  // monotonic clock and ignores steps of the system clock.
  std::optional<utc_time> start_utc;
  // IANA zone of clock().local_zone(); empty means $TZ, else /etc/localtime, else UTC.
  std::string local_zone;
  // Real time the machine may take for a trivial step (a wake-up, a few coroutine slices); the
  // host's budgets get this much extra, scaled: timing_allowance() = this × time_scale.
  std::chrono::nanoseconds real_timing_allowance = std::chrono::milliseconds(2);
  // Worker threads for offload(); started on first use.
  std::size_t offload_threads = 2;
  // Where findings and loop events (signals) are logged; null keeps the base's silent logger.
  // For records stamped with the runtime's (possibly scaled) time, build the logger on
  // rt.clock() after construction instead: rt.set_logger(make_logger("app", rt.clock(), sinks)).
  std::shared_ptr<spdlog::logger> logger;
};

// How far a run on the real loop strayed from the schedule it was given, in the runtime's own
// (scaled) time: what a cross-check against virtual time must know before it trusts a verdict.
struct real_runtime_stats {
  std::uint64_t timers_fired = 0;
  // The latest a timer fired after its deadline.
  std::chrono::nanoseconds max_timer_lateness{0};
  // The longest resume slice: time that passed, on the runtime's clock, while one coroutine ran.
  std::chrono::nanoseconds longest_slice{0};
  // The larger of the two: events may be this far from where virtual time would put them.
  std::chrono::nanoseconds distortion() const noexcept { return std::max(max_timer_lateness, longest_slice); }
  // The sums of every timer's lateness and of every slice: how far the machine may have moved an
  // event that depends on the whole run so far, like the start of a loop that waits a fixed time
  // after each run (each run starts late by its wake-up plus the loop's own real time).
  std::chrono::nanoseconds total_timer_lateness{0};
  std::chrono::nanoseconds total_slices{0};
  std::chrono::nanoseconds accumulated_distortion() const noexcept { return total_timer_lateness + total_slices; }
};

class real_runtime final : public runtime {
 public:
  explicit real_runtime(const real_runtime_options& options = {});
  ~real_runtime() override;

  const clockwork::clock& clock() const noexcept override;
  // Thread-safe. From the loop thread fn is queued behind what is already ready; otherwise it
  // goes through the inbox and wakes the loop.
  void post(std::function<void()> fn) override;
  // Really blocks the loop thread for d / time_scale of real time (nothing else runs), and
  // counts d as modeled work of the running slice.
  void work(std::chrono::nanoseconds d) override;

  // Runs the loop on the calling thread until request_stop(). Coroutines still suspended stay
  // suspended; a later run() or block_on() continues them. A stop requested while the loop was
  // not running makes the next run() return at once.
  void run();
  // Thread-safe: makes run() return after the slice it is running. block_on() ignores it.
  void request_stop() noexcept;
  // Runs the loop on the calling thread until t completes; returns its value or rethrows.
  // Other coroutines run meanwhile; those still pending stay suspended afterwards.
  template <class T>
  T block_on(task<T> t);

  // Blocks signals on the calling thread and reads them through a signalfd in the loop; when
  // one arrives it is logged and source.request_stop() is called on the loop thread. Call it on
  // the thread that will drive the loop, before other threads start (they inherit the mask;
  // the offload workers block every asynchronous signal themselves). One runtime per process
  // should watch a given signal. Calling it twice throws std::logic_error. The mask is
  // restored, on that thread, when the runtime is destroyed.
  void stop_on_signals(std::stop_source source, std::initializer_list<int> signals = {SIGINT, SIGTERM});

  double time_scale() const noexcept;
  std::chrono::nanoseconds timing_allowance() const noexcept override;

  // Since construction or the last reset_stats(). Loop thread, or between runs.
  real_runtime_stats stats() const noexcept;
  void reset_stats() noexcept;

  // --- used by clockwork's awaitables; not for services ---
  void submit_offload(detail::offload_job& job) override;
  void cancel_wait(detail::timed_wait& wait) override;
  void forget_wait(detail::timed_wait& wait) noexcept override;
  void forget_offload(detail::offload_job& job) noexcept override;

 private:
  struct state;

  // Runs the loop until *done (block_on) or, when done is null, until a stop request (run).
  void drive(const bool* done);
  // True once *done, or a stop was requested (run). The step functions return it too.
  bool finished(const bool* done) const noexcept;
  bool fire_due_timers(const bool* done);
  bool run_ready_batch(const bool* done);
  void poll(bool may_block);
  void drain_inbox();
  // The kernel said CLOCK_REALTIME was set: re-evaluate wall-clock waits, tell the observer.
  void system_clock_stepped();
  // Reads every signal that arrived; request: ask the stop source (false while destroying).
  void read_signals(bool request);
  bool on_loop_thread() const noexcept;
  // The shared stop callbacks' defer function (detail/stop_registrations.hpp): a stop requested
  // off the loop goes through the inbox.
  static bool defer_shared_stop(void* context, detail::stop_registrations::ticket stop) noexcept;
  void start_workers();
  void worker_main() noexcept;
  void wake() noexcept;

  std::unique_ptr<state> state_;
};

template <class T>
T real_runtime::block_on(task<T> t) {
  return run_to_completion(std::move(t), "real_runtime", [this](const bool& done) { drive(&done); });
}

}  // namespace clockwork
