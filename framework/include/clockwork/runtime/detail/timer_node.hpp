// Internal: the intrusive timer that every clockwork wait is built on.
//
// A timer_node lives inside the awaitable, i.e. inside the suspended coroutine's frame, so
// arming a timer allocates nothing. The runtime keeps armed nodes in (deadline, seq) order
// (timer_heap.hpp): each node is linked into the ring of armed nodes sharing its deadline, so
// it can be removed in O(1) when its wait is cancelled or its coroutine is destroyed.
//
// Thread safety: only the runtime's loop thread touches these fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "clockwork/time/clock.hpp"

namespace clockwork::detail {

struct task_record;

class timer_node {
 public:
  // Called on the loop thread once the deadline is reached, after the node left the heap.
  // A function pointer rather than a virtual function: nodes are embedded in awaitables that
  // are not meant to be polymorphic, and the call is on the hottest path.
  using fire_fn = void (*)(timer_node&);

 private:
  fire_fn on_fire_;  // first: the data members end in padding a derived wait fills (heap_index)

 public:
  explicit timer_node(fire_fn on_fire) noexcept : on_fire_(on_fire) {}
  timer_node(const timer_node&) = delete;
  timer_node& operator=(const timer_node&) = delete;

  void fire() { on_fire_(*this); }

  static constexpr std::uint32_t not_first = std::numeric_limits<std::uint32_t>::max();

  bool in_heap() const noexcept { return group_next != nullptr; }

  // Runtime bookkeeping (loop thread only).
  steady_time deadline{};
  std::uint64_t seq = 0;  // arm order: equal deadlines fire in this order
  // Where the timer_heap keeps it: its neighbours in the ring of its deadline's group, in seq
  // order (null: not armed), and, for a group's first node only, its entry in the heap.
  timer_node* group_prev = nullptr;
  timer_node* group_next = nullptr;
  task_record* owner = nullptr;  // the spawned coroutine that armed it, if any
  // 32 bits (a heap of 2^32 groups would not fit in memory), and last: the node then ends in 4
  // bytes of padding that a derived wait fills (timed_wait's state).
  std::uint32_t heap_index = not_first;

 protected:
  ~timer_node() = default;
};

}  // namespace clockwork::detail
