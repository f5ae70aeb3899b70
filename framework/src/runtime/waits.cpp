// The runtime's waits (clockwork/runtime/waits.hpp): the factories that compute their
// deadlines, the wall-clock wait that follows the wall clock, and delays under chaos.
#include "clockwork/runtime/waits.hpp"

#include "clockwork/runtime/chaos.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

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

}  // namespace clockwork
