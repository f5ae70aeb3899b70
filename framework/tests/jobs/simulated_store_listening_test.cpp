// The simulated store's PostgreSQL ways of hearing of others' commits (simulated_listening), in
// virtual time, to the instant: notifications at commit, coalesced; a pooled connection that
// only polls; a half-open listener found by its liveness check; one cut off that misses what is
// sent meanwhile and, restored, looks once; the backstop poll behind a listener.
#include <gtest/gtest.h>

#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork::jobs {
namespace {

using namespace std::chrono_literals;

class simulated_listening_test : public ::testing::Test {
 protected:
  template <class T>
  T run(task<T> t) {
    return rt.block_on(std::move(t));
  }
  void enqueue_one() {
    new_job j;
    j.kind = "k";
    run(producer->enqueue({j}));
  }
  // Waits up to `for_at_most`; returns how long it took when woken, or nullopt.
  std::optional<std::chrono::nanoseconds> woken_within(simulated_job_store& s, std::chrono::nanoseconds for_at_most) {
    const steady_time began = rt.now();
    const bool woke = run(s.wait_for_activity(began + for_at_most, {}));
    if (!woke) return std::nullopt;
    return rt.now() - began;
  }
  virtual_runtime rt;
  std::shared_ptr<simulated_job_store> producer = std::make_shared<simulated_job_store>(rt);
};

TEST_F(simulated_listening_test, ANotificationWakesAtOnceAndSeveralBeforeAWaitWakeItOnce) {
  auto a = producer->connect("a");
  a->listening(simulated_listening::postgres());
  enqueue_one();
  enqueue_one();
  EXPECT_EQ(woken_within(*a, 1min), 0ns);
  // Coalesced: nothing new has been sent since; the next wake is the backstop's look, which
  // finds no commit it has not seen, so it waits on to its deadline.
  EXPECT_EQ(woken_within(*a, 5s), std::nullopt);
}

TEST_F(simulated_listening_test, APooledConnectionHearsNothingAndFindsCommitsAtItsPollTicks) {
  auto a = producer->connect("a");
  simulated_listening pooled = simulated_listening::pooled();
  pooled.poll = 100ms;
  a->listening(pooled);
  EXPECT_EQ(woken_within(*a, 250ms), std::nullopt) << "nothing committed: its polls find nothing";
  rt.run_for(30ms);  // now 280 ms after its first wait began: its ticks are at 100, 200, 300...
  enqueue_one();
  EXPECT_EQ(woken_within(*a, 1s), 20ms) << "the commit is found at the next tick, 300 ms";
}

TEST_F(simulated_listening_test, AHalfOpenListenerIsFoundWhenItsPingIsOverdueAndLooksOnce) {
  auto a = producer->connect("a");
  simulated_listening how = simulated_listening::postgres();
  how.backstop = {};  // only the check can save it here
  a->listening(how);
  EXPECT_EQ(woken_within(*a, 15s), std::nullopt);  // its first check, at 10 s, is answered
  a->deafen();
  enqueue_one();  // unheard
  // Its next check is sent at 20 s (5 s from now) and overdue at 22 s: found, subscribed again,
  // and it looks once.
  EXPECT_EQ(woken_within(*a, 1min), 7s);
  EXPECT_FALSE(a->deaf());
  enqueue_one();
  EXPECT_EQ(woken_within(*a, 1min), 0ns) << "it hears again";
}

TEST_F(simulated_listening_test, BehindADeafListenerTheBackstopPollFindsTheCommit) {
  auto a = producer->connect("a");
  a->listening(simulated_listening::postgres());  // backstop every 1 s
  a->deafen();
  rt.run_for(400ms);
  enqueue_one();
  const auto after = woken_within(*a, 1min);
  ASSERT_TRUE(after.has_value());
  EXPECT_LE(*after, 1s);
}

TEST_F(simulated_listening_test, ACutConnectionMissesWhatIsSentAndRestoredLooksOnce) {
  auto a = producer->connect("a");
  simulated_listening how = simulated_listening::postgres();
  how.backstop = {};
  how.check = {};
  a->listening(how);
  a->sever();
  enqueue_one();  // sent while a is cut off: lost
  a->restore();
  EXPECT_EQ(woken_within(*a, 1min), 0ns) << "restored: subscribed again, it looks once";
  EXPECT_EQ(woken_within(*a, 1min), std::nullopt) << "what it missed is not delivered";
}

TEST_F(simulated_listening_test, WithoutAListeningConfigurationNothingChanges) {
  auto a = producer->connect("a");
  a->sever();
  enqueue_one();
  a->restore();
  EXPECT_EQ(woken_within(*a, 1min), std::nullopt) << "the ideal default: no resubscription wake";
  enqueue_one();
  EXPECT_EQ(woken_within(*a, 1min), 0ns);
}

}  // namespace
}  // namespace clockwork::jobs
