#include "clockwork/runtime/periodic_timer.hpp"

#include <stdexcept>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {
void require_positive(std::chrono::nanoseconds period, const std::string& name) {
  if (period.count() <= 0) {
    throw std::invalid_argument("clockwork::periodic_timer '" + name + "': period must be positive, got " +
                                format_duration(period));
  }
}
}  // namespace

periodic_timer::periodic_timer(runtime& rt, std::chrono::nanoseconds period, std::string name)
    : rt_(&rt), period_(period), name_(std::move(name)) {
  require_positive(period, name_);
  next_due_ = saturating_add(rt.now(), period);  // an infinite period never ticks
}

periodic_timer::~periodic_timer() {
  dispose();
  // A wait still suspended on us resumes later with false; it must not reach back into us.
  if (waiter_ != nullptr) waiter_->timer_ = nullptr;
}

void periodic_timer::consume_tick() {
  const steady_time now = rt_->now();
  const std::uint64_t skipped = static_cast<std::uint64_t>((now - next_due_) / period_);
  missed_ += skipped;
  ++ticks_;
  const steady_time due = next_due_;
  next_due_ = saturating_add(next_due_, saturating_mul(period_, static_cast<std::int64_t>(skipped + 1)));
  if (auto* obs = rt_->observer()) obs->on_tick(name_, due, skipped);
}

void periodic_timer::set_period(std::chrono::nanoseconds period) {
  require_positive(period, name_);
  if (disposed_) throw std::logic_error("clockwork::periodic_timer '" + name_ + "': set_period after dispose");
  period_ = period;
  next_due_ = saturating_add(rt_->now(), period);
  // Re-arm a wait that is still pending (not one whose completion is already queued). Its
  // owner stays the coroutine that waits, whoever calls set_period.
  if (waiter_ != nullptr && waiter_->result() == detail::timed_wait::outcome::pending) {
    rt_->disarm(*waiter_);
    waiter_->deadline = next_due_;
    if (waiter_->owner != nullptr) waiter_->owner->wait_deadline = next_due_;
    if (next_due_ != steady_time::max()) rt_->arm(*waiter_);
  }
}

void periodic_timer::dispose() {
  if (disposed_) return;
  disposed_ = true;
  if (waiter_ != nullptr) waiter_->signal_on_loop();
}

tick_wait::tick_wait(periodic_timer& timer, std::stop_token token)
    : timed_wait(*timer.rt_, timer.next_due_, std::move(token)), timer_(&timer) {}

tick_wait::tick_wait(tick_wait&& other) noexcept : timed_wait(std::move(other)), timer_(other.timer_) {}

tick_wait::~tick_wait() {
  if (timer_ != nullptr && timer_->waiter_ == this) timer_->waiter_ = nullptr;
}

bool tick_wait::await_ready() {
  if (timer_->disposed_) return true;
  if (timer_->waiter_ != nullptr) {
    throw std::logic_error("clockwork::periodic_timer '" + timer_->name_ +
                           "': next_tick called while another wait is pending; only one waiter at a time");
  }
  if (stop_requested()) return true;
  if (timer_->rt_->now() >= timer_->next_due_) {
    timer_->consume_tick();  // a pending (possibly coalesced) tick completes at once
    immediate_tick_ = true;
    return true;
  }
  return false;
}

void tick_wait::await_suspend(std::coroutine_handle<> h) {
  deadline = timer_->next_due_;
  timer_->waiter_ = this;
  suspend(h, wait_kind::tick, timer_->name_);
}

detail::wait_answer tick_wait::finish() {
  if (timer_ == nullptr) return detail::wait_answer::no;  // the timer was destroyed while we waited
  if (timer_->waiter_ == this) timer_->waiter_ = nullptr;
  if (immediate_tick_) return detail::wait_answer::yes;
  switch (result()) {
    case outcome::fired: timer_->consume_tick(); return detail::wait_answer::yes;
    case outcome::signaled: return detail::wait_answer::no;
    case outcome::canceled: return detail::wait_answer::canceled;
    case outcome::pending:
    case outcome::due: break;
  }
  // Resumed without the timer firing: either await_ready found the token stopped, or the tick
  // fell due between await_ready and await_suspend (real time moves) and the wait went through
  // the ready queue. Only the first is a cancellation.
  if (timer_->disposed_) return detail::wait_answer::no;
  if (stop_requested()) return detail::wait_answer::canceled;
  if (timer_->rt_->now() >= timer_->next_due_) {
    timer_->consume_tick();
    return detail::wait_answer::yes;
  }
  throw std::logic_error("clockwork::periodic_timer '" + timer_->name_ + "': wait resumed before its tick was due");
}

}  // namespace clockwork
