// Internal: the runtime's armed timers, in (deadline, seq) order, with O(1) removal of any node.
// Hand-written because std::priority_queue cannot remove an arbitrary element, and a cancelled
// wait must leave at once (its node lives in a coroutine frame that may be destroyed right
// after).
//
// The shape: armed nodes sharing a deadline form a *group*, a ring in seq order linked through
// the nodes themselves; a binary min-heap orders the groups by (deadline, seq of the group's
// first node), and only a group's first node holds a heap position. The heap is thus a merge of
// sorted lists: its top group's first node is the earliest (deadline, seq) of all, exactly the
// order of a heap of single nodes.
//
// Why groups: deadlines in virtual time are shared far more often than not (whole seconds and
// milliseconds, periods of equal length started at one instant, every sleeper of a simulated
// fleet), and arm sequences only grow. So the common push appends to the group of its deadline
// (found through a small table of recent groups) and the common pop unlinks a group's first
// node: constant time, touching the frames of the node, its successor and the group's last
// node. A heap of single nodes moved ~log2(n) entries on every push and pop and wrote each
// moved node's position into its frame, a cache miss per level once frames outnumber the cache
// (bench/virtual_throughput_bench.cpp, docs/benchmarks.md: instructions per event at 100k
// timers 977 -> 478). A deadline no other timer shares is a ring of one: a heap push and pop as
// before. A ring needs no storage beyond two links in each node, and a 32-bit heap position
// leaves room for the wait's own state in the node's padding, so a suspended wait is no larger
// than before (a group record apart from the nodes cost each idle service of a real runtime,
// whose deadline is its own, 64 bytes: bench/memory_bench.cpp).
//
// Groups of one deadline may be several (the table of recent groups forgets; a push then opens a
// new group): each ring stays sorted and the heap keys on each group's current first node, so
// the merge is exact whatever the order of pushes. Keys only grow when a first node leaves (a
// sift down, which stops at once when the group's next node is still the earliest), and only
// shrink when a push goes before a group's first node (a sift up; never while arm sequences
// grow).
//
// Thread safety: none; owned by one runtime's loop thread. A node's deadline and seq must not
// change while it is armed (the runtime disarms, changes, re-arms).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "clockwork/runtime/detail/timer_node.hpp"

namespace clockwork::detail {

class timer_heap {
 public:
  timer_heap() { recent_.fill(nullptr); }
  timer_heap(const timer_heap&) = delete;
  timer_heap& operator=(const timer_heap&) = delete;

  bool empty() const noexcept { return size_ == 0; }
  // Armed nodes (not groups).
  std::size_t size() const noexcept { return size_; }
  timer_node* top() const noexcept { return entries_.front().first; }

  void push(timer_node& node) {
    timer_node*& recent = recent_[recent_slot(node.deadline)];
    timer_node* const first = recent;
    if (first == nullptr || first->deadline != node.deadline) {
      open_group(node);
      recent = &node;
    } else if (first->group_prev->seq < node.seq) {
      // The common case: a later arm of a deadline already armed goes last.
      link_after(*first->group_prev, node);
    } else {
      insert_sorted(*first, node);
    }
    ++size_;
  }

  timer_node& pop() {
    timer_node& first = *entries_.front().first;
    unlink(first);
    return first;
  }

  // Removes node if it is armed; returns whether it was.
  bool remove(timer_node& node) noexcept {
    if (!node.in_heap()) return false;
    unlink(node);
    return true;
  }

 private:
  struct entry {
    steady_time deadline;
    std::uint64_t seq;  // of the group's first node
    timer_node* first;
  };
  static constexpr std::size_t arity = 2;  // children a heap entry
  static constexpr std::size_t recent_bits = 10;

  static std::size_t recent_slot(steady_time deadline) noexcept {
    // Fibonacci hashing: whole-millisecond deadlines (multiples of 10^6 ns) spread over the table.
    const auto ns = static_cast<std::uint64_t>(deadline.time_since_epoch().count());
    return static_cast<std::size_t>((ns * 0x9E3779B97F4A7C15ULL) >> (64 - recent_bits));
  }

  // Without branches: timers often share a deadline, so which side of `||` decides is hard to
  // predict, and a mispredicted branch costs more than the three comparisons.
  static bool earlier(const entry& a, const entry& b) noexcept {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
  }

  static void link_after(timer_node& at, timer_node& node) noexcept {
    node.group_prev = &at;
    node.group_next = at.group_next;
    at.group_next->group_prev = &node;
    at.group_next = &node;
  }

  void open_group(timer_node& node) {
    entries_.push_back(entry{node.deadline, node.seq, &node});  // may throw: nothing changed yet
    node.group_prev = node.group_next = &node;
    sift_up(entries_.size() - 1);
  }

  // A push out of seq order (only a runtime that re-arms nodes with their old sequence numbers
  // does that): walk back from the group's last node to the node's place.
  void insert_sorted(timer_node& first, timer_node& node) noexcept {
    timer_node* at = first.group_prev;
    while (at != &first && at->seq > node.seq) at = at->group_prev;
    if (at != &first || first.seq < node.seq) {
      link_after(*at, node);
      return;
    }
    // Before the first node: the node leads the group now, and the group's key shrank.
    link_after(*first.group_prev, node);
    hand_over(first, node);
    sift_up(node.heap_index);
  }

  // to becomes the first node of from's group, in from's heap entry and recent slot.
  void hand_over(timer_node& from, timer_node& to) noexcept {
    const std::uint32_t i = from.heap_index;
    from.heap_index = timer_node::not_first;
    to.heap_index = i;
    entries_[i].first = &to;
    entries_[i].seq = to.seq;
    timer_node*& recent = recent_[recent_slot(from.deadline)];
    if (recent == &from) recent = &to;
  }

  void unlink(timer_node& node) noexcept {
    timer_node& next = *node.group_next;
    timer_node& prev = *node.group_prev;
    node.group_prev = node.group_next = nullptr;
    --size_;
    if (node.heap_index == timer_node::not_first) {
      prev.group_next = &next;
      next.group_prev = &prev;
      return;
    }
    if (&next == &node) {  // alone: the group closes
      remove_at(node.heap_index);
      node.heap_index = timer_node::not_first;
      timer_node*& recent = recent_[recent_slot(node.deadline)];
      if (recent == &node) recent = nullptr;
      return;
    }
    prev.group_next = &next;
    next.group_prev = &prev;
    hand_over(node, next);  // the key grew
    sift_down(next.heap_index);
  }

  void place(std::size_t i, const entry& e) noexcept {
    entries_[i] = e;
    e.first->heap_index = static_cast<std::uint32_t>(i);
  }

  void remove_at(std::size_t i) noexcept {
    const entry last = entries_.back();
    entries_.pop_back();
    if (i == entries_.size()) return;
    place(i, last);
    if (i > 0 && earlier(last, entries_[(i - 1) / arity])) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }

  void sift_up(std::size_t i) noexcept {
    const entry e = entries_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / arity;
      if (!earlier(e, entries_[parent])) break;
      place(i, entries_[parent]);
      i = parent;
    }
    place(i, e);
  }

  void sift_down(std::size_t i) noexcept {
    const entry e = entries_[i];
    const std::size_t count = entries_.size();
    for (;;) {
      const std::size_t first_child = arity * i + 1;
      if (first_child >= count) break;
      const std::size_t end = first_child + arity < count ? first_child + arity : count;
      std::size_t best = first_child;
      for (std::size_t c = first_child + 1; c < end; ++c) {
        if (earlier(entries_[c], entries_[best])) best = c;
      }
      if (!earlier(entries_[best], e)) break;
      place(i, entries_[best]);
      i = best;
    }
    place(i, e);
  }

  std::vector<entry> entries_;  // the heap of groups, one entry per group's first node
  std::size_t size_ = 0;        // armed nodes
  // The first node of the last group opened or led for each hashed deadline: where a push looks
  // first. A slot may forget a group still open (another deadline took the slot); a push then
  // opens a new one. A slot never holds a node that is not a group's first.
  std::array<timer_node*, std::size_t{1} << recent_bits> recent_;
};

}  // namespace clockwork::detail
