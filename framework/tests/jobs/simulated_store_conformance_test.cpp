// The conformance suite on the simulated store, and what only the simulated store does: faults
// on purpose.
#include "clockwork/jobs/simulated_job_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/diagnostics/trace.hpp"
#include "store_conformance.hpp"

namespace clockwork::jobs {
namespace {

std::shared_ptr<simulated_job_store> database;

testing::store_backend simulated_backend() {
  testing::store_backend b;
  b.name = "simulated";
  b.fresh = [] { database.reset(); };
  b.open = [](runtime& rt, const std::string& connection) -> std::shared_ptr<job_store> {
    if (!database) database = std::make_shared<simulated_job_store>(rt);
    return database->connect(connection);
  };
  return b;
}

using namespace std::chrono_literals;

class simulated_store_faults : public ::testing::Test {
 protected:
  template <class T>
  T run(task<T> t) {
    return rt.block_on(std::move(t));
  }
  static new_job make() {
    new_job j;
    j.kind = "k";
    return j;
  }
  claim_request request(std::string instance = "a") {
    claim_request r;
    r.instance = std::move(instance);
    r.queues = {"default"};
    r.kinds = {"k"};
    r.limit = 10;
    return r;
  }
  virtual_runtime rt;
  std::shared_ptr<simulated_job_store> db = std::make_shared<simulated_job_store>(rt);
};

TEST_F(simulated_store_faults, CommitUnknownAppliesAndThrows) {
  auto a = db->connect("a");
  a->script([](const store_call& c) {
    store_fault f;
    f.commit_unknown = c.operation == "complete" && c.call == 1;
    return f;
  });
  run(a->enqueue({make()}));
  const job j = run(a->claim(request())).at(0);
  const job_effect add = [](job_transaction& tx) { tx.add_to_counter("n", 1); };
  EXPECT_THROW(run(a->complete(j.fence(), add)), commit_unknown);
  EXPECT_EQ(run(db->get(j.id))->state, job_state::succeeded) << "it did apply";
  // The worker retries with the same fence: answered applied, applied once.
  EXPECT_EQ(run(a->complete(j.fence(), add)), write_outcome::applied);
  EXPECT_EQ(run(db->stats()).counters.at("n"), 1);
}

TEST_F(simulated_store_faults, UnavailableAppliesNothing) {
  auto a = db->connect("a");
  a->script([](const store_call& c) {
    store_fault f;
    f.unavailable = c.operation == "enqueue" && c.call == 1;
    return f;
  });
  EXPECT_THROW(run(a->enqueue({make()})), store_unavailable);
  EXPECT_EQ(run(db->stats()).enqueued, 0u);
  EXPECT_EQ(run(a->enqueue({make()})).size(), 1u);
  EXPECT_EQ(a->calls("enqueue"), 2u);
}

TEST_F(simulated_store_faults, ASeveredConnectionRefusesEveryCall) {
  auto a = db->connect("a");
  a->sever();
  EXPECT_THROW(run(a->enqueue({make()})), store_unavailable);
  EXPECT_THROW(run(a->now()), store_unavailable);
  a->restore();
  EXPECT_NO_THROW(run(a->enqueue({make()})));
}

TEST_F(simulated_store_faults, LatencyTakesVirtualTimeAndASeverMidCallDropsIt) {
  auto a = db->connect("a");
  a->script([](const store_call& c) {
    store_fault f;
    if (c.operation == "enqueue") f.latency = 5s;
    return f;
  });
  const steady_time before = rt.now();
  run(a->enqueue({make()}));
  EXPECT_EQ(rt.now() - before, 5s);
  bool threw = false;
  rt.spawn(
      [](simulated_job_store& s, bool& out) -> task<> {
        try {
          std::vector<new_job> batch(1);
          batch[0].kind = "k";
          co_await s.enqueue(std::move(batch));
        } catch (const store_unavailable&) {
          out = true;
        }
      }(*a, threw),
      "enqueuer");
  rt.advance_by(1s);
  a->sever();  // the process dies with the call in flight
  rt.advance_by(10s);
  EXPECT_TRUE(threw);
  EXPECT_EQ(run(db->stats()).enqueued, 1u);
}

TEST_F(simulated_store_faults, ASlowRescueCannotOverwriteACompletionBetweenItsReadAndWrite) {
  auto worker = db->connect("worker");
  auto rescuer = db->connect("rescuer");
  rescuer->script([](const store_call& c) {
    store_fault f;
    if (c.operation == "rescue") f.between_read_and_write = 10s;
    return f;
  });
  run(worker->enqueue({make()}));
  const job j = run(worker->claim(request("worker"))).at(0);
  rt.advance_by(31s);
  std::vector<job_id> rescued{-1};
  rt.spawn([](simulated_job_store& s, std::vector<job_id>& out) -> task<> { out = co_await s.rescue(10); }(*rescuer,
                                                                                                           rescued),
           "rescuer");
  rt.advance_by(1s);  // the rescue has read the expired lease and is slow to write
  EXPECT_EQ(run(worker->complete(j.fence(), {})), write_outcome::applied);
  rt.advance_by(20s);
  EXPECT_TRUE(rescued.empty()) << "its conditional write found the job completed";
  EXPECT_EQ(run(db->get(j.id))->state, job_state::succeeded);
}

TEST_F(simulated_store_faults, WakeUpsArriveAfterCommitAndCanBeLost) {
  auto a = db->connect("a");
  auto b = db->connect("b");
  b->script([](const store_call& c) {
    store_fault f;
    f.lose_notification = c.operation == "notify" && c.call == 1;
    return f;
  });
  bool a_woke = false;
  bool b_woke = false;
  const steady_time until = rt.now() + 1min;
  rt.spawn([](job_store& s, steady_time t, bool& out) -> task<> { out = co_await s.wait_for_activity(t, {}); }(
                                                          *a, until, a_woke),
           "a waits");
  rt.spawn([](job_store& s, steady_time t, bool& out) -> task<> { out = co_await s.wait_for_activity(t, {}); }(
                                                          *b, until, b_woke),
           "b waits");
  rt.run_until_idle();
  run(a->enqueue({make()}));
  rt.advance_by(2min);
  EXPECT_TRUE(a_woke);
  EXPECT_FALSE(b_woke) << "b's wake-up was lost: it waited until its deadline (the poll covers it)";
}

TEST_F(simulated_store_faults, ChangesAreTracedForTheDetectors) {
  clockwork::trace tr{rt.clock()};
  rt.set_observer(&tr);
  auto a = db->connect("a");
  run(a->enqueue({make()}));
  const job j = run(a->claim(request())).at(0);
  run(a->complete(j.fence(), [](job_transaction& tx) { tx.add_to_counter("n", 1); }));
  EXPECT_EQ(run(a->complete({j.id, 0}, {})), write_outcome::lease_lost);
  rt.set_observer(nullptr);
  EXPECT_EQ(tr.count("job.enqueued"), 1u);
  EXPECT_EQ(tr.count("job.claimed"), 1u);
  EXPECT_EQ(tr.count("job.effect"), 1u);
  EXPECT_EQ(tr.count("job.succeeded"), 1u);
  EXPECT_EQ(tr.count("job.lease_lost"), 1u);
}

}  // namespace

namespace testing {
INSTANTIATE_TEST_SUITE_P(simulated, job_store_conformance, ::testing::Values(simulated_backend()), backend_name);
}  // namespace testing

}  // namespace clockwork::jobs
