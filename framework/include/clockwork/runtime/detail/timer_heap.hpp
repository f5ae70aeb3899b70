// Internal: the runtime's armed timers, in (deadline, seq) order, with O(1) removal of any node.
// Hand-written because std::priority_queue cannot remove an arbitrary element, and a cancelled
// wait must leave at once (its node lives in a coroutine frame that may be destroyed right
// after).
//
// The shape: armed nodes sharing a deadline are linked into a *group*, a list in seq order; a
// binary min-heap orders the groups by (deadline, seq of the group's first node). The heap is
// thus a merge of sorted lists: its top group's first node is the earliest (deadline, seq) of
// all, exactly the order of a heap of single nodes.
//
// Why groups: deadlines in virtual time are shared far more often than not (whole seconds and
// milliseconds, periods of equal length started at one instant, every sleeper of a simulated
// fleet), and arm sequences only grow. So the common push appends to the group of its deadline
// (found through a small table of recently used groups) and the common pop unlinks a group's
// first node: constant time, touching one frame beside the group. A heap of single nodes moved
// ~log2(n) entries on every push and pop and wrote each moved node's position into its frame, a
// cache miss per level once frames outnumber the cache (bench/virtual_throughput_bench.cpp,
// docs/benchmarks.md: the gap to the bare loop at 100k and 1M timers). Here the heap holds
// groups, far fewer than nodes when deadlines repeat, and positions are written into group
// records that sit together in one pool. A deadline no other timer shares costs a group of one:
// a heap push and pop as before, plus a record from the pool.
//
// Groups of one deadline may be several (the table of recent groups forgets; a push then opens a
// new group): each list stays sorted and the heap keys on each group's current first node, so
// the merge is exact whatever the order of pushes. Keys only grow when a first node leaves (a
// sift down, which stops at once when the next node of the group is still the earliest), and
// only shrink when a push goes before a group's first node (a sift up; never when arm sequences
// grow).
//
// Thread safety: none; owned by one runtime's loop thread. A node's deadline and seq must not
// change while it is armed (the runtime disarms, changes, re-arms).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "clockwork/runtime/detail/timer_node.hpp"

namespace clockwork::detail {

// Armed nodes of one deadline, in seq order. Owned by the timer_heap's pool.
struct timer_group {
  steady_time deadline{};
  timer_node* first = nullptr;
  timer_node* last = nullptr;
  std::size_t heap_index = 0;
  timer_group* next_free = nullptr;
};

class timer_heap {
 public:
  timer_heap() { recent_.fill(nullptr); }
  timer_heap(const timer_heap&) = delete;
  timer_heap& operator=(const timer_heap&) = delete;

  bool empty() const noexcept { return size_ == 0; }
  // Armed nodes (not groups).
  std::size_t size() const noexcept { return size_; }
  timer_node* top() const noexcept { return entries_.front().group->first; }

  void push(timer_node& node) {
    timer_group*& recent = recent_[recent_slot(node.deadline)];
    if (recent == nullptr || recent->deadline != node.deadline) {
      recent = open_group(node);
    } else if (recent->last->seq < node.seq) {
      // The common case: a later arm of a deadline already armed goes last.
      node.group_prev = recent->last;
      node.group_next = nullptr;
      recent->last->group_next = &node;
      recent->last = &node;
      node.group = recent;
    } else {
      insert_sorted(*recent, node);
    }
    ++size_;
  }

  timer_node& pop() {
    timer_node& first = *entries_.front().group->first;
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
    timer_group* group;
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

  timer_group* open_group(timer_node& node) {
    // Either allocation may throw; the order leaves nothing half done if one does.
    if (free_ == nullptr) free_ = &pool_.emplace_back();
    entries_.push_back(entry{node.deadline, node.seq, free_});
    timer_group* g = free_;
    free_ = g->next_free;
    g->next_free = nullptr;
    g->deadline = node.deadline;
    g->first = g->last = &node;
    node.group_prev = node.group_next = nullptr;
    node.group = g;
    sift_up(entries_.size() - 1);
    return g;
  }

  // A push out of seq order (only a runtime that re-arms nodes with their old sequence numbers
  // does that): walk back from the group's end to the node's place.
  void insert_sorted(timer_group& g, timer_node& node) noexcept {
    timer_node* after = g.last;
    while (after != nullptr && after->seq > node.seq) after = after->group_prev;
    node.group = &g;
    node.group_prev = after;
    if (after == nullptr) {
      node.group_next = g.first;
      g.first->group_prev = &node;
      g.first = &node;
      entries_[g.heap_index].seq = node.seq;  // the key shrank
      sift_up(g.heap_index);
    } else {
      node.group_next = after->group_next;
      if (after->group_next != nullptr) after->group_next->group_prev = &node;
      after->group_next = &node;
      if (g.last == after) g.last = &node;
    }
  }

  void unlink(timer_node& node) noexcept {
    timer_group& g = *node.group;
    node.group = nullptr;
    --size_;
    if (node.group_next != nullptr) {
      node.group_next->group_prev = node.group_prev;
    } else {
      g.last = node.group_prev;
    }
    if (node.group_prev != nullptr) {
      node.group_prev->group_next = node.group_next;
      node.group_prev = node.group_next = nullptr;
      return;
    }
    g.first = node.group_next;
    node.group_next = nullptr;
    if (g.first == nullptr) {
      close_group(g);
      return;
    }
    entries_[g.heap_index].seq = g.first->seq;  // the key grew
    sift_down(g.heap_index);
  }

  void close_group(timer_group& g) noexcept {
    remove_at(g.heap_index);
    timer_group*& recent = recent_[recent_slot(g.deadline)];
    if (recent == &g) recent = nullptr;
    g.next_free = free_;
    free_ = &g;
  }

  void place(std::size_t i, const entry& e) noexcept {
    entries_[i] = e;
    e.group->heap_index = i;
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

  std::vector<entry> entries_;  // the heap of groups
  std::size_t size_ = 0;        // armed nodes
  // Group records: a deque, so their addresses stay put as it grows; closed ones are reused.
  std::deque<timer_group> pool_;
  timer_group* free_ = nullptr;
  // The last group opened or used for each hashed deadline: where a push looks first. A slot may
  // forget a group still open (another deadline took the slot); a push then opens a new one.
  std::array<timer_group*, std::size_t{1} << recent_bits> recent_;
};

}  // namespace clockwork::detail
