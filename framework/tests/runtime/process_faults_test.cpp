// virtual_runtime::freeze and crash: what happens to the coroutines of one simulated process (a
// root) when it pauses or dies, while the others run on.
#include <gtest/gtest.h>

#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;

task<> ticker(virtual_runtime& rt, std::vector<std::chrono::milliseconds>& at) {
  for (;;) {
    co_await rt.delay(1s);
    at.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(rt.elapsed()));
  }
}

using ms = std::chrono::milliseconds;

TEST(ProcessFaults, AFrozenRootResumesWhenItThawsWhileOthersRunOn) {
  virtual_runtime rt;
  std::vector<ms> a;
  std::vector<ms> b;
  rt.spawn_as(ticker(rt, a), "a ticker", "a");
  rt.spawn_as(ticker(rt, b), "b ticker", "b");
  rt.advance_by(2500ms);
  rt.freeze("a", 5s);
  rt.advance_by(7500ms);
  EXPECT_EQ(b, (std::vector<ms>{1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s}));
  // a's wait for 3 s fired on time, but a resumed only at 7.5 s, then went on from there.
  EXPECT_EQ(a, (std::vector<ms>{1s, 2s, 7500ms, 8500ms, 9500ms}));
}

TEST(ProcessFaults, FreezingAgainExtendsToTheLaterEnd) {
  virtual_runtime rt;
  std::vector<ms> a;
  rt.spawn_as(ticker(rt, a), "a ticker", "a");
  rt.advance_by(500ms);
  rt.freeze("a", 2s);
  rt.freeze("a", 1s);  // earlier: no change
  rt.advance_by(1s);
  rt.freeze("a", 3s);  // later: 4.5 s
  rt.advance_by(4s);
  EXPECT_EQ(a, (std::vector<ms>{4500ms, 5500ms}));
}

struct guard {
  bool* destroyed;
  ~guard() { *destroyed = true; }
};

task<> worker(runtime& rt, bool& destroyed, bool& resumed) {
  guard g{&destroyed};
  co_await rt.delay(10s);
  resumed = true;
}

TEST(ProcessFaults, ACrashDestroysARootsCoroutinesWithoutResumingThem) {
  virtual_runtime rt;
  bool destroyed = false;
  bool resumed = false;
  std::vector<ms> b;
  rt.spawn_as(worker(rt, destroyed, resumed), "a worker", "a");
  rt.spawn_as(ticker(rt, b), "b ticker", "b");
  rt.advance_by(1s);
  EXPECT_EQ(rt.live_tasks(), 2u);
  EXPECT_EQ(rt.crash("a"), 1u);
  EXPECT_TRUE(destroyed) << "its memory went: destructors ran";
  EXPECT_FALSE(resumed) << "no code after its last suspension ran";
  EXPECT_EQ(rt.live_tasks(), 1u);
  rt.advance_by(20s);
  EXPECT_FALSE(resumed);
  EXPECT_EQ(b.size(), 21u);
  EXPECT_EQ(rt.crash("nobody"), 0u);
}

TEST(ProcessFaults, ACrashOfAFrozenRootDropsWhatItHeld) {
  virtual_runtime rt;
  bool destroyed = false;
  bool resumed = false;
  rt.spawn_as(worker(rt, destroyed, resumed), "a worker", "a");
  rt.advance_by(1s);
  rt.freeze("a", 1min);
  rt.advance_by(15s);  // its wait fired and is held
  EXPECT_EQ(rt.crash("a"), 1u);
  rt.advance_by(2min);
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(resumed);
}

}  // namespace
}  // namespace clockwork
