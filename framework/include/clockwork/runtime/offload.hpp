// co_await rt.offload(fn): runs fn off the runtime's loop and resumes the awaiting coroutine on
// the loop with fn's result, or rethrows what fn threw.
//
// Example — the same call on both runtimes:
//
//   clockwork::task<std::string> load(clockwork::runtime& rt, const std::filesystem::path& p) {
//     co_return co_await rt.offload([p] { return read_whole_file(p); });  // blocking I/O
//   }
//   // production (real_runtime): fn runs on a worker thread; the loop runs other coroutines.
//   // test (virtual_runtime):    fn runs inline, at the same virtual instant; no thread.
//
// Contract: fn runs exactly once; its result is moved into the awaiter. Destroying the awaiting
// frame while fn is still running makes the runtime wait for the worker (or drop a job not yet
// started), so a worker never writes into freed memory.
// Thread safety: fn runs on a worker thread (real_runtime) and must not touch the runtime;
// everything else happens on the loop thread.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "clockwork/runtime/detail/offload_job.hpp"

namespace clockwork {

class runtime;

// co_await rt.offload(fn): runs fn off the loop, resumes on the loop with its result.
template <class F>
class [[nodiscard]] offload_awaitable final : public detail::offload_job {
 public:
  using result_type = std::invoke_result_t<F&>;
  offload_awaitable(runtime& rt, F fn) : offload_job(&offload_awaitable::run_job), rt_(&rt), fn_(std::move(fn)) {}
  offload_awaitable(offload_awaitable&& other) noexcept(std::is_nothrow_move_constructible_v<F>)
      : offload_job(&offload_awaitable::run_job), rt_(other.rt_), fn_(std::move(other.fn_)) {}
  offload_awaitable& operator=(offload_awaitable&&) = delete;
  // A frame destroyed while its work is still off the loop must not leave a worker writing
  // into it: the runtime waits for the worker or drops the queued job.
  ~offload_awaitable();

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  result_type await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<result_type>) return std::move(*value_);
  }

 private:
  static void run_job(detail::offload_job& job) noexcept {
    auto& self = static_cast<offload_awaitable&>(job);
    try {
      if constexpr (std::is_void_v<result_type>) {
        self.fn_();
      } else {
        self.value_.emplace(self.fn_());
      }
    } catch (...) {
      self.error_ = std::current_exception();
    }
  }

  using stored = std::conditional_t<std::is_void_v<result_type>, char, result_type>;
  runtime* rt_;
  F fn_;
  std::optional<stored> value_;
  std::exception_ptr error_;
};

}  // namespace clockwork
