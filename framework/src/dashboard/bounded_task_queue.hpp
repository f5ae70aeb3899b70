// clockwork::dashboard::detail::bounded_task_queue — the server's threads, with a bound on the
// connections it holds. cpp-httplib 0.11 (Debian 12) hands every accepted connection to its task
// queue, and its own ThreadPool queues without limit: a flood of idle connections would hold a
// descriptor each, forever queued. Here at most `threads` connections are served and `waiting`
// more wait; past that, enqueue() blocks the accepting thread, so the server stops accepting and
// the kernel's listen backlog (then its refusals) holds the rest. Each served connection ends
// within the server's read and write timeouts, so a slot always comes free.
//
// Thread safety: enqueue() from the accepting thread, shutdown() once after it stopped.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace clockwork::dashboard::detail {

class bounded_task_queue final : public httplib::TaskQueue {
 public:
  bounded_task_queue(std::size_t threads, std::size_t waiting) : capacity_(waiting) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~bounded_task_queue() override = default;
  bounded_task_queue(const bounded_task_queue&) = delete;
  bounded_task_queue& operator=(const bounded_task_queue&) = delete;

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return queued_.size() < capacity_; });
    queued_.push_back(std::move(fn));
    work_.notify_one();
  }

  void shutdown() override {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
        if (queued_.empty()) return;  // stopping, and nothing left to serve
        fn = std::move(queued_.front());
        queued_.pop_front();
      }
      room_.notify_one();
      fn();  // serves the connection and closes it
    }
  }

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable room_;
  std::deque<std::function<void()>> queued_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace clockwork::dashboard::detail
