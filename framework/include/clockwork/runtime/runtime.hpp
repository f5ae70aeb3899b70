// clockwork::runtime — where a service's coroutines run and its timers fire.
//
// A service never sleeps, reads a clock or starts a thread by itself: it asks the runtime the
// host injected. Two runtimes implement this interface:
//   virtual_runtime  single-threaded, deterministic; time moves only when the test says so.
//   real_runtime     one event-loop thread on the OS clocks; what production uses.
//
// Example — one service, both runtimes:
//
//   clockwork::task<> heartbeat(clockwork::runtime& rt, std::stop_token stop) {
//     for (;;) {
//       co_await rt.delay(std::chrono::minutes(5), stop);  // throws operation_canceled on stop
//       ...
//     }
//   }
//   // production:
//   clockwork::real_runtime rt;
//   rt.spawn(heartbeat(rt, stop), "heartbeat");
//   rt.run();
//   // test (a day passes in microseconds):
//   clockwork::virtual_runtime rt;
//   rt.spawn(heartbeat(rt, stop), "heartbeat");
//   rt.run_for(std::chrono::hours(24));
//
// Contract:
//   - delay(d, token) completes at now + d, or throws operation_canceled once token is stopped,
//     whichever happens first. A token already stopped when awaited throws without suspending.
//     A zero or negative delay yields through the ready queue, never through an OS timer.
//   - When a stop request and a timer fall on the same instant, the one that happens first in
//     the runtime's order wins: a wait whose timer already fired completes normally; a wait
//     whose timer had not fired yet is cancelled. In virtual time "first" is arm order.
//   - spawn(task, name) runs detached work. An exception escaping it is never lost: it is
//     logged, kept in unobserved_exceptions(), reported as a finding and to the observer.
//     Ending with operation_canceled is a graceful end, not an error.
//   - work(d) is modeled blocking work: it takes d without letting anything else run.
//   - Thread safety: post() and stop requests on tokens may come from any thread. Everything
//     else belongs to the thread that drives the runtime (the test thread for virtual_runtime,
//     the loop thread for real_runtime). Many runtimes may live in one process; none shares
//     state with another.
//
// The awaitables these calls return are in waits.hpp and offload.hpp, the options in
// runtime_options.hpp; what the runtime keeps per task and per wait is in detail/.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/errors.hpp"
#include "clockwork/runtime/detail/block_recycler.hpp"
#include "clockwork/runtime/detail/completion.hpp"
#include "clockwork/runtime/detail/offload_job.hpp"
#include "clockwork/runtime/detail/task_list.hpp"
#include "clockwork/runtime/detail/task_record.hpp"
#include "clockwork/runtime/detail/timed_wait.hpp"
#include "clockwork/runtime/detail/timer_heap.hpp"
#include "clockwork/runtime/offload.hpp"
#include "clockwork/runtime/runtime_options.hpp"
#include "clockwork/runtime/waits.hpp"
#include "clockwork/task.hpp"
#include "clockwork/time/clock.hpp"
#include "clockwork/time/duration.hpp"

namespace spdlog {
class logger;
}

namespace clockwork {

class runtime;
class chaos;

// An exception that escaped detached work, kept so that a test or the host can ask for it.
struct unobserved_exception {
  std::uint64_t task_id = 0;
  std::string task_name;
  std::exception_ptr error;
  std::string what;
  steady_time at{};
};

class runtime {
 public:
  friend class wall_delay_awaitable;
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;
  virtual ~runtime();

  virtual const clockwork::clock& clock() const noexcept = 0;
  steady_time now() const { return clock().steady_now(); }

  // Waits for d (or until deadline) on this runtime's clock; see the contract above. A delay
  // of clockwork::infinite (or any d past the end of time) arms no timer: only the token ends
  // it. A negative delay is a zero delay (a yield), as a deadline in the past is — unlike
  // .NET's Task.Delay, which throws: a delay is usually computed as "deadline - now", which is
  // negative exactly when the deadline has passed, and "due now" is what that caller means.
  // (Timeouts, which are budgets, refuse negative values: see cancellation.hpp.)
  delay_awaitable delay(std::chrono::nanoseconds d, std::stop_token token = {});
  delay_awaitable delay_until(steady_time deadline, std::stop_token token = {});
  // Waits until the wall clock reads t (see wall_delay_awaitable): for "at midnight", never a
  // duration computed from the wall clock.
  wall_delay_awaitable delay_until_utc(utc_time t, std::stop_token token = {});
  // The monotonic instant at which the wall clock should read t, as things stand now (drift
  // included on virtual time); now() when t has passed.
  virtual steady_time steady_for_utc(utc_time t) const;
  // Re-evaluates every pending wall-clock wait: the wall clock was stepped, set, drifted or the
  // zone changed. The runtimes call it; loop thread.
  void wall_clock_moved();
  // now() + d, saturating (steady_time::max(): no deadline); now() for d <= 0.
  steady_time deadline_after(std::chrono::nanoseconds d) const;
  // The same waits, answering false on stop instead of throwing operation_canceled.
  try_delay_awaitable try_delay(std::chrono::nanoseconds d, std::stop_token token = {});
  try_delay_awaitable try_delay_until(steady_time deadline, std::stop_token token = {});
  yield_awaitable yield() noexcept { return yield_awaitable{*this}; }

  // Runs work detached, under name; its root (task_info::root) is the root of the coroutine
  // spawning it, or name when spawned from outside a coroutine. spawn_as sets the root (the
  // host spawns a service's work under the service's name). Throws std::invalid_argument when
  // work is empty. While the
  // runtime is shutting down the work is dropped unrun, with a warning and a dropped_work
  // finding: spawning is often done from destructors, which shutdown runs, and a throw there
  // would end the process.
  void spawn(task<> work, std::string name);
  void spawn_as(task<> work, std::string name, std::string root);
  // Like spawn, but runs work at once, inside the caller's slice, until its first suspension
  // (how .NET started BackgroundService.ExecuteAsync before version 10). The host offers it to
  // replay the "blocks start-up" mistake faithfully.
  void spawn_inline(task<> work, std::string name, std::string root = {});
  // Destroys every live spawned coroutine (their destructors run, their timers disarm) and
  // refuses work from then on. Destruction does this too; calling it first lets a test check
  // what shutdown leaves behind. Idempotent.
  void shutdown() noexcept { shutdown_tasks(); }
  // True once shutdown began: spawn() throws std::logic_error from then on.
  bool shutting_down() const noexcept { return shutting_down_; }

  // Runs fn on the loop, after what is already ready. Thread-safe.
  virtual void post(std::function<void()> fn) = 0;

  // How much of this runtime's time a trivial step of real work may take: zero on virtual
  // time; on a scaled real runtime, a couple of real milliseconds times the scale. The host adds
  // it to its budgets (start-up, shutdown, blocking at start) so that scaling a run up never
  // turns the machine's own latency into a finding.
  virtual std::chrono::nanoseconds timing_allowance() const noexcept { return std::chrono::nanoseconds{0}; }

  // Modeled blocking work: takes d without yielding. Virtual time moves by d with nothing else
  // running; real time really blocks the loop for d.
  virtual void work(std::chrono::nanoseconds d) = 0;

  // Runs fn off the loop (a worker thread on real_runtime, inline on virtual_runtime) and
  // resumes the awaiter on the loop with fn's result or exception.
  template <class F>
  offload_awaitable<F> offload(F fn) {
    return offload_awaitable<F>{*this, std::move(fn)};
  }

  // Randomness for services (jittered retries, say): from a generator seeded with
  // virtual_runtime_options::seed on virtual time — the same seed gives the same draws, run
  // after run — and from the operating system on real_runtime. Loop thread.
  std::uint64_t random() noexcept { return random_(); }
  // Uniform in [0, max] (0 for max <= 0).
  std::chrono::nanoseconds random_duration(std::chrono::nanoseconds max) noexcept;

  // --- observation (driving thread; on real_runtime, after run() returned or from the loop) ---
  std::size_t live_tasks() const noexcept { return tasks_.size(); }
  std::vector<task_info> tasks() const;
  // Every live spawned coroutine and what it awaits, one per line, in spawn order.
  std::string describe_pending() const;
  const std::vector<unobserved_exception>& unobserved_exceptions() const noexcept { return unobserved_; }
  const std::vector<finding>& findings() const noexcept { return findings_; }
  // Adds a finding: kept, logged as a warning, passed to the observer. Detectors use it.
  void report(finding_kind kind, std::string source, std::string message);
  // An exception that escaped work nobody awaits (a posted function, a timer callback): logged,
  // kept in unobserved_exceptions(), reported as an unobserved_exception finding.
  void record_unobserved(std::string source, std::exception_ptr error);
  const task_info* current_task() const noexcept { return current_; }
  std::size_t pending_timers() const noexcept { return timers_.size(); }
  std::optional<steady_time> next_deadline() const noexcept;

  const std::shared_ptr<spdlog::logger>& logger() const noexcept { return logger_; }
  void set_logger(std::shared_ptr<spdlog::logger> logger);
  // One observer slot; an observer_fanout (diagnostics/observer_fanout.hpp) feeds several.
  void set_observer(runtime_observer* observer) noexcept { observer_ = observer; }
  // Seeded fault injection while exploring (chaos.hpp); null: none. Delays and fakes ask it.
  void set_chaos(clockwork::chaos* c) noexcept { chaos_ = c; }
  clockwork::chaos* chaos() const noexcept { return chaos_; }
  runtime_observer* observer() const noexcept { return observer_; }
  // Sends an observable event to the observer (on_event): the host's lifecycle, runs a service
  // reports, anything a detector or the trace should see. Loop thread.
  void emit(std::string_view kind, std::string_view source, const trace_fields& fields = {});
  // Tells the observer when a service means to run (schedule detectors check it). Loop thread.
  void declare_schedule(const schedule_declaration& declaration);

  // --- used by clockwork's awaitables; not for services ---
  void arm(detail::timer_node& node);
  bool disarm(detail::timer_node& node) noexcept;
  void make_ready(std::coroutine_handle<> h, detail::task_record* owner);
  detail::task_record* current_record() const noexcept { return current_; }
  // Completes a cancelled wait. Thread-safe: real_runtime forwards calls from other threads to
  // its loop.
  virtual void cancel_wait(detail::timed_wait& wait);
  virtual void submit_offload(detail::offload_job& job) = 0;
  // Called when a wait whose cancellation already won is destroyed, or when an offloaded job
  // is destroyed before its awaiter was resumed (its frame is being torn down). A runtime that
  // queues cancellations or runs jobs on other threads (real_runtime) must forget them here,
  // before the memory goes away; a runtime that does neither (virtual_runtime) ignores it.
  virtual void forget_wait(detail::timed_wait& /*wait*/) noexcept {}
  virtual void forget_offload(detail::offload_job& /*job*/) noexcept {}
  void note_wait(wait_kind kind, steady_time due, std::string_view what) noexcept;
  // The stop registrations this runtime's waits share (stop_registrations.hpp); null on a
  // runtime that lends none: each wait then registers its own.
  detail::stop_registrations* shared_stops() const noexcept { return shared_stops_; }
  // The furthest instant the timer firing now asked time to reach (virtual_runtime: advance_by
  // called from inside a timer callback); none when it asked nothing, and always none on a
  // runtime whose time nobody advances. callback_timer re-phases its timer from it.
  std::optional<steady_time> advance_asked_while_firing() const noexcept { return asked_while_firing_; }
  // Resumes h as owner, with the watchdog and the modeled-work budget.
  void resume_slice(std::coroutine_handle<> h, detail::task_record* owner);

 protected:
  explicit runtime(const runtime_options& options);

  // Runs the oldest ready item (a random one when shuffling). Returns false when none is ready.
  // in_run: the item is part of a run of items the loop runs back to back (real_runtime's
  // batch); a coroutine slice in a run starts its watchdog where the run's previous slice
  // ended, so a run reads the clock once per slice instead of twice. A posted function in the
  // run breaks the chain (its time is nobody's slice); the loop calls end_slice_run() before it
  // does anything else (waits for events, fires timers).
  bool run_one_ready(bool in_run = false);
  void end_slice_run() noexcept { slice_mark_valid_ = false; }
  // A runtime lends its waits one stop registration per token; it must outlive every wait
  // (shutdown_tasks() first). A runtime whose stops may come from other threads gives it a
  // defer function that takes those stops to its loop.
  void share_stop_registrations(detail::stop_registrations* registrations) noexcept { shared_stops_ = registrations; }
  // Pops the earliest timer (a random one of those sharing the earliest deadline when
  // shuffling) and fires it.
  void fire_next_timer();
  bool has_ready() const noexcept { return !ready_.empty(); }
  std::size_t ready_count() const noexcept { return ready_.size(); }
  void enable_shuffle(std::uint64_t seed) {
    shuffle_ = true;
    rng_.seed(seed);
  }
  // Modeled work done by the running slice; reported when the slice ends.
  void add_slice_work(std::chrono::nanoseconds d) noexcept { slice_work_ = saturating_add(slice_work_, d); }
  std::chrono::nanoseconds slice_work() const noexcept { return slice_work_; }
  // Times every resume slice on the precise monotonic clock and keeps the longest (real time).
  // real_runtime turns it on: how long its loop was busy is part of how distorted a run was.
  void measure_slices() noexcept { measure_slices_ = true; }
  // Real time the running slice spent in modeled work on purpose (real_runtime::work): not
  // counted in longest_slice(), which is about the machine, not the model.
  void add_slice_blocked_real(std::chrono::nanoseconds d) noexcept { slice_blocked_real_ += d; }
  std::chrono::nanoseconds longest_slice() const noexcept { return longest_slice_; }
  // The sum of all measured slices, on the same terms as longest_slice().
  std::chrono::nanoseconds total_slice_time() const noexcept { return total_slices_; }
  void reset_longest_slice() noexcept {
    longest_slice_ = std::chrono::nanoseconds{0};
    total_slices_ = std::chrono::nanoseconds{0};
  }
  // Destroys every live spawned coroutine and drops queued work. Derived destructors call it
  // first, while their own state still exists; spawn() refuses work from then on.
  void shutdown_tasks() noexcept;
  std::uint64_t steps() const noexcept { return steps_; }
  // A nested advance asked time to reach t (see advance_asked_while_firing).
  void note_advance_asked(steady_time t) noexcept {
    if (!asked_while_firing_ || *asked_while_firing_ < t) asked_while_firing_ = t;
  }

  // Spawns without the name checks; returns the id. Used by block_on (with an empty root: its
  // wrapper is transparent, what it spawns is rooted at its own name).
  std::uint64_t spawn_named(task<> work, std::string name, std::string root, bool transparent = false);

  // The half of block_on both runtimes share: spawns t so that its outcome lands in a local,
  // calls drive(done) — the derived runtime's loop, until done is true — and returns t's value
  // or rethrows its exception. If drive throws (a deadlock, say), t is destroyed first, since
  // it points at that local.
  template <class T, class Drive>
  T run_to_completion(task<T> t, const char* who, Drive&& drive);
  // Destroys one live spawned coroutine (block_on cleans up after a deadlock with it).
  void destroy_task(std::uint64_t id) noexcept;
  // A process that stops for a while (virtual_runtime::freeze): coroutines rooted at `root` are
  // not resumed before `until`; what becomes ready for them meanwhile waits, in order.
  void freeze_root(std::string root, steady_time until);
  // A process that dies (virtual_runtime::crash): destroys every live coroutine rooted at `root`
  // without resuming it. Returns how many.
  std::size_t destroy_rooted(std::string_view root) noexcept;

 private:
  static detail::detached_task run_detached(runtime& rt, task<> work, detail::task_record* record);
  detail::task_record& spawn_record(task<> work, std::string name, std::string root, bool transparent);
  void destroy_record(detail::task_record* record) noexcept;
  // Whether work may be spawned: false (and a dropped_work finding) while shutting down;
  // throws std::invalid_argument for an empty task.
  bool admit_spawn(const task<>& work, const std::string& name);
  void drop_work(const std::string& name) noexcept;
  void task_finished(detail::task_record* record, std::exception_ptr error, bool canceled) noexcept;

  struct ready_item {
    std::coroutine_handle<> handle;  // null: run the front of posted_
    detail::task_record* owner;
  };
  struct frozen_root;
  // Holds item back when its owner's root is frozen; returns whether it did.
  bool hold_if_frozen(const ready_item& item);
  void thaw(frozen_root& frozen);

  runtime_options options_;
  detail::timer_heap timers_;
  std::deque<ready_item> ready_;
  detail::wall_link wall_waits_;  // circular list head of pending wall-clock waits
  std::deque<std::function<void()>> posted_;
  std::vector<std::unique_ptr<frozen_root>> frozen_;  // usually empty: one test per resume
  // The spawn wrappers' frames, one per spawned task, recycled instead of freed
  // (block_recycler.hpp says why). Declared before tasks_: outlives every frame.
  detail::block_recycler wrapper_frames_;
  friend struct detail::detached_task::promise_type;  // allocates its frame from wrapper_frames_
  detail::task_list tasks_;                           // live tasks in spawn order; their records are recycled too
  std::uint64_t next_task_id_ = 1;
  std::uint64_t next_seq_ = 0;
  std::uint64_t steps_ = 0;
  detail::task_record* current_ = nullptr;
  detail::task_record* finished_ = nullptr;  // finished during the running slice
  std::chrono::nanoseconds slice_work_{0};
  std::chrono::nanoseconds longest_slice_{0};
  std::chrono::nanoseconds total_slices_{0};
  std::chrono::nanoseconds slice_blocked_real_{0};
  bool measure_slices_ = false;
  // Where the previous slice of a run ended (run_one_ready(true)): the next slice of the run
  // starts its watchdog there. Valid only between two slices of one run.
  steady_time slice_mark_{};
  bool slice_mark_valid_ = false;
  bool next_slice_in_run_ = false;                 // set by run_one_ready for the slice it starts
  std::optional<steady_time> asked_while_firing_;  // reset as each timer fires
  bool shutting_down_ = false;
  bool shuffle_ = false;
  std::mt19937_64 rng_;
  // fire_next_timer's timers sharing the earliest deadline while shuffling, kept between fires
  // so that an explored seed's every timer does not allocate one.
  std::vector<detail::timer_node*> same_deadline_;

 protected:
  std::mt19937_64 random_;  // services' draws (random()); seeded by the derived runtime

 private:
  std::vector<unobserved_exception> unobserved_;
  std::vector<finding> findings_;
  std::shared_ptr<spdlog::logger> logger_;
  runtime_observer* observer_ = nullptr;
  clockwork::chaos* chaos_ = nullptr;
  detail::stop_registrations* shared_stops_ = nullptr;

 protected:
  // Posted functions are queued by the derived runtime's post(); virtual_runtime pushes
  // directly, real_runtime moves them over from its thread-safe inbox on the loop.
  void enqueue_posted(std::function<void()> fn);
};

// What the awaitables do with the runtime, defined here because it must be complete.

template <class F>
offload_awaitable<F>::~offload_awaitable() {
  if (continuation) rt_->forget_offload(*this);
}

template <class T, class Drive>
T runtime::run_to_completion(task<T> t, const char* who, Drive&& drive) {
  if (!t.valid()) throw std::invalid_argument(std::string("clockwork::") + who + "::block_on: the task is empty");
  detail::completion<T> result;
  const std::uint64_t id = spawn_named(detail::complete_into(std::move(t), &result), "block_on", {}, true);
  try {
    drive(result.done);
  } catch (...) {
    destroy_task(id);
    throw;
  }
  if (result.error) std::rethrow_exception(result.error);
  if constexpr (!std::is_void_v<T>) return std::move(*result.value);
}

template <class F>
void offload_awaitable<F>::await_suspend(std::coroutine_handle<> h) {
  continuation = h;
  owner = rt_->current_record();
  rt_->note_wait(wait_kind::offload, {}, "offloaded work");
  rt_->submit_offload(*this);
}

inline void yield_awaitable::await_suspend(std::coroutine_handle<> h) {
  rt_->make_ready(h, rt_->current_record());
}

}  // namespace clockwork
