// The runtime's timer heap: whatever the pushes and removals, nodes come out in (deadline, seq)
// order — checked against an ordered set on random operations, with deadlines few (large groups)
// or many (groups the table of recent ones forgets), sequence numbers growing (as the runtime
// arms) or in any order — and every node knows whether it is in the heap.
#include "clockwork/runtime/detail/timer_heap.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace {

using clockwork::steady_time;
using clockwork::detail::timer_heap;
using clockwork::detail::timer_node;

struct test_node : timer_node {
  test_node() : timer_node([](timer_node&) {}) {}
};

steady_time at(std::int64_t ns) {
  return steady_time{} + std::chrono::nanoseconds(ns);
}

TEST(TimerHeap, EqualDeadlinesComeOutInArmOrder) {
  std::vector<std::unique_ptr<test_node>> nodes;
  timer_heap heap;
  for (std::uint64_t seq = 0; seq < 20; ++seq) {
    nodes.push_back(std::make_unique<test_node>());
    nodes.back()->deadline = at(seq % 2 == 0 ? 5 : 3);
    nodes.back()->seq = seq;
  }
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) heap.push(**it);  // pushed in reverse
  std::vector<std::uint64_t> order;
  while (!heap.empty()) order.push_back(heap.pop().seq);
  const std::vector<std::uint64_t> expected{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18};
  EXPECT_EQ(order, expected);
  for (const auto& n : nodes) EXPECT_FALSE(n->in_heap());
}

struct random_run {
  std::uint64_t deadlines;  // how many distinct deadlines
  bool growing_seq;         // as the runtime arms; else any order
  bool spread = false;      // deadlines scattered over a year, not consecutive milliseconds
};

void run_random(const random_run& run) {
  std::mt19937_64 random(42);
  std::vector<std::unique_ptr<test_node>> nodes;
  for (int i = 0; i < 2000; ++i) nodes.push_back(std::make_unique<test_node>());
  timer_heap heap;
  std::set<std::pair<steady_time, std::uint64_t>> reference;
  std::uint64_t next_seq = 0;
  // Whole milliseconds, as most virtual-time deadlines are. Consecutive ones never share a slot
  // of the heap's table of recent groups; scattered ones do, so groups of a deadline split.
  std::vector<steady_time> deadlines;
  for (std::uint64_t i = 0; i < run.deadlines; ++i) {
    const std::uint64_t ms = run.spread ? random() % 31'536'000'000ULL : i;
    deadlines.push_back(at(static_cast<std::int64_t>(ms) * 1'000'000));
  }
  for (int step = 0; step < 200'000; ++step) {
    test_node& n = *nodes[random() % nodes.size()];
    switch (random() % 3) {
      case 0:  // arm (a node already armed is disarmed first, as the runtime does)
        if (n.in_heap()) {
          reference.erase({n.deadline, n.seq});
          ASSERT_TRUE(heap.remove(n));
        }
        n.deadline = deadlines[random() % deadlines.size()];
        // Unique either way: the low bits count, the high ones scramble the order.
        n.seq = run.growing_seq ? next_seq++ : ((random() % 1'000'000) << 20) + next_seq++;
        heap.push(n);
        reference.insert({n.deadline, n.seq});
        break;
      case 1:  // cancel
        ASSERT_EQ(heap.remove(n), reference.erase({n.deadline, n.seq}) == 1);
        EXPECT_FALSE(n.in_heap());
        break;
      default:  // fire the earliest
        if (reference.empty()) {
          ASSERT_TRUE(heap.empty());
          break;
        }
        ASSERT_EQ(std::make_pair(heap.top()->deadline, heap.top()->seq), *reference.begin());
        const timer_node& first = heap.pop();
        ASSERT_EQ(std::make_pair(first.deadline, first.seq), *reference.begin());
        EXPECT_FALSE(first.in_heap());
        reference.erase(reference.begin());
        break;
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
  while (!reference.empty()) {
    const timer_node& first = heap.pop();
    ASSERT_EQ(std::make_pair(first.deadline, first.seq), *reference.begin());
    reference.erase(reference.begin());
  }
  EXPECT_TRUE(heap.empty());
}

TEST(TimerHeap, RandomPushesRemovalsAndPopsFollowTheOrderOfAnOrderedSet) {
  run_random({64, true});  // few deadlines: large groups
}

TEST(TimerHeap, ManyDeadlinesOverflowTheTableOfRecentGroupsAndKeepTheOrder) {
  // 2000 nodes over 100k deadlines: slots of the table collide, groups of one deadline split.
  run_random({100'000, true});
  run_random({3'000, true});
  run_random({300, true, true});
}

TEST(TimerHeap, PushesOutOfSequenceOrderKeepTheOrder) {
  run_random({64, false});
  run_random({3'000, false});
  run_random({300, false, true});  // groups of several, and slots of the table shared
}

TEST(TimerHeap, RemovingTheFirstMiddleOrLastOfAGroupKeepsTheRest) {
  std::vector<std::unique_ptr<test_node>> nodes;
  timer_heap heap;
  for (std::uint64_t seq = 0; seq < 6; ++seq) {
    nodes.push_back(std::make_unique<test_node>());
    nodes.back()->deadline = at(7);
    nodes.back()->seq = seq;
    heap.push(*nodes.back());
  }
  EXPECT_TRUE(heap.remove(*nodes[0]));  // first
  EXPECT_TRUE(heap.remove(*nodes[3]));  // middle
  EXPECT_TRUE(heap.remove(*nodes[5]));  // last
  EXPECT_FALSE(heap.remove(*nodes[5]));
  EXPECT_EQ(heap.size(), 3u);
  nodes.push_back(std::make_unique<test_node>());
  nodes.back()->deadline = at(7);
  nodes.back()->seq = 9;
  heap.push(*nodes.back());  // after the removed last
  std::vector<std::uint64_t> order;
  while (!heap.empty()) order.push_back(heap.pop().seq);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 4, 9}));
  for (const auto& n : nodes) EXPECT_FALSE(n->in_heap());
}

}  // namespace
