// clockwork::dashboard::detail::on_loop — how an HTTP thread asks the store something: the call is
// posted to the runtime's loop (where store objects live, and where every service calls them), its
// answer handed back through a promise, and the HTTP thread waits for it at most `timeout`.
//
//   auto stats = on_loop<jobs::store_stats>(rt, 5s, [store] { return store->stats(); });
//   if (!stats) → 503 (the loop or the store did not answer in time)
//
// The shared state outlives a request that gave up waiting: the loop still finishes the call and
// sets a promise nobody reads. An exception from the store comes back rethrown by on_loop.
//
// Thread safety: call from any thread but the loop's (it would wait for itself).
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/task.hpp"

namespace clockwork::dashboard::detail {

template <class T>
struct pending_answer {
  std::promise<T> promise;
};

template <class T>
task<> answer_on_loop(std::shared_ptr<pending_answer<T>> pending, std::function<task<T>()> call) {
  try {
    pending->promise.set_value(co_await call());
  } catch (...) {
    pending->promise.set_exception(std::current_exception());
  }
}

// The answer, or none when it did not come within timeout.
template <class T>
std::optional<T> on_loop(real_runtime& rt, std::chrono::milliseconds timeout, std::function<task<T>()> call) {
  auto pending = std::make_shared<pending_answer<T>>();
  auto answer = pending->promise.get_future();
  rt.post([&rt, pending, call = std::move(call)]() mutable {
    rt.spawn(answer_on_loop<T>(std::move(pending), std::move(call)), "dashboard request");
  });
  if (answer.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return answer.get();
}

}  // namespace clockwork::dashboard::detail
