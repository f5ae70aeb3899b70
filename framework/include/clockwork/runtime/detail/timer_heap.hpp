// Internal: a binary min-heap of timer_node pointers ordered by (deadline, seq), with O(log n)
// removal of any node through its stored index. Hand-written because std::priority_queue
// cannot remove an arbitrary element, and a cancelled wait must leave the heap at once (its
// node lives in a coroutine frame that may be destroyed right after).
//
// Thread safety: none; owned by one runtime's loop thread.
#pragma once

#include <cstddef>
#include <vector>

#include "clockwork/runtime/detail/timer_node.hpp"

namespace clockwork::detail {

class timer_heap {
 public:
  bool empty() const noexcept { return nodes_.empty(); }
  std::size_t size() const noexcept { return nodes_.size(); }
  timer_node* top() const noexcept { return nodes_.front(); }
  const std::vector<timer_node*>& nodes() const noexcept { return nodes_; }

  void push(timer_node& node) {
    node.heap_index = nodes_.size();
    nodes_.push_back(&node);
    sift_up(node.heap_index);
  }

  timer_node& pop() {
    timer_node& first = *nodes_.front();
    remove_at(0);
    return first;
  }

  // Removes node if it is in the heap; returns whether it was.
  bool remove(timer_node& node) noexcept {
    if (!node.in_heap()) return false;
    remove_at(node.heap_index);
    return true;
  }

 private:
  static bool earlier(const timer_node* a, const timer_node* b) noexcept {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
  }

  void place(std::size_t i, timer_node* n) noexcept {
    nodes_[i] = n;
    n->heap_index = i;
  }

  void remove_at(std::size_t i) noexcept {
    nodes_[i]->heap_index = timer_node::not_in_heap;
    timer_node* last = nodes_.back();
    nodes_.pop_back();
    if (i == nodes_.size()) return;
    place(i, last);
    if (i > 0 && earlier(last, nodes_[(i - 1) / 2])) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }

  void sift_up(std::size_t i) noexcept {
    timer_node* n = nodes_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!earlier(n, nodes_[parent])) break;
      place(i, nodes_[parent]);
      i = parent;
    }
    place(i, n);
  }

  void sift_down(std::size_t i) noexcept {
    timer_node* n = nodes_[i];
    const std::size_t count = nodes_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= count) break;
      if (child + 1 < count && earlier(nodes_[child + 1], nodes_[child])) ++child;
      if (!earlier(nodes_[child], n)) break;
      place(i, nodes_[child]);
      i = child;
    }
    place(i, n);
  }

  std::vector<timer_node*> nodes_;
};

}  // namespace clockwork::detail
