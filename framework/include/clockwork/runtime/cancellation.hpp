// Cancellation helpers on std::stop_token — clockwork has no token type of its own.
//
//   linked(a, b)                    a stop source that is stopped as soon as a or b is
//                                   (linked_stop_source{a, b, c, ...} for more).
//   cancel_after guard{rt, src, d}  requests stop on src after d of the runtime's time
//                                   (not the OS clock), unless the guard is destroyed first.
//   with_timeout(rt, work, d, tok)  awaits work for at most d: .NET's WaitAsync(TimeSpan,
//                                   TimeProvider). Throws timeout_error when d passes first and
//                                   operation_canceled when tok is stopped first. The work is
//                                   not stopped — it keeps running detached, so it must own
//                                   everything it uses.
//   with_deadline(rt, d, tok, f)    the structured alternative: calls f(linked token), awaits
//                                   the task it returns to completion, and turns the
//                                   cancellation it causes into timeout_error.
//
// Example — one request with a time budget, identical in production and in a test:
//
//   clockwork::task<report> fetch(clockwork::runtime& rt, std::stop_token stopping) {
//     co_return co_await clockwork::with_deadline(rt, std::chrono::seconds(10), stopping,
//         [&rt](std::stop_token t) { return download(rt, t); });
//   }
//   // production: real_runtime — 10 real seconds.
//   // test: virtual_runtime; rt.advance_by(10s) makes it throw timeout_error at exactly +10s.
//
// Thread safety: request_stop on any source may come from any thread (std::stop_token's
// rules). cancel_after guards are created and destroyed on the runtime's driving/loop thread
// and must not outlive it.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <type_traits>
#include <vector>

#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

// A stop source linked to some tokens: stopped as soon as any of them is. Not movable: its
// callbacks point into it.
class linked_stop_source {
 public:
  linked_stop_source(const std::stop_token& a, const std::stop_token& b) : linked_stop_source({a, b}) {}
  explicit linked_stop_source(std::initializer_list<std::stop_token> tokens) {
    links_.reserve(tokens.size());
    for (const std::stop_token& t : tokens) {
      if (t.stop_possible()) links_.push_back(std::make_unique<std::stop_callback<forward>>(t, forward{source_}));
    }
  }
  linked_stop_source(const linked_stop_source&) = delete;
  linked_stop_source& operator=(const linked_stop_source&) = delete;

  std::stop_token token() const noexcept { return source_.get_token(); }
  bool stop_requested() const noexcept { return source_.stop_requested(); }
  // Stops the linked token only; the parents are untouched.
  bool request_stop() noexcept { return source_.request_stop(); }

 private:
  struct forward {
    std::stop_source target;
    void operator()() const noexcept { target.request_stop(); }
  };
  std::stop_source source_;
  std::vector<std::unique_ptr<std::stop_callback<forward>>> links_;
};

inline linked_stop_source linked(const std::stop_token& a, const std::stop_token& b) {
  return linked_stop_source{a, b};
}

// Requests stop on a source after a duration of the runtime's time. Like std::stop_callback,
// it is an RAII guard: destroying it (or cancel()) before the deadline leaves the source alone.
// Zero stops at once; clockwork::infinite never (no timer); negative is refused
// (std::invalid_argument), as .NET's CancelAfter refuses it.
class cancel_after : private detail::timer_node {
 public:
  cancel_after(runtime& rt, std::stop_source source, std::chrono::nanoseconds delay);
  cancel_after(const cancel_after&) = delete;
  cancel_after& operator=(const cancel_after&) = delete;
  ~cancel_after() { cancel(); }

  // Disarms without requesting stop. Idempotent.
  void cancel() noexcept;
  bool fired() const noexcept { return fired_; }
  steady_time deadline() const noexcept { return timer_node::deadline; }

 private:
  static void on_deadline(timer_node& node);
  runtime* rt_;
  std::stop_source source_;
  bool fired_ = false;
};

namespace detail {

template <class T>
struct abandonable_result {
  using stored = std::conditional_t<std::is_void_v<T>, char, T>;
  explicit abandonable_result(runtime& rt) : done(rt, "with_timeout result") {}
  async_event done;
  std::optional<stored> value;
  std::exception_ptr error;
  bool abandoned = false;
};

template <class T>
task<> run_abandonable(task<T> work, std::shared_ptr<abandonable_result<T>> out) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(work);
      out->value.emplace();
    } else {
      T value = co_await std::move(work);
      out->value.emplace(std::move(value));
    }
  } catch (...) {
    // Nobody waits any more: let the runtime record it as unobserved, as .NET does.
    if (out->abandoned) throw;
    out->error = std::current_exception();
  }
  out->done.set();
}

template <class T>
T take(std::optional<T>& value) {
  return std::move(*value);
}
inline void take(std::optional<char>&) {}

}  // namespace detail

// A timeout, unlike a delay, is a budget: a negative one is a bug in the caller (a deadline
// computed the wrong way round), so it is refused, as .NET refuses it.
void require_timeout(std::chrono::nanoseconds timeout, const char* who);

namespace detail {
template <class T>
task<T> with_timeout_impl(runtime& rt, task<T> work, std::chrono::nanoseconds timeout, std::stop_token token) {
  auto result = std::make_shared<detail::abandonable_result<T>>(rt);
  rt.spawn(detail::run_abandonable(std::move(work), result), "with_timeout work");
  bool completed = false;
  try {
    auto finished = result->done.wait_for(timeout, token);
    completed = co_await finished;
  } catch (...) {
    result->abandoned = true;
    throw;
  }
  if (!completed) {
    result->abandoned = true;
    throw timeout_error("clockwork::with_timeout: the operation did not complete within " + format_duration(timeout));
  }
  if (result->error) std::rethrow_exception(result->error);
  co_return detail::take(result->value);
}

template <class Factory>
auto with_deadline_impl(runtime& rt, std::chrono::nanoseconds timeout, std::stop_token token, Factory make_work)
    -> std::invoke_result_t<Factory&, std::stop_token> {
  using work_task = std::invoke_result_t<Factory&, std::stop_token>;
  using T = typename work_task::value_type;
  std::stop_source timer_source;
  linked_stop_source link{token, timer_source.get_token()};
  cancel_after guard{rt, timer_source, timeout};
  work_task work = make_work(link.token());
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(work);
      co_return;
    } else {
      T value = co_await std::move(work);
      co_return value;
    }
  } catch (const operation_canceled&) {
    if (guard.fired() && !token.stop_requested()) {
      throw timeout_error("clockwork::with_deadline: the operation did not complete within " +
                          format_duration(timeout));
    }
    throw;
  }
}

}  // namespace detail

// Throws std::invalid_argument at once when timeout is negative; clockwork::infinite: never.
template <class T>
task<T> with_timeout(runtime& rt, task<T> work, std::chrono::nanoseconds timeout, std::stop_token token = {}) {
  require_timeout(timeout, "with_timeout");
  return detail::with_timeout_impl(rt, std::move(work), timeout, std::move(token));
}

// Throws std::invalid_argument at once when timeout is negative; clockwork::infinite: never.
template <class Factory>
auto with_deadline(runtime& rt, std::chrono::nanoseconds timeout, std::stop_token token, Factory make_work)
    -> std::invoke_result_t<Factory&, std::stop_token> {
  require_timeout(timeout, "with_deadline");
  return detail::with_deadline_impl(rt, timeout, std::move(token), std::move(make_work));
}

}  // namespace clockwork
