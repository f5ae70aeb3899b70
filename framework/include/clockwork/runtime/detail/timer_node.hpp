// Internal: the intrusive timer that every clockwork wait is built on.
//
// A timer_node lives inside the awaitable, i.e. inside the suspended coroutine's frame, so
// arming a timer allocates nothing. The runtime keeps armed nodes in (deadline, seq) order
// (timer_heap.hpp): each node is linked into the group of armed nodes sharing its deadline, so
// it can be removed in O(1) when its wait is cancelled or its coroutine is destroyed.
//
// Thread safety: only the runtime's loop thread touches these fields.
#pragma once

#include <cstddef>
#include <cstdint>

#include "clockwork/time/clock.hpp"

namespace clockwork::detail {

struct task_record;
struct timer_group;

class timer_node {
 public:
  // Called on the loop thread once the deadline is reached, after the node left the heap.
  // A function pointer rather than a virtual function: nodes are embedded in awaitables that
  // are not meant to be polymorphic, and the call is on the hottest path.
  using fire_fn = void (*)(timer_node&);

  explicit timer_node(fire_fn on_fire) noexcept : on_fire_(on_fire) {}
  timer_node(const timer_node&) = delete;
  timer_node& operator=(const timer_node&) = delete;

  void fire() { on_fire_(*this); }

  bool in_heap() const noexcept { return group != nullptr; }

  // Runtime bookkeeping (loop thread only).
  steady_time deadline{};
  std::uint64_t seq = 0;  // arm order: equal deadlines fire in this order
  // Where the timer_heap keeps it: its deadline's group (null: not armed) and its neighbours
  // there, in seq order.
  timer_group* group = nullptr;
  timer_node* group_prev = nullptr;
  timer_node* group_next = nullptr;
  task_record* owner = nullptr;  // the spawned coroutine that armed it, if any

 protected:
  ~timer_node() = default;

 private:
  fire_fn on_fire_;
};

}  // namespace clockwork::detail
