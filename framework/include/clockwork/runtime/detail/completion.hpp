// Internal: where block_on's task leaves its outcome (runtime::run_to_completion): a value or an
// exception, and a flag the driving loop polls.
//
// Thread safety: written by the coroutine on the loop thread, read by the same thread once the
// loop has stopped driving.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "clockwork/task.hpp"

namespace clockwork::detail {

template <class T>
struct completion {
  using stored = std::conditional_t<std::is_void_v<T>, char, T>;
  std::optional<stored> value;
  std::exception_ptr error;
  bool done = false;
};

template <class T>
task<> complete_into(task<T> t, completion<T>* out) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(t);
    } else {
      T value = co_await std::move(t);
      out->value.emplace(std::move(value));
    }
  } catch (...) {
    out->error = std::current_exception();
  }
  out->done = true;
}
}  // namespace clockwork::detail
