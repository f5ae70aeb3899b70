// The runtime's core (clockwork/runtime/runtime.hpp): its timers, its ready queue, the resume
// slice with its watchdog, and what it reports.
#include "clockwork/runtime/runtime.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <limits>
#include <typeinfo>
#include <utility>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/runtime/chaos.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "frozen_root.hpp"

namespace clockwork {

runtime::runtime(const runtime_options& options) : options_(options), logger_(make_null_logger()) {
  wall_waits_.prev = wall_waits_.next = &wall_waits_;
}

runtime::~runtime() {
  shutdown_tasks();
}

std::chrono::nanoseconds runtime::random_duration(std::chrono::nanoseconds max) noexcept {
  if (max.count() <= 0) return std::chrono::nanoseconds{0};
  const auto span = static_cast<std::uint64_t>(max.count());
  if (span == std::numeric_limits<std::uint64_t>::max())
    return std::chrono::nanoseconds{static_cast<std::int64_t>(random_())};
  // Rejection sampling: uniform without the modulo bias.
  const std::uint64_t range = span + 1;
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  std::uint64_t draw = random_();
  while (draw >= limit) draw = random_();
  return std::chrono::nanoseconds{static_cast<std::int64_t>(draw % range)};
}

bool runtime::disarm(detail::timer_node& node) noexcept {
  return timers_.remove(node);
}

void runtime::make_ready(std::coroutine_handle<> h, detail::task_record* owner) {
  ready_.push_back({h, owner});
}

void runtime::enqueue_posted(std::function<void()> fn) {
  posted_.push_back(std::move(fn));
  ready_.push_back({nullptr, nullptr});
}

void runtime::cancel_wait(detail::timed_wait& wait) {
  wait.cancel_on_loop();
}

void runtime::note_wait(wait_kind kind, steady_time deadline, std::string_view what) noexcept {
  if (observer_) observer_->on_wait(current_, kind, deadline, what);
  if (current_ == nullptr) return;
  current_->waiting = kind;
  current_->wait_deadline = deadline;
  // Most waits name the same thing as the task's previous wait (a delay names nothing): compare
  // before writing, which keeps an assign off the path of every wait.
  if (current_->wait_what != what) current_->wait_what.assign(what);
  current_->wait_since = now();
}

void runtime::emit(std::string_view kind, std::string_view source, const trace_fields& fields) {
  if (observer_) observer_->on_event(kind, source, fields);
}

void runtime::declare_schedule(const schedule_declaration& declaration) {
  if (observer_) observer_->on_schedule_declared(declaration);
}

std::optional<steady_time> runtime::next_deadline() const noexcept {
  if (timers_.empty()) return std::nullopt;
  return timers_.top()->deadline;
}

bool runtime::run_one_ready(bool in_run) {
  if (ready_.empty()) return false;
  if (shuffle_ && ready_.size() > 1) {
    const std::size_t pick = static_cast<std::size_t>(rng_() % ready_.size());
    std::swap(ready_.front(), ready_[pick]);
  }
  const ready_item item = ready_.front();
  ready_.pop_front();
  if (item.handle) {
    next_slice_in_run_ = in_run;
    resume_slice(item.handle, item.owner);
    return true;
  }
  slice_mark_valid_ = false;  // the function's time must not start the next slice's
  std::function<void()> fn = std::move(posted_.front());
  posted_.pop_front();
  ++steps_;
  try {
    fn();
  } catch (...) {
    record_unobserved("posted callback", std::current_exception());
  }
  return true;
}

void runtime::record_unobserved(std::string source, std::exception_ptr error) {
  std::string what = describe_exception(error);
  logger_->error("{} failed: {}", source, what);
  report(finding_kind::unobserved_exception, source, "exception escaped " + source + ": " + what);
  unobserved_.push_back({0, std::move(source), std::move(error), std::move(what), now()});
}

void runtime::fire_next_timer() {
  asked_while_firing_.reset();
  if (shuffle_ && timers_.size() > 1) {
    // Gather every timer sharing the earliest deadline, fire a random one, put the rest back
    // with their original sequence numbers.
    std::vector<detail::timer_node*>& same = same_deadline_;
    same.clear();
    const steady_time first = timers_.top()->deadline;
    while (!timers_.empty() && timers_.top()->deadline == first) same.push_back(&timers_.pop());
    const std::size_t pick = static_cast<std::size_t>(rng_() % same.size());
    for (std::size_t i = 0; i < same.size(); ++i) {
      if (i != pick) timers_.push(*same[i]);
    }
    same[pick]->fire();
    return;
  }
  timers_.pop().fire();
}

void runtime::resume_slice(std::coroutine_handle<> h, detail::task_record* owner) {
  // Every resumption comes through here (the ready queue, a timer that fired): the one place a
  // frozen process's coroutines are held back.
  // Read, and cleared only when set: virtual time never runs slices in a run, and its hot path
  // should not pay a store for it.
  const bool in_run = next_slice_in_run_;
  if (in_run) next_slice_in_run_ = false;
  if (!frozen_.empty() && hold_if_frozen({h, owner})) return;
  detail::task_record* const previous = current_;
  current_ = owner;
  if (owner) owner->waiting = wait_kind::none;
  ++steps_;
  slice_work_ = std::chrono::nanoseconds{0};
  slice_blocked_real_ = std::chrono::nanoseconds{0};
  const bool watched = options_.watchdog_budget.count() > 0;
  const bool timed = watched || measure_slices_;
  const auto read_clock = [this] {
    return measure_slices_ ? real_clock::monotonic_now() : real_clock::coarse_steady_now();
  };
  // In a run of slices the previous slice's end is this one's start: one read per slice. What
  // the loop did in between is its own bookkeeping (a queue pop), nothing that takes time.
  const steady_time started = !timed ? steady_time{} : (in_run && slice_mark_valid_ ? slice_mark_ : read_clock());
  h.resume();
  if (timed) {
    // This slice's end starts the next slice of its run; a nested slice (spawn_inline) or one
    // outside a run ends the chain (the outer slice, ending later, restarts it if in a run).
    const steady_time ended = read_clock();
    slice_mark_ = ended;
    slice_mark_valid_ = in_run;
    const auto took = ended - started;
    const auto own = took - slice_blocked_real_;
    if (own > longest_slice_) longest_slice_ = own;
    total_slices_ += own;
    if (watched && took > options_.watchdog_budget) {
      report(finding_kind::blocking_call, owner ? owner->root : "<unnamed coroutine>",
             "a resume slice of '" + (owner ? owner->name : std::string("<unnamed coroutine>")) +
                 "' blocked the loop for " + format_duration(took) + " of real time (budget " +
                 format_duration(options_.watchdog_budget) + ")");
      slice_mark_valid_ = false;  // reporting (a log write) is not the next slice's time
    }
  }
  if (slice_work_ > options_.blocking_budget) {
    report(finding_kind::blocking_call, owner ? owner->root : "<unnamed coroutine>",
           "blocking work in '" + (owner ? owner->name : std::string("<unnamed coroutine>")) + "' held the loop for " +
               format_duration(slice_work_) + " (budget " + format_duration(options_.blocking_budget) + ")");
    slice_mark_valid_ = false;
  }
  if (finished_ != nullptr) {
    tasks_.remove(*finished_);
    finished_ = nullptr;
  }
  current_ = previous;
}

void runtime::report(finding_kind kind, std::string source, std::string message) {
  logger_->warn("[{}] {}: {}", to_string(kind), source, message);
  findings_.push_back({kind, now(), clock().stamp_utc(), std::move(source), std::move(message)});
  if (observer_) observer_->on_finding(findings_.back());
}

void runtime::set_logger(std::shared_ptr<spdlog::logger> logger) {
  logger_ = logger ? std::move(logger) : make_null_logger();
}

}  // namespace clockwork
