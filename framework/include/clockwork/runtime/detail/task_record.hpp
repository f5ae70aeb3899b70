// Internal: what the runtime keeps about one spawned coroutine, and the wrapper that owns it.
//
// A task_record is made by runtime::spawn and lives until its coroutine ends (or is destroyed);
// its address is stable for that whole time, because waits keep a pointer to it (owner) to say
// whom they resume. The runtime reads it to describe pending work (describe_pending, deadlock
// reports) and hands it to the observer as a task_info.
//
// Thread safety: only the runtime's loop thread touches a record.
#pragma once

#include <coroutine>
#include <string>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::detail {

struct task_record : task_info {
  std::coroutine_handle<> frame;  // the detached wrapper, destroyed on shutdown if still alive
  bool transparent = false;       // block_on's wrapper: what it spawns is rooted at its own name
  wait_kind waiting = wait_kind::none;
  steady_time wait_deadline{};
  // A copy, not a view: what is awaited (an event, a timer) may be destroyed while the record
  // still describes the wait, and a deadlock report must not read freed memory. Assigning
  // reuses the string's storage, so a service waiting on the same thing again allocates nothing.
  std::string wait_what;
  steady_time wait_since{};
  // The runtime's list of live tasks, in spawn order (task_list.hpp).
  task_record* previous_task = nullptr;
  task_record* next_task = nullptr;
};

// The self-destroying coroutine that owns a spawned task (defined in tasks.cpp).
struct detached_task {
  struct promise_type;
  std::coroutine_handle<promise_type> handle;
};

}  // namespace clockwork::detail
