#include "clockwork/runtime/async_event.hpp"

#include <stdexcept>

#include "clockwork/time/time_format.hpp"

namespace clockwork {

async_event::async_event(runtime& rt, std::string name)
    : rt_(&rt), name_(std::move(name)), wait_label_("event '" + name_ + "'") {
  waiters_.prev = waiters_.next = &waiters_;
}

async_event::~async_event() {
  // Waits must not outlive their event; detach any left so their destructors stay safe.
  while (waiters_.next != &waiters_) static_cast<event_wait*>(waiters_.next)->unlink();
}

void async_event::set() {
  set_ = true;
  // Wake in wait order. Each waiter leaves the list as it is woken; a waiter that already
  // completed otherwise (timeout, stop) is only unlinked.
  while (waiters_.next != &waiters_) {
    auto* waiter = static_cast<event_wait*>(waiters_.next);
    waiter->unlink();
    waiter->signal_on_loop();
  }
}

event_wait async_event::wait_for(std::chrono::nanoseconds timeout, std::stop_token token) {
  if (timeout.count() < 0) {
    throw std::invalid_argument("clockwork::async_event '" + name_ +
                                "'::wait_for: the timeout must not be negative (zero: at once, clockwork::infinite: "
                                "never), got " +
                                format_duration(timeout));
  }
  // deadline_after saturates: an infinite (or huge) timeout is no deadline, so no timer is
  // armed and a wait nothing will complete is a deadlock naming this event.
  return event_wait{*this, rt_->deadline_after(timeout), std::move(token), true};
}

event_wait::event_wait(async_event& event, steady_time due, std::stop_token token, bool reports_timeout)
    : timed_wait(*event.rt_, due, std::move(token)), event_(&event), reports_timeout_(reports_timeout) {}

event_wait::event_wait(event_wait&& other) noexcept
    : timed_wait(std::move(other)), event_link(), event_(other.event_), reports_timeout_(other.reports_timeout_) {}

event_wait::~event_wait() {
  unlink();
}

void event_wait::unlink() noexcept {
  if (!linked_) return;
  prev->next = next;
  next->prev = prev;
  prev = next = nullptr;
  linked_ = false;
}

bool event_wait::await_ready() const noexcept {
  return event_->set_ || stop_requested();
}

void event_wait::await_suspend(std::coroutine_handle<> h) {
  // Join the waiter list before suspending: set() may run before anything else happens.
  detail::event_link& head = event_->waiters_;
  prev = head.prev;
  next = &head;
  head.prev->next = this;
  head.prev = this;
  linked_ = true;
  suspend(h, wait_kind::signal, event_->wait_label_);
}

detail::wait_answer event_wait::finish() {
  unlink();
  switch (result()) {
    case outcome::signaled: return detail::wait_answer::yes;
    case outcome::fired:
      if (reports_timeout_) return detail::wait_answer::no;
      return detail::wait_answer::yes;
    case outcome::canceled: return detail::wait_answer::canceled;
    case outcome::pending:
    case outcome::due: break;
  }
  // Completed without suspending, or the deadline had already passed when awaited (the wait
  // then went through the ready queue, with its gate closed: a set() meanwhile did not queue it
  // again, but counts now).
  if (event_->set_) return detail::wait_answer::yes;
  if (stop_requested()) return detail::wait_answer::canceled;
  return detail::wait_answer::no;
}

}  // namespace clockwork
