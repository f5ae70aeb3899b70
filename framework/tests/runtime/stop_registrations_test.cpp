// Waits on one stop token share one stop callback on a virtual runtime
// (clockwork/runtime/detail/stop_registrations.hpp): the order a stop cancels them in, waits
// leaving the list early, more tokens than the runtime shares registrations for, and tokens
// stopped and waited on again.
#include "clockwork/runtime/detail/stop_registrations.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "clockwork/errors.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::virtual_runtime;

// Sleeps for d on token; logs its name when the wait is cancelled, and "<name> woke" otherwise.
task<> sleeper(virtual_runtime& rt, std::stop_token token, std::string name, std::chrono::nanoseconds d,
               std::vector<std::string>& log) {
  try {
    co_await rt.delay(d, token);
    log.push_back(name + " woke");
  } catch (const clockwork::operation_canceled&) {
    log.push_back(name);
  }
}

// Spawns the sleepers one by one, each suspended before the next starts.
void spawn_sleepers(virtual_runtime& rt, const std::stop_token& token, const std::vector<std::string>& names,
                    std::vector<std::string>& log, std::chrono::nanoseconds d = 1h) {
  for (const auto& name : names) {
    rt.spawn(sleeper(rt, token, name, d, log), name);
    rt.run_until_idle();
  }
}

TEST(SharedStopRegistration, AStopCancelsTheWaitsNewestFirstAsTheirOwnCallbacksWould) {
  // What the same waits' own std::stop_callbacks would do: registered in the same order, run on
  // one stop.
  std::vector<std::string> own_order;
  {
    std::stop_source source;
    std::vector<std::unique_ptr<std::stop_callback<std::function<void()>>>> callbacks;
    for (const char* name : {"a", "b", "c", "d"}) {
      callbacks.push_back(std::make_unique<std::stop_callback<std::function<void()>>>(
          source.get_token(), std::function<void()>{[&own_order, name] { own_order.emplace_back(name); }}));
    }
    source.request_stop();
  }

  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  spawn_sleepers(rt, stop.get_token(), {"a", "b", "c", "d"}, log);
  ASSERT_TRUE(log.empty());
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, own_order);
  EXPECT_EQ(log, (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(SharedStopRegistration, WaitsThatEndFirstLeaveTheListWhereverTheyAreOnIt) {
  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  // The oldest, a middle one and the newest wake before the stop.
  rt.spawn(sleeper(rt, stop.get_token(), "oldest", 1s, log), "oldest");
  rt.run_until_idle();
  spawn_sleepers(rt, stop.get_token(), {"b"}, log);
  rt.spawn(sleeper(rt, stop.get_token(), "middle", 2s, log), "middle");
  rt.run_until_idle();
  spawn_sleepers(rt, stop.get_token(), {"d"}, log);
  rt.spawn(sleeper(rt, stop.get_token(), "newest", 3s, log), "newest");
  rt.run_until_idle();
  rt.advance_by(3s);
  EXPECT_EQ(log, (std::vector<std::string>{"oldest woke", "middle woke", "newest woke"}));
  log.clear();
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"d", "b"}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(SharedStopRegistration, MoreTokensThanSharedRegistrationsAreEachStoppedAlone) {
  virtual_runtime rt;
  constexpr int tokens = 20;  // more than the runtime shares registrations for
  std::vector<std::stop_source> stops(tokens);
  std::vector<std::string> log;
  for (int i = 0; i < tokens; ++i) {
    spawn_sleepers(rt, stops[i].get_token(), {"t" + std::to_string(i) + "a", "t" + std::to_string(i) + "b"}, log);
  }
  // Stop them out of order; each stop cancels its own two waits, newest first, and no other.
  for (int i : {7, 0, 19, 8, 3}) {
    stops[i].request_stop();
    rt.run_until_idle();
    EXPECT_EQ(log, (std::vector<std::string>{"t" + std::to_string(i) + "b", "t" + std::to_string(i) + "a"}));
    log.clear();
  }
  // New waits on a token whose registration slot was freed by the stops.
  std::stop_source late;
  spawn_sleepers(rt, late.get_token(), {"late a", "late b"}, log);
  late.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"late b", "late a"}));
  log.clear();
  rt.advance_by(1h);
  EXPECT_EQ(log.size(), 2u * (tokens - 5));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(SharedStopRegistration, AStoppedTokenWaitedOnAgainCancelsAtOnce) {
  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  spawn_sleepers(rt, stop.get_token(), {"a", "b"}, log);
  stop.request_stop();
  rt.run_until_idle();
  spawn_sleepers(rt, stop.get_token(), {"c"}, log);
  EXPECT_EQ(log, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(rt.pending_timers(), 0u);
}

TEST(SharedStopRegistration, ACallbackRegisteredBeforeAnyWaitRunsAfterTheWaits) {
  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  // The callback posts, so its place among the cancellations shows in the ready queue's order.
  const std::stop_callback foreign{stop.get_token(), [&] { rt.post([&] { log.emplace_back("callback"); }); }};
  spawn_sleepers(rt, stop.get_token(), {"a", "b"}, log);
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"b", "a", "callback"}));
}

TEST(SharedStopRegistration, ACallbackRegisteredWhileWaitsAreOnTheTokenRunsBeforeThemAll) {
  // The documented difference from per-wait registrations: the shared callback keeps the place
  // of the first wait, so a callback registered after it runs before every wait on the list.
  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  spawn_sleepers(rt, stop.get_token(), {"a"}, log);
  const std::stop_callback foreign{stop.get_token(), [&] { rt.post([&] { log.emplace_back("callback"); }); }};
  spawn_sleepers(rt, stop.get_token(), {"b"}, log);
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"callback", "b", "a"}));
}

TEST(SharedStopRegistration, ATokenNobodyWaitsOnAnyMoreIsRegisteredAnewAtTheNewestPlace) {
  virtual_runtime rt;
  std::stop_source stop;
  std::vector<std::string> log;
  rt.spawn(sleeper(rt, stop.get_token(), "early", 1s, log), "early");
  rt.run_until_idle();
  rt.advance_by(1s);  // the only wait leaves: the shared callback is deregistered
  const std::stop_callback foreign{stop.get_token(), [&] { rt.post([&] { log.emplace_back("callback"); }); }};
  spawn_sleepers(rt, stop.get_token(), {"a"}, log);
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"early woke", "a", "callback"}));
}

TEST(SharedStopRegistration, WaitsOfEveryKindShareTheTokensRegistration) {
  virtual_runtime rt;
  std::stop_source stop;
  clockwork::async_event event{rt};
  std::vector<std::string> log;
  spawn_sleepers(rt, stop.get_token(), {"sleeper"}, log);
  rt.spawn(
      [](virtual_runtime&, clockwork::async_event& ev, std::stop_token token, std::vector<std::string>& out) -> task<> {
        try {
          co_await ev.wait(token);
          out.emplace_back("event set");
        } catch (const clockwork::operation_canceled&) {
          out.emplace_back("event wait");
        }
      }(rt, event, stop.get_token(), log),
      "event waiter");
  rt.run_until_idle();
  rt.spawn(
      [](virtual_runtime& r, std::stop_token token, std::vector<std::string>& out) -> task<> {
        const bool slept = co_await r.try_delay(1h, token);
        out.emplace_back(slept ? "try_delay woke" : "try_delay");
      }(rt, stop.get_token(), log),
      "try_delay");
  rt.run_until_idle();
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(log, (std::vector<std::string>{"try_delay", "event wait", "sleeper"}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(SharedStopRegistration, ARuntimeDestroyedWithWaitsOnATokenLeavesItUsable) {
  std::stop_source stop;
  std::vector<std::string> log;
  {
    virtual_runtime rt;
    spawn_sleepers(rt, stop.get_token(), {"a", "b", "c"}, log);
  }                     // the frames go first, and with them every wait's place on the list
  stop.request_stop();  // nothing registered is left to run
  EXPECT_TRUE(log.empty());
  virtual_runtime again;
  spawn_sleepers(again, stop.get_token(), {"d"}, log);
  EXPECT_EQ(log, (std::vector<std::string>{"d"}));
}

}  // namespace
