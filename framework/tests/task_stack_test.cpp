// Stack use of task awaits at -O0, where no compiler turns symmetric transfer into a tail call
// (this file is always built without optimisation, in every preset, sanitizers included).
#include <gtest/gtest.h>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/task.hpp"

namespace {

using clockwork::task;

task<int> one() {
  co_return 1;
}

task<long> sums_in_a_flat_loop(int count) {
  long total = 0;
  for (int i = 0; i < count; ++i) total += co_await one();
  co_return total;
}

// A loop of awaits on tasks that finish without suspending (a cache hit, a fake repository)
// must not grow the stack: 500k iterations at -O0 would need hundreds of megabytes otherwise.
TEST(TaskStack, AFlatLoopOfSynchronouslyFinishingAwaitsUsesConstantStackWithoutOptimisation) {
  clockwork::virtual_runtime rt;
  EXPECT_EQ(rt.block_on(sums_in_a_flat_loop(500'000)), 500'000);
}

task<int> nested(int depth) {
  if (depth == 0) co_return 0;
  co_return 1 + co_await nested(depth - 1);
}

task<long> sums_nested_chains(int count) {
  long total = 0;
  for (int i = 0; i < count; ++i) total += co_await nested(20);
  co_return total;
}

// Chains deeper than the inline limit switch to symmetric transfer; a loop over them must not
// accumulate frames either.
TEST(TaskStack, ALoopOverShallowChainsUsesConstantStackWithoutOptimisation) {
  clockwork::virtual_runtime rt;
  EXPECT_EQ(rt.block_on(sums_nested_chains(50'000)), 50'000L * 20);
}

}  // namespace
