#include "clockwork/runtime/virtual_runtime.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

virtual_runtime::virtual_runtime(const virtual_runtime_options& options)
    : runtime(options),
      clock_(options.clock),
      start_(options.clock.start_steady),
      step_budget_(options.step_budget),
      slice_cap_(options.slice_cap) {
  if (options.slice_cap.count() <= 0)
    throw std::invalid_argument("clockwork::virtual_runtime: slice_cap must be positive");
  if (options.step_budget == 0) throw std::invalid_argument("clockwork::virtual_runtime: step_budget must be positive");
  clock_.set_read_hook(&virtual_runtime::count_wall_read, this);
  share_stop_registrations(&stop_registrations_);
  random_.seed(options.seed);
  if (options.shuffle_same_instant) enable_shuffle(options.seed);
}

virtual_runtime::~virtual_runtime() {
  shutdown_tasks();
}

void virtual_runtime::post(std::function<void()> fn) {
  if (!fn) throw std::invalid_argument("clockwork::virtual_runtime::post: empty function");
  enqueue_posted(std::move(fn));
}

void virtual_runtime::work(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::virtual_runtime::work: negative duration " + format_duration(d));
  }
  if (saturating_add(slice_work(), d) > slice_cap_) {
    // Block up to the cap, then cut the slice: nothing else could ever run otherwise.
    const auto allowed =
        std::max(saturating_sub(steady_time{} + slice_cap_, steady_time{} + slice_work()), std::chrono::nanoseconds{0});
    move_time_to(saturating_add(clock_.steady_now(), allowed));
    add_slice_work(allowed);
    const task_info* task = current_task();
    report(finding_kind::blocking_call, task != nullptr ? task->root : "<unnamed coroutine>",
           "blocking work without end: " + format_duration(slice_work()) +
               " in one slice reached the slice cap and was cut there (nothing else can run while a slice blocks, "
               "not even a stop request)");
    throw blocking_cut{};
  }
  move_time_to(saturating_add(clock_.steady_now(), d));
  add_slice_work(d);
}

void virtual_runtime::submit_offload(detail::offload_job& job) {
  // Deterministic stand-in for a worker pool: the job runs now, and its awaiter resumes
  // through the ready queue as it would after a real worker finished.
  job.run();
  make_ready(job.continuation, job.owner);
}

void virtual_runtime::move_time_to(steady_time t) {
  if (t > clock_.steady_now()) {
    clock_.advance_to(t);
    steps_at_instant_ = 0;
  }
}

void virtual_runtime::fire_overdue() {
  while (const auto next = next_deadline()) {
    if (*next >= clock_.steady_now()) return;
    ++steps_at_instant_;
    fire_next_timer();
  }
}

void virtual_runtime::run_ready_item() {
  // Ready work runs in batches (what was ready when the batch began), as on the real loop.
  // Between batches, timers that modeled work (work()) carried the clock past fire — late, as a
  // blocked loop fires them — so that a task that works and yields in a loop cannot keep them
  // from firing. Without modeled work no timer is ever overdue, and nothing changes.
  if (batch_left_ == 0) {
    fire_overdue();
    batch_left_ = ready_count();
  }
  if (batch_left_ > 0) --batch_left_;
  if (++steps_at_instant_ > step_budget_) {
    steps_at_instant_ = 0;  // leave the runtime usable after the throw
    const std::string message = "more than " + std::to_string(step_budget_) + " resumptions at " +
                                format_offset(clock_.steady_now(), start_) +
                                " without time moving: something re-arms itself at the same instant forever";
    report(finding_kind::livelock, "virtual_runtime", message);
    throw livelock_error("clockwork: livelock: " + message + "\n" + describe_pending());
  }
  run_one_ready();
}

std::size_t virtual_runtime::drain() {
  std::size_t ran = 0;
  while (has_ready()) {
    run_ready_item();
    ++ran;
  }
  return ran;
}

void virtual_runtime::fire_one() {
  move_time_to(*next_deadline());
  ++steps_at_instant_;
  fire_next_timer();
}

class virtual_runtime::stepping_scope {
 public:
  explicit stepping_scope(virtual_runtime& rt) : rt_(rt) { ++rt_.stepping_; }
  stepping_scope(const stepping_scope&) = delete;
  stepping_scope& operator=(const stepping_scope&) = delete;
  ~stepping_scope() { --rt_.stepping_; }
  // Called by the outermost scope before it returns: reach what nested advances asked for.
  std::size_t finish() {
    std::size_t fired = 0;
    while (rt_.stepping_ == 1 && rt_.extend_to_) {
      const steady_time target = *rt_.extend_to_;
      rt_.extend_to_.reset();
      fired += rt_.advance_to_now(target);
    }
    return fired;
  }

 private:
  virtual_runtime& rt_;
};

void virtual_runtime::refuse_nested(const char* what) const {
  if (stepping_ == 0) return;
  throw std::logic_error(std::string("clockwork::virtual_runtime::") + what +
                         ": called from inside the runtime's own stepping (a coroutine or a timer callback); a "
                         "coroutine waits with co_await, and only advance_by/advance_to/run_for may be called from "
                         "there (they extend the advance in progress)");
}

std::size_t virtual_runtime::run_until_idle() {
  refuse_nested("run_until_idle");
  stepping_scope scope{*this};
  const std::size_t ran = drain();
  scope.finish();
  return ran;
}

std::size_t virtual_runtime::advance_by(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::virtual_runtime::advance_by: negative duration " + format_duration(d) +
                                "; time never moves backwards");
  }
  return advance_to(saturating_add(clock_.steady_now(), d));  // infinite: every timer, then the end of time
}

std::size_t virtual_runtime::advance_to(steady_time t) {
  if (t < clock_.steady_now()) {
    throw std::invalid_argument("clockwork::virtual_runtime::advance_to: " + format_offset(t, start_) +
                                " is before now (" + format_offset(clock_.steady_now(), start_) +
                                "); time never moves backwards");
  }
  if (stepping_ > 0) {  // from a coroutine or a timer callback: extend the advance in progress
    if (!extend_to_ || *extend_to_ < t) extend_to_ = t;
    note_advance_asked(t);
    return 0;
  }
  stepping_scope scope{*this};
  std::size_t fired = advance_to_now(t);
  fired += scope.finish();
  return fired;
}

std::size_t virtual_runtime::advance_to_now(steady_time t) {
  std::size_t fired = 0;
  drain();
  while (auto next = next_deadline()) {
    if (*next > t) break;
    fire_one();
    ++fired;
    drain();
  }
  move_time_to(t);
  return fired;
}

bool virtual_runtime::step() {
  refuse_nested("step");
  stepping_scope scope{*this};
  drain();
  if (!next_deadline()) return false;
  fire_one();
  drain();
  scope.finish();
  return true;
}

bool virtual_runtime::run_until(const std::function<bool()>& done, std::optional<std::chrono::nanoseconds> limit) {
  if (limit && limit->count() < 0) {
    throw std::invalid_argument("clockwork::virtual_runtime::run_until: negative limit " + format_duration(*limit));
  }
  refuse_nested("run_until");
  stepping_scope scope{*this};
  const steady_time now = clock_.steady_now();
  const steady_time end = limit ? saturating_add(now, *limit) : steady_time::max();
  for (;;) {
    if (done()) {
      scope.finish();
      return true;
    }
    if (has_ready()) {
      run_ready_item();
      continue;
    }
    if (auto next = next_deadline(); next && *next <= end) {
      fire_one();
      continue;
    }
    if (live_tasks() > 0 && !next_deadline()) throw_deadlock("the condition given to run_until");
    if (!limit) {  // without a limit every pending timer was within reach: nothing is left
      throw std::logic_error(
          "clockwork::virtual_runtime::run_until: nothing is left to run and the condition is still false");
    }
    move_time_to(end);
    scope.finish();
    return done();
  }
}

void virtual_runtime::throw_deadlock(std::string_view waiting_for) {
  const std::string pending = describe_pending();
  report(finding_kind::deadlock, "virtual_runtime",
         "nothing is ready and no timer is armed, but " + std::to_string(live_tasks()) +
             " coroutine(s) are suspended while waiting for " + std::string(waiting_for));
  throw deadlock_error("clockwork: deadlock at " + format_offset(clock_.steady_now(), start_) +
                       ": nothing is ready and no timer is armed, so nothing can resume these coroutines:\n" + pending);
}

void virtual_runtime::advance_clock_only(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::virtual_runtime::advance_clock_only: negative duration " +
                                format_duration(d));
  }
  move_time_to(saturating_add(clock_.steady_now(), d));
}

void virtual_runtime::count_wall_read(void* self, bool zone) noexcept {
  auto* record = static_cast<virtual_runtime*>(self)->current_record();
  if (record == nullptr) return;
  ++(zone ? record->zone_reads : record->wall_clock_reads);
}

steady_time virtual_runtime::steady_for_utc(utc_time t) const {
  return std::max(clock_.steady_at(t), clock_.steady_now());
}

void virtual_runtime::wall_clock_changed(wall_clock_change change) {
  change.after = clock_.stamp_utc();
  wall_clock_moved();
  if (auto* obs = observer()) obs->on_wall_clock_changed(change);
}

void virtual_runtime::jump_wall_clock(std::chrono::nanoseconds d) {
  const utc_time before = clock_.stamp_utc();
  clock_.jump_wall_clock(d);
  wall_clock_changed({wall_clock_change::kind::jumped,
                      before,
                      {},
                      "wall clock jumped by " + (d.count() < 0 ? format_duration(d) : "+" + format_duration(d))});
}

void virtual_runtime::set_utc(utc_time t) {
  const utc_time before = clock_.stamp_utc();
  clock_.set_utc(t);
  wall_clock_changed({wall_clock_change::kind::set, before, {}, "wall clock set to " + format_utc(t)});
}

void virtual_runtime::set_drift(double ppm) {
  const utc_time before = clock_.stamp_utc();
  clock_.set_drift(ppm);
  char text[64];
  std::snprintf(text, sizeof text, "wall clock drift set to %g ppm", ppm);
  wall_clock_changed({wall_clock_change::kind::drift, before, {}, text});
}

void virtual_runtime::set_local_zone(std::string_view name) {
  const utc_time before = clock_.stamp_utc();
  clock_.set_local_zone(name);
  wall_clock_changed({wall_clock_change::kind::zone, before, {}, "local zone set to " + std::string(name)});
}

}  // namespace clockwork
