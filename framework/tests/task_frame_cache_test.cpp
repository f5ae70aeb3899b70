// The per-thread cache of coroutine frames: a freed frame serves the next frame of its size
// class on the same thread; large frames and frames freed on other threads are handled too.
#include "clockwork/task_frame_cache.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"

namespace {

using clockwork::detail::allocate_frame;
using clockwork::detail::free_frame;

TEST(TaskFrameCache, AFreedFrameServesTheNextFrameOfItsSizeClass) {
#if CLOCKWORK_FRAME_CACHE
  void* first = allocate_frame(100);
  free_frame(first, 100);
  void* second = allocate_frame(120);  // the same 64-byte class: 65..128 bytes
  EXPECT_EQ(second, first);
  free_frame(second, 120);
#else
  GTEST_SKIP() << "the cache is off under AddressSanitizer, so that use after free is reported";
#endif
}

TEST(TaskFrameCache, LargeFramesAndManyFramesComeAndGoWithoutTheCacheGrowing) {
  std::vector<void*> frames;
  for (int i = 0; i < 100; ++i) frames.push_back(allocate_frame(static_cast<std::size_t>(64 + i * 40)));
  frames.push_back(allocate_frame(1 << 20));  // past the largest class: straight from the heap
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) free_frame(frames[i], 64 + i * 40);
  free_frame(frames.back(), 1 << 20);
  SUCCEED();  // the sanitizer builds check that every byte was freed exactly once
}

clockwork::task<int> answer() {
  co_return 42;
}

TEST(TaskFrameCache, AFrameMayBeFreedOnAnotherThreadWhichReleasesItsCacheWhenItEnds) {
  std::vector<clockwork::task<int>> tasks;
  for (int i = 0; i < 50; ++i) tasks.push_back(answer());
  std::thread other{[moved = std::move(tasks)]() mutable { moved.clear(); }};
  other.join();
  clockwork::virtual_runtime rt;
  EXPECT_EQ(rt.block_on(answer()), 42);  // this thread's cache still serves
}

}  // namespace
