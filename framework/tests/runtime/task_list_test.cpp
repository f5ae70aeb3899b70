// The runtime's list of live tasks and the recycler its memory comes from: records stay in spawn
// (id) order whatever is removed, lookups by id find exactly the live ones, and freed blocks are
// handed out again instead of going back to the heap.
#include "clockwork/runtime/detail/task_list.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <memory_resource>
#include <random>
#include <string>
#include <vector>

#include "clockwork/runtime/detail/block_recycler.hpp"

namespace {

using clockwork::detail::block_recycler;
using clockwork::detail::task_list;
using clockwork::detail::task_record;

std::vector<std::uint64_t> ids_forward(const task_list& tasks) {
  std::vector<std::uint64_t> out;
  for (const task_record* r = tasks.first(); r != nullptr; r = r->next_task) out.push_back(r->id);
  return out;
}

std::vector<std::uint64_t> ids_backward(const task_list& tasks) {
  std::vector<std::uint64_t> out;
  for (const task_record* r = tasks.last(); r != nullptr; r = r->previous_task) out.insert(out.begin(), r->id);
  return out;
}

TEST(TaskList, RemovingFirstMiddleAndLastKeepsSpawnOrderBothWays) {
  task_list tasks;
  for (std::uint64_t id = 1; id <= 5; ++id) tasks.add(id).name = "task " + std::to_string(id);
  tasks.remove(*tasks.find(3));  // middle
  tasks.remove(*tasks.find(1));  // first
  tasks.remove(*tasks.find(5));  // last
  EXPECT_EQ(ids_forward(tasks), (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(ids_backward(tasks), (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks.find(4)->name, "task 4");
  tasks.remove(*tasks.find(2));
  tasks.remove(*tasks.find(4));
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(tasks.first(), nullptr);
  EXPECT_EQ(tasks.last(), nullptr);
}

TEST(TaskList, MatchesAnOrderedMapUnderRandomAddsAndRemovals) {
  task_list tasks;
  std::map<std::uint64_t, std::string> expected;
  std::mt19937_64 rng(21);
  std::uint64_t next_id = 1;
  for (int step = 0; step < 20'000; ++step) {
    if (expected.empty() || rng() % 3 != 0) {
      const std::uint64_t id = next_id++;
      tasks.add(id).root = std::to_string(id * 7);
      expected.emplace(id, std::to_string(id * 7));
    } else {
      auto it = expected.begin();
      std::advance(it, static_cast<long>(rng() % expected.size()));
      task_record* record = tasks.find(it->first);
      ASSERT_NE(record, nullptr) << it->first;
      tasks.remove(*record);
      expected.erase(it);
    }
    // A removed id is not found; a never-spawned one is not either.
    ASSERT_EQ(tasks.find(next_id), nullptr);
  }
  ASSERT_EQ(tasks.size(), expected.size());
  std::vector<std::uint64_t> keys;
  for (const auto& [id, root] : expected) {
    keys.push_back(id);
    ASSERT_EQ(tasks.find(id)->root, root);
  }
  EXPECT_EQ(ids_forward(tasks), keys);
  EXPECT_EQ(ids_backward(tasks), keys);
}

#if CLOCKWORK_FRAME_CACHE
TEST(BlockRecycler, AFreedBlockOfTheRecycledSizeIsHandedOutAgain) {
  block_recycler memory;
  void* first = memory.allocate(96, 16);
  void* second = memory.allocate(96, 16);
  memory.deallocate(first, 96, 16);
  EXPECT_EQ(memory.allocate(96, 16), first);    // the freed block, not a new one
  void* other_size = memory.allocate(200, 16);  // another size: straight from the heap, not recycled
  memory.deallocate(other_size, 200, 16);
  memory.deallocate(first, 96, 16);
  memory.deallocate(second, 96, 16);
}
#endif

TEST(BlockRecycler, BacksAPmrMapWhoseNodesComeAndGo) {
  block_recycler memory;
  std::pmr::map<int, std::string> map{&memory};
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) map.emplace(i, std::string(40, static_cast<char>('a' + round)));
    EXPECT_EQ(map.size(), 1000u);
    EXPECT_EQ(map.at(999), std::string(40, static_cast<char>('a' + round)));
    map.clear();
  }
}

}  // namespace
