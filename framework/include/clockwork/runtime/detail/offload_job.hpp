// Internal: the type-erased half of co_await rt.offload(fn) — what a runtime's worker runs and
// what it resumes afterwards. offload_awaitable<F> (offload.hpp) derives from it.
//
// Thread safety: run() executes on a worker thread (real_runtime) or inline on the loop
// (virtual_runtime); continuation and owner are written and read on the loop thread only.
#pragma once

#include <coroutine>

#include "clockwork/runtime/detail/task_record.hpp"

namespace clockwork::detail {

// Work handed to runtime::submit_offload: run() executes the function on a worker (or inline on
// virtual time) and stores its result; the runtime then resumes continuation on the loop.
class offload_job {
 public:
  using run_fn = void (*)(offload_job&) noexcept;
  explicit offload_job(run_fn runner) noexcept : run_(runner) {}
  void run() noexcept { run_(*this); }
  std::coroutine_handle<> continuation;
  task_record* owner = nullptr;

 protected:
  ~offload_job() = default;

 private:
  run_fn run_;
};

}  // namespace clockwork::detail
