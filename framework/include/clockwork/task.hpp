// clockwork::task<T> — a lazy, move-only coroutine that produces one T (or throws).
//
// A task does nothing until it is awaited; awaiting it starts it and suspends the awaiter
// until the task finishes, then hands the awaiter the result or rethrows the task's
// exception.
//
// Stack use. Awaiting a task runs its body right away, inside the await, for the first few
// levels of nesting: when the body finishes without suspending (a cache hit, a fake
// repository), the awaiter simply continues, so a loop of a million such awaits uses constant
// stack at every optimisation level, sanitizers included. Deeper than that, or once a body
// suspends, control moves by symmetric transfer, which GCC turns into a tail call at -O2: a
// chain of a million nested awaits then uses constant stack too (at -O0/-O1 each nested level
// beyond the first few costs a stack frame).
//
// Hand-written rather than taken from a library: Debian 12 ships no C++20 coroutine task
// type (cppcoro and libcoro are not packaged), and the runtimes need one they can hook into.
//
// Example (production and test use the same service code):
//
//   clockwork::task<int> fetch_count(clockwork::runtime& rt, std::stop_token stop) {
//     co_await rt.delay(std::chrono::seconds(1), stop);
//     co_return 42;
//   }
//   clockwork::task<> report(clockwork::runtime& rt, std::stop_token stop) {
//     int n = co_await fetch_count(rt, stop);  // starts the child, resumes here after it
//     ...
//   }
//   // production:  real_runtime rt;    rt.block_on(report(rt, {}));
//   // test:        virtual_runtime rt; rt.block_on(report(rt, {}));  // takes 0 real seconds
//
// Contract:
//   - Lazy: creating a task runs none of its body. Destroying a task that never ran is fine.
//   - Move-only. A moved-from task is empty; awaiting an empty task throws std::logic_error,
//     and so does awaiting a task a second time — also while the first await is still in
//     progress (two coroutines cannot share one task's result).
//   - An exception escaping the body is rethrown in the awaiter, unchanged.
//   - Thread safety: none. A task is awaited by one coroutine, on one thread.
//   - Detached work is never a task left alone: hand it to runtime::spawn, which observes it.
//   - task<T>::from_result(value) (for a small, trivially copyable T such as bool or int) is a
//     task already finished, with no coroutine behind it: awaiting it gives the value at once.
//     It is .NET's Task.FromResult, for a function that usually has its answer without waiting —
//     a cache hit, a fake whose fault site let the call through — and pays for a coroutine frame
//     only on the path that waits:
//
//       task<bool> exists(key k, std::stop_token stop) override {
//         if (const bool* hit = cache_.find(k)) return task<bool>::from_result(*hit);  // no frame
//         return exists_in_database(k, std::move(stop));                              // a coroutine
//       }
#pragma once

#include <concepts>
#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "clockwork/task_frame_cache.hpp"

namespace clockwork {

template <class T = void>
class task;

namespace detail {

// How the body of an awaited task is being run.
enum class task_run : unsigned char {
  not_started,
  inline_call,      // running inside the awaiter's await_ready; finishing returns there
  inline_finished,  // finished during that call: the awaiter goes on without suspending
  transfer_start,   // to be started by symmetric transfer from await_suspend
  detached,         // suspended (or started by transfer): finishing resumes the awaiter
};

// Levels of inline starts allowed on one thread at a time. Past it, awaits start bodies by
// symmetric transfer, so that deep chains keep the tail-call property instead of growing the
// stack by two frames per level.
inline constexpr int max_inline_depth = 8;
inline int& inline_depth() noexcept {
  thread_local int depth = 0;
  return depth;
}

// Resumes whoever awaited the task when the task's body finishes.
struct task_final_awaiter {
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) const noexcept {
    auto& promise = done.promise();
    if (promise.run_ == task_run::inline_call) {
      // Back into await_ready, which tells the awaiter to go on: no nesting, no transfer.
      promise.run_ = task_run::inline_finished;
      return std::noop_coroutine();
    }
    auto continuation = promise.continuation_;
    return continuation ? continuation : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

struct task_promise_base {
  std::coroutine_handle<> continuation_;
  task_run run_ = task_run::not_started;
  std::suspend_always initial_suspend() const noexcept { return {}; }
  task_final_awaiter final_suspend() const noexcept { return {}; }
  // Frames come from a per-thread cache of freed ones (task_frame_cache.hpp).
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }
};

template <class T>
struct task_promise : task_promise_base {
  // monostate: not finished; T: value; exception_ptr: failed.
  std::variant<std::monostate, T, std::exception_ptr> result_;

  task<T> get_return_object() noexcept;
  void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }
  template <class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    result_.template emplace<1>(std::forward<U>(value));
  }
  T take_result() {
    if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
    return std::move(std::get<1>(result_));
  }
  std::exception_ptr error() const noexcept { return result_.index() == 2 ? std::get<2>(result_) : nullptr; }
};

template <>
struct task_promise<void> : task_promise_base {
  std::exception_ptr error_;

  task<void> get_return_object() noexcept;
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  void return_void() const noexcept {}
  void take_result() const {
    if (error_) std::rethrow_exception(error_);
  }
  std::exception_ptr error() const noexcept { return error_; }
};

[[noreturn, gnu::cold, gnu::noinline]] inline void throw_awaited_twice() {
  throw std::logic_error("clockwork::task: awaiting a task that was already awaited");
}

// Whether task<T>::from_result exists: the value is kept in the task object itself, which grows
// by a few bytes, so only for values that small.
template <class T>
concept result_held_inline = !std::is_void_v<T> && std::is_trivially_copyable_v<T> && (sizeof(T) <= sizeof(void*));

// A from_result task's value. Empty (and taking no space) where from_result does not exist.
template <class T, bool = result_held_inline<T>>
struct inline_result {};
template <class T>
struct inline_result<T, true> {
  std::optional<T> value;
  bool taken = false;  // awaited already
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() noexcept = default;
  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})), inline_(std::exchange(other.inline_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
      inline_ = std::exchange(other.inline_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { reset(); }

  // A task already finished with value; see the header comment.
  template <std::same_as<T> U>
  requires detail::result_held_inline<U>
  static task from_result(U value) noexcept {
    task ready;
    ready.inline_.value = value;
    return ready;
  }

  // True when this task owns a coroutine (or a from_result value) that has not been awaited yet.
  bool valid() const noexcept {
    if constexpr (detail::result_held_inline<T>) {
      if (inline_.value && !inline_.taken) return true;
    }
    return handle_ && !handle_.done();
  }

  auto operator co_await() && { return awaiter{this}; }
  auto operator co_await() & { return awaiter{this}; }

  // Awaits the task but hands back its exception instead of rethrowing it (null on success;
  // a value is discarded). Runtimes use it to classify how detached work ended without paying
  // for a rethrow.
  auto settle() && { return settle_awaiter{{this}}; }

 private:
  friend promise_type;
  explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

  void reset() noexcept {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

  struct awaiter {
    task* task_;  // lives at least as long as the co_await expression

    // Starts the body right here, unless too many inline starts are already on this
    // thread's stack. True when the body finished without suspending: the awaiter goes on
    // with the result and never suspends (constant stack for loops of such awaits).
    bool await_ready() const {
      if constexpr (detail::result_held_inline<T>) {
        // A from_result task: in line, the whole await is this test and await_resume's.
        if (task_->inline_.value) {
          if (task_->inline_.taken) detail::throw_awaited_twice();
          return true;
        }
      }
      return start();
    }
    bool start() const {
      const std::coroutine_handle<promise_type> handle = task_->handle_;
      if (!handle)
        throw std::logic_error("clockwork::task: awaiting an empty task (moved-from or default-constructed)");
      if (handle.done()) detail::throw_awaited_twice();
      auto& promise = handle.promise();
      if (promise.run_ != detail::task_run::not_started) {
        throw std::logic_error(
            "clockwork::task: awaiting a task that another coroutine is already awaiting; a task has one awaiter");
      }
      int& depth = detail::inline_depth();
      if (depth >= detail::max_inline_depth) {
        promise.run_ = detail::task_run::transfer_start;
        return false;
      }
      promise.run_ = detail::task_run::inline_call;
      ++depth;
      handle.resume();
      --depth;
      if (promise.run_ == detail::task_run::inline_finished) return true;
      // It suspended. Nothing can resume it before await_suspend below has recorded who
      // waits: a task's body resumes on its awaiter's thread, from the runtime's loop, after
      // the current slice.
      promise.run_ = detail::task_run::detached;
      return false;
    }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      const std::coroutine_handle<promise_type> handle = task_->handle_;
      auto& promise = handle.promise();
      promise.continuation_ = awaiting;
      if (promise.run_ == detail::task_run::transfer_start) {
        promise.run_ = detail::task_run::detached;
        return handle;  // start the body by symmetric transfer
      }
      return std::noop_coroutine();  // started and suspended; it resumes us when it finishes
    }
    T await_resume() {
      if constexpr (detail::result_held_inline<T>) {
        if (task_->inline_.value) {
          task_->inline_.taken = true;
          return *task_->inline_.value;
        }
      }
      return task_->handle_.promise().take_result();
    }
  };

  struct settle_awaiter : awaiter {
    std::exception_ptr await_resume() noexcept {
      if constexpr (detail::result_held_inline<T>) {
        if (this->task_->inline_.value) {
          this->task_->inline_.taken = true;
          return nullptr;
        }
      }
      return this->task_->handle_.promise().error();
    }
  };

  std::coroutine_handle<promise_type> handle_;
  [[no_unique_address]] detail::inline_result<T> inline_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail

}  // namespace clockwork
