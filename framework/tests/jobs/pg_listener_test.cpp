// The PostgreSQL store's wake-ups, against the fixture's server, on a real runtime: another
// connection's enqueue wakes a listening store without any polling (its polls set to an hour); a
// rolled-back enqueue wakes no one; a listener whose session ends is subscribed again; one whose
// server session stops answering (SIGSTOP: half-open) or that listens through PgBouncer in
// transaction pooling (deaf: the pooler gives its session to others) is found out by its pings,
// and the store polls meanwhile.
//
// Real time: what is asserted is whether a wait woke and what the listener counted, with
// deadlines long enough for a loaded machine; no test sleeps to wait for something.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>

#include "clockwork/jobs/postgres_job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "pg_handle.hpp"
#include "pg_schema.hpp"
#include "pg_test_env.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

using namespace std::chrono_literals;

new_job a_job() {
  new_job j;
  j.kind = "k";
  return j;
}

class pg_listener_test : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (IsSkipped()) return;
    address = fresh_database();
    connection db{address.direct};
    apply_migrations(db, store_migrations());
  }
  // A store that can only be woken by what it hears: its polls are an hour apart.
  std::unique_ptr<postgres_job_store> listening(const std::string& at, const std::string& listen_at = {}) {
    postgres_store_options o;
    o.name = "listening";
    o.change_poll = std::chrono::hours(1);
    o.listen_backstop = std::chrono::hours(1);
    o.listen_address = listen_at;
    return std::make_unique<postgres_job_store>(rt, at, o);
  }
  std::unique_ptr<postgres_job_store> producer() {
    postgres_store_options o;
    o.name = "producer";
    o.listen = false;
    return std::make_unique<postgres_job_store>(rt, address.direct, o);
  }
  bool wait(postgres_job_store& s, std::chrono::milliseconds for_at_most) {
    return rt.block_on(s.wait_for_activity(rt.now() + for_at_most, {}));
  }
  // Waits (up to a deadline) until the store's listener has had its ping answered.
  void until_listening(postgres_job_store& s) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!s.listener_status().listening) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the listener never heard its ping";
      wait(s, 100ms);
    }
  }
  // The server process of the session that LISTENs.
  int listener_backend_pid() {
    connection admin{address.direct};
    const auto r = admin.exec(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'", "a test");
    return r.rows() == 1 ? static_cast<int>(r.integer(0, 0)) : -1;
  }
  real_runtime rt;
  database address;
};

TEST_F(pg_listener_test, AnotherConnectionsEnqueueWakesAListeningStoreWithoutPolling) {
  auto l = listening(address.direct);
  auto p = producer();
  ASSERT_NO_FATAL_FAILURE(until_listening(*l));
  const auto heard_before = l->listener_status().work_heard;
  rt.block_on(p->enqueue({a_job()}));
  EXPECT_TRUE(wait(*l, 30s)) << "only the notification could wake it within the hour";
  EXPECT_GT(l->listener_status().work_heard, heard_before);
  EXPECT_EQ(l->listener_status().subscriptions, 1u);
}

TEST_F(pg_listener_test, ARolledBackEnqueueWakesNoOneACommittedOneDoes) {
  auto l = listening(address.direct);
  ASSERT_NO_FATAL_FAILURE(until_listening(*l));
  const auto heard_before = l->listener_status().work_heard;
  connection writer{address.direct};
  const char* insert =
      "INSERT INTO cw_job (kind, queue, payload, state, priority, max_attempts, scheduled_at, created_at) "
      "VALUES ('k', 'default', '{}', 'available', 0, 1, 0, 0)";
  writer.exec("BEGIN", "a test");
  writer.exec(insert, "a test");
  writer.exec("ROLLBACK", "a test");
  EXPECT_FALSE(wait(*l, 500ms)) << "a rolled-back enqueue notifies no one";
  EXPECT_EQ(l->listener_status().work_heard, heard_before);
  writer.exec("BEGIN", "a test");
  writer.exec(insert, "a test");
  writer.exec(insert, "a test");
  writer.commit("a test");
  EXPECT_TRUE(wait(*l, 30s));
  EXPECT_EQ(l->listener_status().work_heard, heard_before + 1) << "two rows of one queue, one transaction: coalesced";
}

TEST_F(pg_listener_test, AListenerWhoseSessionEndsIsSubscribedAgain) {
  auto l = listening(address.direct);
  auto p = producer();
  ASSERT_NO_FATAL_FAILURE(until_listening(*l));
  const int pid = listener_backend_pid();
  ASSERT_GT(pid, 0);
  connection admin{address.direct};
  admin.exec("SELECT pg_terminate_backend($1::integer)", {std::to_string(pid)}, "a test");
  // The loss is seen, the store subscribes again and wakes once (what was sent meanwhile is lost).
  EXPECT_TRUE(wait(*l, 30s));
  ASSERT_NO_FATAL_FAILURE(until_listening(*l));
  EXPECT_EQ(l->listener_status().lost, 1u);
  EXPECT_EQ(l->listener_status().subscriptions, 2u);
  rt.block_on(p->enqueue({a_job()}));
  EXPECT_TRUE(wait(*l, 30s)) << "the new subscription hears";
}

TEST_F(pg_listener_test, AHalfOpenListenerIsFoundByItsPingAndSubscribedAgain) {
  postgres_store_options o;
  o.name = "listening";
  o.change_poll = std::chrono::hours(1);
  o.listen_backstop = std::chrono::hours(1);
  o.listen_check = 200ms;
  o.listen_check_timeout = 500ms;
  postgres_job_store l{rt, address.direct, o};
  ASSERT_NO_FATAL_FAILURE(until_listening(l));
  const int pid = listener_backend_pid();
  ASSERT_GT(pid, 0);
  // The listener's server session stops answering, its socket still open: half-open.
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (l.listener_status().half_open == 0 && std::chrono::steady_clock::now() < deadline) wait(l, 200ms);
  ::kill(pid, SIGCONT);
  EXPECT_GE(l.listener_status().half_open, 1u) << "the unanswered ping was noticed";
  ASSERT_NO_FATAL_FAILURE(until_listening(l));
  EXPECT_GE(l.listener_status().subscriptions, 2u);
}

TEST_F(pg_listener_test, ThroughPgBouncerTheListenerIsFoundDeafAndTheStoreKeepsPolling) {
  postgres_store_options o;
  o.name = "pooled";
  o.change_poll = 25ms;
  o.listen_check = 200ms;
  o.listen_check_timeout = 500ms;
  postgres_job_store l{rt, address.pooled, o};
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (l.listener_status().half_open == 0 && std::chrono::steady_clock::now() < deadline) wait(l, 200ms);
  EXPECT_GE(l.listener_status().half_open, 1u) << "pings sent through the pooler never reach its listener";
  EXPECT_FALSE(l.listener_status().listening);
  EXPECT_EQ(l.listener_status().pings_answered, 0u);
}

TEST_F(pg_listener_test, BehindPgBouncerTheListenerMayGoStraightToTheServer) {
  auto l = listening(address.pooled, address.direct);
  auto p = producer();
  ASSERT_NO_FATAL_FAILURE(until_listening(*l));
  rt.block_on(p->enqueue({a_job()}));
  EXPECT_TRUE(wait(*l, 30s));
  EXPECT_EQ(l->listener_status().half_open, 0u);
}

}  // namespace
}  // namespace clockwork::jobs::detail::pg
