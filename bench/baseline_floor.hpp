// The floor for virtual-time throughput: the least code that can run N coroutines sleeping on
// a virtual clock. One std::priority_queue of (deadline, arm order, handle), a loop that pops
// the earliest entry, sets "now" to its deadline and resumes the handle; a sleeper coroutine
// whose promise does nothing at all.
//
// Why it is a fair floor: it keeps exactly the ordering contract clockwork keeps (deadline,
// then arm order, time never goes back), so both fire the same events in the same order; it
// only leaves out what a runtime adds on top — cancellation, task records, a ready queue,
// observers, the watchdog. Its rate is what clockwork's delay path is quoted against.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <queue>
#include <vector>

namespace clockwork_bench::floor_loop {

class scheduler {
 public:
  struct sleep_awaiter {
    scheduler* owner;
    std::int64_t duration_ns;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const { owner->arm(owner->now_ + duration_ns, h); }
    void await_resume() const noexcept {}
  };

  sleep_awaiter sleep(std::int64_t duration_ns) noexcept { return {this, duration_ns}; }
  std::int64_t now() const noexcept { return now_; }
  std::size_t pending() const noexcept { return queue_.size(); }

  // Fires every entry due at or before t, in (deadline, arm order); returns how many.
  std::size_t advance_to(std::int64_t t) {
    std::size_t fired = 0;
    while (!queue_.empty() && queue_.top().due <= t) {
      const entry e = queue_.top();
      queue_.pop();
      now_ = e.due;
      e.handle.resume();
      ++fired;
    }
    now_ = t;
    return fired;
  }

 private:
  struct entry {
    std::int64_t due;
    std::uint64_t seq;
    std::coroutine_handle<> handle;
  };
  struct later {
    bool operator()(const entry& a, const entry& b) const noexcept {
      return a.due > b.due || (a.due == b.due && a.seq > b.seq);
    }
  };

  void arm(std::int64_t due, std::coroutine_handle<> h) { queue_.push({due, seq_++, h}); }

  std::priority_queue<entry, std::vector<entry>, later> queue_;
  std::int64_t now_ = 0;
  std::uint64_t seq_ = 0;
};

// A coroutine that starts at once and stays suspended at its end; its owner destroys it.
struct sleeper {
  struct promise_type {
    sleeper get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

inline sleeper sleep_forever(scheduler& s, std::int64_t period_ns) {
  for (;;) co_await s.sleep(period_ns);
}

}  // namespace clockwork_bench::floor_loop
