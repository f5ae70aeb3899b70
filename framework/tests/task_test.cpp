#include "clockwork/task.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "clockwork/runtime/virtual_runtime.hpp"

namespace {

using clockwork::task;

task<int> forty_two() {
  co_return 42;
}

task<int> add_one(task<int> inner) {
  const int v = co_await std::move(inner);
  co_return v + 1;
}

task<> throws_runtime_error() {
  throw std::runtime_error("boom");
  co_return;
}

task<std::string> rethrows_as_string() {
  try {
    co_await throws_runtime_error();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not reached";
}

TEST(Task, IsLazyAndProducesItsValueWhenAwaited) {
  clockwork::virtual_runtime rt;
  bool started = false;
  auto body = [](bool& flag) -> task<int> {
    flag = true;
    co_return 7;
  };
  task<int> t = body(started);
  EXPECT_FALSE(started);
  EXPECT_TRUE(t.valid());
  EXPECT_EQ(rt.block_on(std::move(t)), 7);
  EXPECT_TRUE(started);
}

TEST(Task, NestsAndPassesValuesUp) {
  clockwork::virtual_runtime rt;
  EXPECT_EQ(rt.block_on(add_one(add_one(forty_two()))), 44);
}

TEST(Task, ExceptionPropagatesToTheAwaiterUnchanged) {
  clockwork::virtual_runtime rt;
  EXPECT_EQ(rt.block_on(rethrows_as_string()), "caught boom");
  EXPECT_THROW(rt.block_on(throws_runtime_error()), std::runtime_error);
}

TEST(Task, MoveOnlyValueTypesWork) {
  clockwork::virtual_runtime rt;
  auto make = []() -> task<std::unique_ptr<int>> { co_return std::make_unique<int>(5); };
  auto p = rt.block_on(make());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

TEST(Task, AwaitingAnEmptyTaskThrowsLogicError) {
  clockwork::virtual_runtime rt;
  auto await_moved_from = []() -> task<> {
    task<int> a = forty_two();
    task<int> b = std::move(a);
    co_await std::move(a);  // NOLINT(bugprone-use-after-move): the misuse under test
  };
  EXPECT_THROW(rt.block_on(await_moved_from()), std::logic_error);
}

TEST(Task, AwaitingATaskTwiceThrowsLogicError) {
  clockwork::virtual_runtime rt;
  auto await_twice = []() -> task<int> {
    task<int> a = forty_two();
    int first = co_await a;
    int second = co_await a;
    co_return first + second;
  };
  try {
    rt.block_on(await_twice());
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("already awaited"), std::string::npos) << e.what();
  }
}

TEST(Task, SettleHandsBackTheExceptionInsteadOfRethrowing) {
  clockwork::virtual_runtime rt;
  auto settle_both = []() -> task<std::string> {
    const std::exception_ptr ok = co_await forty_two().settle();
    const std::exception_ptr failed = co_await throws_runtime_error().settle();
    std::string what;
    try {
      std::rethrow_exception(failed);
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    co_return (ok ? std::string("error") : std::string("ok")) + "," + what;
  };
  EXPECT_EQ(rt.block_on(settle_both()), "ok,boom");
}

TEST(Task, DestroyingAnUnstartedTaskRunsNothing) {
  bool started = false;
  {
    auto body = [](bool& flag) -> task<> {
      flag = true;
      co_return;
    };
    task<> t = body(started);
  }
  EXPECT_FALSE(started);
}

// Symmetric transfer becomes a tail call only when GCC optimises (-O2; this file is always
// built with it) and no sanitizer instruments the frames.
TEST(Task, DeepChainsUseConstantStack) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers keep a stack frame per resume";
#endif
  clockwork::virtual_runtime rt;
  struct chain {
    static task<int> depth(int n) {
      if (n == 0) co_return 0;
      const int below = co_await depth(n - 1);
      co_return below + 1;
    }
  };
  EXPECT_EQ(rt.block_on(chain::depth(1000000)), 1000000);
}

}  // namespace
