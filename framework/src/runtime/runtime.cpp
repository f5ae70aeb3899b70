#include "clockwork/runtime/runtime.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <limits>
#include <typeinfo>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/runtime/chaos.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

// The wrapper coroutine that owns a spawned task: it starts suspended (the runtime schedules
// it), never rethrows (it hands every outcome to task_finished), and frees itself at the end.
struct detail::detached_task::promise_type {
  detached_task get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
  std::suspend_always initial_suspend() const noexcept { return {}; }
  std::suspend_never final_suspend() const noexcept { return {}; }
  void return_void() const noexcept {}
  void unhandled_exception() const noexcept { std::terminate(); }  // run_detached catches all
};

detail::detached_task runtime::run_detached(runtime& rt, task<> work, detail::task_record* record) {
  // settle() rather than try/co_await/catch: stopping 10k waiters is dominated by exception
  // handling, and this saves one rethrow per cancelled task.
  std::exception_ptr error = co_await std::move(work).settle();
  const bool canceled = error && is_cancellation(error);
  rt.task_finished(record, error, canceled);
}

namespace {}  // namespace

// ---- timed_wait ----------------------------------------------------------------------------

namespace detail {

timed_wait::~timed_wait() {
  // Deregister first: once reset() returns, no stop callback is running or will run.
  stop_callback_.reset();
  if (in_heap()) rt_->disarm(*this);
  // A cancellation that won may still be queued for the loop (real_runtime, stop requested on
  // another thread): the runtime must drop it rather than touch this wait later.
  if (result() == outcome::canceled) rt_->forget_wait(*this);
}

bool timed_wait::try_complete(outcome how) noexcept {
  outcome expected = outcome::pending;
  return state_.compare_exchange_strong(expected, how, std::memory_order_acq_rel);
}

void timed_wait::suspend(std::coroutine_handle<> h, wait_kind kind, std::string_view what) {
  handle_ = h;
  owner = rt_->current_record();
  rt_->note_wait(kind, deadline, what);
  if (deadline == steady_time::max()) {
    // No deadline: only the stop token or a signal completes this wait.
  } else if (deadline <= rt_->now()) {
    // Already due: complete through the ready queue, never through a timer. The gate closes
    // now, so a set() or a stop before the coroutine runs cannot queue it again; the token is
    // looked at again on resume.
    try_complete(outcome::due);
    rt_->make_ready(h, owner);
    return;
  } else {
    rt_->arm(*this);
  }
  if (token_.stop_possible()) stop_callback_.emplace(token_, on_stop{this});
}

void timed_wait::on_stop::operator()() const noexcept {
  if (self->try_complete(outcome::canceled)) self->rt_->cancel_wait(*self);
}

void timed_wait::fire_wait(timer_node& node) {
  auto& self = static_cast<timed_wait&>(node);
  if (!self.try_complete(outcome::fired)) return;  // a stop request won; its cancellation resumes us
  if (auto* obs = self.rt_->observer()) obs->on_timer_fired(self.owner, self.deadline);
  self.rt_->resume_slice(self.handle_, self.owner);
}

bool timed_wait::signal_on_loop() {
  if (!try_complete(outcome::signaled)) return false;
  rt_->disarm(*this);
  rt_->make_ready(handle_, owner);
  return true;
}

void timed_wait::cancel_on_loop() {
  rt_->disarm(*this);
  if (auto* obs = rt_->observer()) obs->on_timer_canceled(owner, deadline);
  rt_->make_ready(handle_, owner);
}

}  // namespace detail

// ---- wall-clock waits --------------------------------------------------------------------------

wall_delay_awaitable::wall_delay_awaitable(runtime& rt, utc_time target, std::stop_token token) noexcept
    : timed_wait(rt, rt.steady_for_utc(target), std::move(token), &wall_delay_awaitable::fire_wall), target_(target) {}

wall_delay_awaitable::wall_delay_awaitable(wall_delay_awaitable&& other) noexcept
    : timed_wait(*other.rt_, other.deadline, std::move(other.token_), &wall_delay_awaitable::fire_wall),
      wall_link(),
      target_(other.target_) {}

wall_delay_awaitable::~wall_delay_awaitable() {
  unlink();
}

void wall_delay_awaitable::link_into(detail::wall_link& head) noexcept {
  prev = head.prev;
  next = &head;
  head.prev->next = this;
  head.prev = this;
  linked_ = true;
}

void wall_delay_awaitable::unlink() noexcept {
  if (!linked_) return;
  prev->next = next;
  next->prev = prev;
  prev = next = nullptr;
  linked_ = false;
}

void wall_delay_awaitable::await_suspend(std::coroutine_handle<> h) {
  deadline = rt_->steady_for_utc(target_);  // the clock may have changed since construction
  link_into(rt_->wall_waits_);
  suspend(h, wait_kind::wall, format_utc(target_));
}

void wall_delay_awaitable::fire_wall(timer_node& node) {
  auto& self = static_cast<wall_delay_awaitable&>(node);
  // The monotonic timer fired; the wall clock may still be short of the target (it drifted
  // slow since the deadline was computed): wait on for the rest.
  if (self.rt_->clock().stamp_utc() < self.target_) {
    const steady_time again = self.rt_->steady_for_utc(self.target_);
    if (again > self.rt_->now()) {
      self.deadline = again;
      self.rt_->arm(self);
      return;
    }
  }
  self.unlink();
  timed_wait::fire_wait(node);
}

// ---- delays under chaos ----------------------------------------------------------------------

void delay_awaitable::await_suspend(std::coroutine_handle<> h) {
  if (clockwork::chaos* c = rt_->chaos(); c != nullptr && rt_->current_record() != nullptr) {
    const auto fault = c->at_wait(rt_->current_record()->root);
    if (fault.fail) {
      injected_failure_ = true;
      deadline = rt_->now();  // completes at once, through the ready queue
    } else if (fault.extra.count() > 0 && deadline != steady_time::max()) {
      deadline = saturating_add(deadline, fault.extra);
    }
  }
  suspend(h, kind(), {});
}

void delay_awaitable::throw_injected() {
  throw injected_error("clockwork: a delay failed (injected by chaos)");
}

// ---- runtime ---------------------------------------------------------------------------------

runtime::runtime(const runtime_options& options) : options_(options), logger_(make_null_logger()) {
  wall_waits_.prev = wall_waits_.next = &wall_waits_;
}

// A frozen root: what became ready for it while frozen, and the timer that thaws it.
struct runtime::frozen_root final : detail::timer_node {
  frozen_root(runtime& rt, std::string name)
      : timer_node(&frozen_root::on_thaw), owner_rt(&rt), root(std::move(name)) {}
  static void on_thaw(detail::timer_node& node) {
    auto& self = static_cast<frozen_root&>(node);
    self.owner_rt->thaw(self);
  }
  runtime* owner_rt;
  std::string root;
  std::deque<ready_item> held;
};

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

steady_time runtime::deadline_after(std::chrono::nanoseconds d) const {
  const steady_time current = now();
  if (d.count() <= 0) return current;  // due now: the wait goes through the ready queue
  return saturating_add(current, d);   // steady_time::max(): no deadline, no timer
}

delay_awaitable runtime::delay(std::chrono::nanoseconds d, std::stop_token token) {
  return delay_awaitable{*this, deadline_after(d), std::move(token)};
}

wall_delay_awaitable runtime::delay_until_utc(utc_time t, std::stop_token token) {
  return wall_delay_awaitable{*this, t, std::move(token)};
}

steady_time runtime::steady_for_utc(utc_time t) const {
  const steady_time current = now();
  const auto left = saturating_sub(t, clock().stamp_utc());
  return left.count() <= 0 ? current : saturating_add(current, left);
}

void runtime::wall_clock_moved() {
  for (detail::wall_link* link = wall_waits_.next; link != &wall_waits_; link = link->next) {
    auto& wait = static_cast<wall_delay_awaitable&>(*link);
    if (!wait.in_heap()) continue;  // completed, or about to be resumed
    disarm(wait);
    wait.deadline = steady_for_utc(wait.target_);
    if (wait.owner != nullptr) wait.owner->wait_deadline = wait.deadline;
    arm(wait);  // a deadline now in the past fires at once, at this instant
  }
}

delay_awaitable runtime::delay_until(steady_time deadline, std::stop_token token) {
  delay_awaitable wait{*this, deadline, std::move(token)};
  wait.absolute_ = true;
  return wait;
}

try_delay_awaitable runtime::try_delay(std::chrono::nanoseconds d, std::stop_token token) {
  return try_delay_awaitable{*this, deadline_after(d), std::move(token)};
}

try_delay_awaitable runtime::try_delay_until(steady_time deadline, std::stop_token token) {
  try_delay_awaitable wait{*this, deadline, std::move(token)};
  wait.absolute_ = true;
  return wait;
}

void runtime::spawn(task<> work, std::string name) {
  std::string root = current_ != nullptr && !current_->transparent ? current_->root : std::string();
  spawn_as(std::move(work), std::move(name), std::move(root));
}

void runtime::spawn_as(task<> work, std::string name, std::string root) {
  if (shutting_down_) {
    drop_work(name);
    return;
  }
  if (!work.valid()) {
    throw std::invalid_argument("clockwork::runtime: cannot spawn '" + name +
                                "': the task is empty (moved-from or already awaited)");
  }
  spawn_named(std::move(work), std::move(name), std::move(root));
}

void runtime::drop_work(const std::string& name) noexcept {
  try {
    report(finding_kind::dropped_work, name, "spawned while the runtime was shutting down: dropped without running");
  } catch (...) {
    // Reporting needs memory; dropping the work does not.
  }
}

void runtime::spawn_inline(task<> work, std::string name, std::string root) {
  if (shutting_down_) {
    drop_work(name);
    return;
  }
  if (!work.valid()) {
    throw std::invalid_argument("clockwork::runtime: cannot spawn '" + name +
                                "': the task is empty (moved-from or already awaited)");
  }
  if (root.empty() && current_ != nullptr && !current_->transparent) root = current_->root;
  const std::uint64_t id = spawn_named(std::move(work), std::move(name), std::move(root));
  detail::task_record* record = &tasks_.at(id);
  // spawn_named queued it last; take it back out and run it now, as a nested slice.
  ready_.pop_back();
  const auto outer_work = slice_work_;
  resume_slice(record->frame, record);
  slice_work_ = outer_work;
}

std::uint64_t runtime::spawn_named(task<> work, std::string name, std::string root, bool transparent) {
  const std::uint64_t id = next_task_id_++;
  auto& record = tasks_[id];
  record.id = id;
  record.transparent = transparent;
  record.root = root.empty() ? name : std::move(root);
  record.name = std::move(name);
  record.frame = run_detached(*this, std::move(work), &record).handle;
  if (observer_) observer_->on_task_spawned(record);
  make_ready(record.frame, &record);
  return id;
}

void runtime::task_finished(detail::task_record* record, std::exception_ptr error, bool canceled) noexcept {
  if (error && !canceled) {
    std::string what = describe_exception(error);
    logger_->error("detached task '{}' failed: {}", record->name, what);
    // Named after the work's root: the service whose fire-and-forget work this was.
    report(finding_kind::unobserved_exception, record->root,
           record->root == record->name
               ? "exception escaped detached work: " + what
               : "exception escaped detached work '" + record->name + "' (spawned by '" + record->root + "'): " + what);
    unobserved_.push_back({record->id, record->name, error, std::move(what), now()});
  }
  if (observer_) observer_->on_task_finished(*record, error, canceled);
  record->frame = {};  // the frame frees itself right after this call
  finished_ = record;  // erased once its slice ends; resume_slice may still read its name
}

void runtime::destroy_task(std::uint64_t id) noexcept {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  detail::task_record* record = &it->second;
  std::erase_if(ready_, [record](const ready_item& item) { return item.owner == record; });
  for (auto& f : frozen_) std::erase_if(f->held, [record](const ready_item& item) { return item.owner == record; });
  auto frame = record->frame;
  tasks_.erase(it);
  if (frame) frame.destroy();
}

void runtime::freeze_root(std::string root, steady_time until) {
  for (auto& f : frozen_) {
    if (f->root == root) {
      // Frozen already: the later of the two ends counts.
      if (until <= f->deadline) return;
      disarm(*f);
      f->deadline = until;
      arm(*f);
      return;
    }
  }
  if (until <= now()) return;
  auto f = std::make_unique<frozen_root>(*this, std::move(root));
  f->deadline = until;
  arm(*f);
  frozen_.push_back(std::move(f));
}

bool runtime::hold_if_frozen(const ready_item& item) {
  if (!item.owner) return false;
  for (auto& f : frozen_) {
    if (f->root == item.owner->root) {
      f->held.push_back(item);
      return true;
    }
  }
  return false;
}

void runtime::thaw(frozen_root& frozen) {
  // Held items go back to the ready queue in the order they became ready.
  for (const ready_item& item : frozen.held) ready_.push_back(item);
  std::erase_if(frozen_, [&frozen](const std::unique_ptr<frozen_root>& f) { return f.get() == &frozen; });
}

std::size_t runtime::destroy_rooted(std::string_view root) noexcept {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, record] : tasks_) {
    if (record.root == root && !record.transparent) ids.push_back(id);
  }
  for (auto& f : frozen_) {
    if (f->root == root) f->held.clear();
  }
  // Newest first: work a coroutine spawned goes before it, as a dying process takes its threads
  // with it in no particular order, and nothing here resumes anything.
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) destroy_task(*it);
  return ids.size();
}

void runtime::shutdown_tasks() noexcept {
  shutting_down_ = true;
  while (!tasks_.empty()) {
    auto it = tasks_.begin();
    auto frame = it->second.frame;
    tasks_.erase(it);
    // Destroying a suspended frame runs its destructors: awaitables disarm their timers.
    if (frame) frame.destroy();
  }
  ready_.clear();
  posted_.clear();
  for (auto& f : frozen_) disarm(*f);
  frozen_.clear();
}

void runtime::arm(detail::timer_node& node) {
  // node.owner is left alone: it was fixed by whoever suspended on this timer (or set when the
  // node was made), so re-arming from another coroutine never moves the wait to that one.
  node.seq = next_seq_++;
  timers_.push(node);
  if (observer_) observer_->on_timer_armed(node.owner, node.deadline);
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

bool runtime::run_one_ready() {
  if (ready_.empty()) return false;
  if (shuffle_ && ready_.size() > 1) {
    const std::size_t pick = static_cast<std::size_t>(rng_() % ready_.size());
    std::swap(ready_.front(), ready_[pick]);
  }
  const ready_item item = ready_.front();
  ready_.pop_front();
  if (item.handle) {
    resume_slice(item.handle, item.owner);
    return true;
  }
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
    std::vector<detail::timer_node*> same;
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
  if (!frozen_.empty() && hold_if_frozen({h, owner})) return;
  detail::task_record* const previous = current_;
  current_ = owner;
  if (owner) owner->waiting = wait_kind::none;
  ++steps_;
  slice_work_ = std::chrono::nanoseconds{0};
  slice_blocked_real_ = std::chrono::nanoseconds{0};
  const bool watched = options_.watchdog_budget.count() > 0;
  const bool timed = watched || measure_slices_;
  const steady_time started =
      !timed ? steady_time{} : (measure_slices_ ? real_clock::monotonic_now() : real_clock::coarse_steady_now());
  h.resume();
  if (timed) {
    const auto took = (measure_slices_ ? real_clock::monotonic_now() : real_clock::coarse_steady_now()) - started;
    const auto own = took - slice_blocked_real_;
    if (own > longest_slice_) longest_slice_ = own;
    total_slices_ += own;
    if (watched && took > options_.watchdog_budget) {
      report(finding_kind::blocking_call, owner ? owner->root : "<unnamed coroutine>",
             "a resume slice of '" + (owner ? owner->name : std::string("<unnamed coroutine>")) +
                 "' blocked the loop for " + format_duration(took) + " of real time (budget " +
                 format_duration(options_.watchdog_budget) + ")");
    }
  }
  if (slice_work_ > options_.blocking_budget) {
    report(finding_kind::blocking_call, owner ? owner->root : "<unnamed coroutine>",
           "blocking work in '" + (owner ? owner->name : std::string("<unnamed coroutine>")) + "' held the loop for " +
               format_duration(slice_work_) + " (budget " + format_duration(options_.blocking_budget) + ")");
  }
  if (finished_ != nullptr) {
    tasks_.erase(finished_->id);
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

std::vector<task_info> runtime::tasks() const {
  std::vector<task_info> out;
  out.reserve(tasks_.size());
  for (const auto& [id, record] : tasks_) out.push_back(record);
  return out;
}

std::string runtime::describe_pending() const {
  const steady_time origin{};
  std::string out;
  for (const auto& entry : tasks_) {
    // Not a structured binding: Clang before 16 cannot capture one in the lambda below.
    const auto& record = entry.second;
    out += "task #" + std::to_string(entry.first) + " '" + record.name + "': ";
    const bool ready =
        std::any_of(ready_.begin(), ready_.end(), [&](const ready_item& item) { return item.owner == &record; });
    if (ready) {
      out += "ready to run";
    } else {
      switch (record.waiting) {
        case wait_kind::delay:
        case wait_kind::deadline:
          out += "waiting for a delay until " + format_offset(record.wait_deadline, origin);
          break;
        case wait_kind::tick:
          out += "waiting for the next tick of periodic timer";
          if (!record.wait_what.empty()) out += " '" + record.wait_what + "'";
          out += ", due " + format_offset(record.wait_deadline, origin);
          break;
        case wait_kind::signal:
          out += "waiting for " + (record.wait_what.empty() ? std::string("a signal") : record.wait_what);
          break;
        case wait_kind::offload: out += "waiting for offloaded work"; break;
        case wait_kind::wall: out += "waiting for the wall clock to read " + record.wait_what; break;
        case wait_kind::none:
          out += "suspended on an awaitable clockwork does not track (nothing in the runtime will resume it)";
          break;
      }
      if (record.waiting != wait_kind::none) out += " (since " + format_offset(record.wait_since, origin) + ")";
    }
    out += '\n';
  }
  return out;
}

}  // namespace clockwork
