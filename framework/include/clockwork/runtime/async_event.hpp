// clockwork::async_event — a manual-reset event that coroutines await on a runtime.
//
// set() wakes every waiter and keeps the event set until reset(); a wait on a set event
// completes at once. A wait may carry a deadline (wait_until / wait_for answer false when it
// passes first) and a stop token (operation_canceled when it is stopped first). The host uses
// events for "execute finished" and the application-lifetime notifications.
//
// Example — production and test share the code; only the runtime differs:
//
//   clockwork::task<> consumer(clockwork::async_event& ready, std::stop_token stop) {
//     co_await ready.wait(stop);                       // suspends until set() or stop
//     ...
//   }
//   clockwork::task<bool> with_patience(clockwork::async_event& ready) {
//     co_return co_await ready.wait_for(std::chrono::seconds(30));  // false after 30 s
//   }
//   // test: clockwork::virtual_runtime rt; clockwork::async_event ready{rt, "ready"};
//   //       rt.spawn(consumer(ready, {}), "consumer"); rt.run_until_idle(); ready.set();
//
// Contract:
//   - Waiters resume through the runtime's ready queue, in the order they started waiting,
//     never inside set().
//   - When set(), the deadline and the stop token race at one instant, the first in the
//     runtime's order wins (see runtime.hpp).
//   - A waiter without deadline arms no timer: if nothing can ever set the event, the virtual
//     runtime reports a deadlock naming the event instead of hanging.
//   - Thread safety: set(), reset() and waits belong to the runtime's driving/loop thread (use
//     runtime::post to set from elsewhere). Stop requests may come from any thread.
//   - The event must outlive its waits.
#pragma once

#include <chrono>
#include <stop_token>
#include <string>

#include "clockwork/errors.hpp"
#include "clockwork/runtime/detail/timed_wait.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

class async_event;

namespace detail {
struct event_link {
  event_link* prev = nullptr;
  event_link* next = nullptr;
};
}  // namespace detail

// co_await event.wait(...) -> void; co_await event.wait_until/wait_for(...) -> bool.
class [[nodiscard]] event_wait : public detail::timed_wait, private detail::event_link {
 public:
  event_wait(async_event& event, steady_time due, std::stop_token token, bool reports_timeout);
  event_wait(event_wait&& other) noexcept;
  ~event_wait();

  bool await_ready() const noexcept;
  void await_suspend(std::coroutine_handle<> h);
  // true: the event was set; false: the deadline passed first (wait_until/wait_for only).
  // Inlined into the awaiting coroutine, for the reason tick_wait's is.
  [[gnu::always_inline]] bool await_resume() {
    const detail::wait_answer answer = finish();
    if (answer == detail::wait_answer::canceled) throw operation_canceled{};
    return answer == detail::wait_answer::yes;
  }

 private:
  friend class async_event;
  detail::wait_answer finish();
  void unlink() noexcept;
  async_event* event_;
  bool reports_timeout_;
  bool linked_ = false;
};

class async_event {
 public:
  async_event(runtime& rt, std::string name = "event");
  async_event(const async_event&) = delete;
  async_event& operator=(const async_event&) = delete;
  ~async_event();

  void set();
  void reset() noexcept { set_ = false; }
  bool is_set() const noexcept { return set_; }
  const std::string& name() const noexcept { return name_; }
  runtime& owner() const noexcept { return *rt_; }

  // Waits until set; throws operation_canceled if token is stopped first.
  event_wait wait(std::stop_token token = {}) { return event_wait{*this, steady_time::max(), std::move(token), false}; }
  // Waits until set (true) or deadline (false); throws operation_canceled on stop.
  event_wait wait_until(steady_time deadline, std::stop_token token = {}) {
    return event_wait{*this, deadline, std::move(token), true};
  }
  // Zero: set already, or false at once; clockwork::infinite: no deadline (as wait()).
  // A negative timeout is refused (std::invalid_argument).
  event_wait wait_for(std::chrono::nanoseconds timeout, std::stop_token token = {});

 private:
  friend class event_wait;
  runtime* rt_;
  std::string name_;
  std::string wait_label_;  // "event 'name'", kept alive for deadlock reports
  bool set_ = false;
  detail::event_link waiters_;  // circular list head
};

}  // namespace clockwork
