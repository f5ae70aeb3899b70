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

// Awaits a twice; the second await must throw std::logic_error saying so.
task<int> await_twice(task<int> a) {
  const int first = co_await a;
  EXPECT_FALSE(a.valid());
  const int second = co_await a;
  co_return first + second;
}

void expect_second_await_refused(task<int> a) {
  clockwork::virtual_runtime rt;
  try {
    rt.block_on(await_twice(std::move(a)));
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("already awaited"), std::string::npos) << e.what();
  }
}

TEST(Task, AwaitingATaskTwiceThrowsLogicError) {
  expect_second_await_refused(forty_two());
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

template <class T>
concept has_from_result = requires(T value) {
  task<T>::from_result(value);
};

// A from_result task has no coroutine: awaiting it gives its value at once.
TEST(Task, FromResultIsAFinishedTaskWithNoCoroutine) {
  clockwork::virtual_runtime rt;
  task<int> ready = task<int>::from_result(5);
  EXPECT_TRUE(ready.valid());
  EXPECT_EQ(rt.block_on(std::move(ready)), 5);
  // As a coroutine awaits one (a fake answering without waiting), and moved before it is.
  auto sum = []() -> task<int> {
    task<int> a = task<int>::from_result(20);
    task<int> b = std::move(a);
    const int twenty = co_await b;
    const bool yes = co_await task<bool>::from_result(true);
    const int more = co_await forty_two();
    co_return twenty + (yes ? 1 : 0) + more;
  };
  EXPECT_EQ(rt.block_on(sum()), 63);
  // Only small, trivially copyable values are held in the task itself.
  static_assert(!has_from_result<std::string>);
  static_assert(has_from_result<long>);
  // ... and the others' tasks are a handle, as before.
  static_assert(sizeof(task<>) == sizeof(void*));
  static_assert(sizeof(task<std::string>) == sizeof(void*));
}

TEST(Task, AFromResultTaskIsAwaitedOnceAndSettlesWithoutAnError) {
  expect_second_await_refused(task<int>::from_result(1));
  clockwork::virtual_runtime rt;
  auto await_moved_from = []() -> task<> {
    task<int> a = task<int>::from_result(1);
    task<int> b = std::move(a);
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): what a move leaves is under test
    co_await std::move(a);    // NOLINT(bugprone-use-after-move)
  };
  EXPECT_THROW(rt.block_on(await_moved_from()), std::logic_error);
  auto settle = []() -> task<bool> { co_return (co_await task<int>::from_result(3).settle()) == nullptr; };
  EXPECT_TRUE(rt.block_on(settle()));
}

// A loop of a million awaits of finished tasks needs no stack and no frame per await.
TEST(Task, AMillionFromResultAwaitsRunInALoop) {
  clockwork::virtual_runtime rt;
  auto count = []() -> task<long> {
    long total = 0;
    for (int i = 0; i < 1'000'000; ++i) total += co_await task<int>::from_result(i % 3);
    co_return total;
  };
  EXPECT_EQ(rt.block_on(count()), 999'999L);
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
