// The worker: claims, runs, completes, retries, fails, releases on stop, keeps its lease, stops
// trusting it, and never completes a job it no longer holds.
#include "clockwork/jobs/job_worker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/testing/simulation_test.hpp"

namespace clockwork::jobs {
namespace {

using namespace std::chrono_literals;

class job_worker_test : public clockwork::testing::simulation_test {
 protected:
  template <class T>
  T query(task<T> t) {
    return sim.rt().block_on(std::move(t));
  }
  job_id enqueue(std::string kind, nlohmann::json payload = nlohmann::json::object(),
                 std::chrono::nanoseconds delay = {}, unsigned max_attempts = 10) {
    new_job j;
    j.kind = std::move(kind);
    j.payload = std::move(payload);
    j.delay = delay;
    j.max_attempts = max_attempts;
    return query(store->enqueue({j})).at(0).id;
  }
  job fetch(job_id id) { return query(store->get(id)).value(); }

  std::shared_ptr<simulated_job_store> store = std::make_shared<simulated_job_store>(sim.rt());
  worker_options options = [] {
    worker_options o;
    o.instance = "w";
    o.concurrency = 2;
    return o;
  }();
};

TEST_F(job_worker_test, RunsDueJobsAndCompletesThem) {
  std::vector<std::string> seen;
  job_registry registry;
  registry.add("greet", [&seen](job_context& job) -> task<> {
    seen.push_back(job.payload().at("name").get<std::string>());
    co_return;
  });
  add_job_worker(sim.builder(), store, registry, options);
  const job_id a = enqueue("greet", {{"name", "ana"}});
  const job_id b = enqueue("greet", {{"name", "bo"}});
  sim.start();
  sim.run_for(1s);
  EXPECT_THAT(seen, ::testing::ElementsAre("ana", "bo"));
  EXPECT_EQ(fetch(a).state, job_state::succeeded);
  EXPECT_EQ(fetch(b).state, job_state::succeeded);
  sim.stop();
  EXPECT_TRUE(sim.result().ok()) << sim.report();
}

TEST_F(job_worker_test, ADelayedJobStartsAtItsDueInstantNotAtTheNextPoll) {
  std::vector<utc_time> started;
  job_registry registry;
  registry.add("later", [&started](job_context& job) -> task<> {
    started.push_back(job.rt().clock().utc_now());
    co_return;
  });
  options.poll_interval = 1h;  // a poll would be an hour late: the due-instant timer is what counts
  add_job_worker(sim.builder(), store, registry, options);
  sim.start();
  const utc_time begin = sim.rt().clock().utc_now();
  enqueue("later", {}, 90min + 250ms);
  sim.run_for(3h);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0], begin + 90min + 250ms);
  sim.stop();
}

TEST_F(job_worker_test, FailuresAreRetriedWithBackoffThenFailForGood) {
  int calls = 0;
  job_registry registry;
  job_kind_options kind;
  kind.retry = retry_policy::exponential(1, 10s, 10s);
  kind.retry.full_jitter = false;
  registry.add(
      "flaky",
      [&calls](job_context&) -> task<> {
        ++calls;
        throw std::runtime_error("upstream 503");
        co_return;
      },
      kind);
  add_job_worker(sim.builder(), store, registry, options);
  const job_id id = enqueue("flaky", {}, {}, 3);
  sim.start();
  sim.run_for(9s);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(fetch(id).state, job_state::retrying);
  sim.run_for(1min);
  EXPECT_EQ(calls, 3);
  const job j = fetch(id);
  EXPECT_EQ(j.state, job_state::failed);
  EXPECT_EQ(j.last_error, "upstream 503");
  sim.stop();
}

TEST_F(job_worker_test, AThrowingShouldRetryFailsTheJobInsteadOfWedgingIt) {
  job_registry registry;
  job_kind_options kind;
  kind.retry.should_retry = [](const std::exception_ptr& e) -> bool { std::rethrow_exception(e); };
  registry.add(
      "bad",
      [](job_context&) -> task<> {
        throw std::logic_error("bug");
        co_return;
      },
      kind);
  add_job_worker(sim.builder(), store, registry, options);
  const job_id id = enqueue("bad");
  sim.start();
  sim.run_for(1s);
  EXPECT_EQ(fetch(id).state, job_state::failed);
  sim.stop();
  EXPECT_TRUE(sim.result().ok()) << sim.report();
}

TEST_F(job_worker_test, ClaimsOnlyTheKindsItServes) {
  job_registry registry;
  registry.add("known", [](job_context&) -> task<> { co_return; });
  add_job_worker(sim.builder(), store, registry, options);
  const job_id unknown = enqueue("from.the.next.version");
  const job_id known = enqueue("known");
  sim.start();
  sim.run_for(1min);
  EXPECT_EQ(fetch(known).state, job_state::succeeded);
  EXPECT_EQ(fetch(unknown).state, job_state::available) << "waits for an instance that knows it";
  EXPECT_EQ(query(store->stats()).unserved_kinds, std::vector<std::string>{"from.the.next.version"});
  sim.stop();
}

TEST_F(job_worker_test, HeartbeatsKeepALongJobsLease) {
  job_registry registry;
  registry.add("long", [](job_context& job) -> task<> { co_await job.rt().delay(5min, job.stopping()); });
  add_job_worker(sim.builder(), store, registry, options);
  const job_id id = enqueue("long");
  sim.start();
  sim.run_for(10min);
  const job j = fetch(id);
  EXPECT_EQ(j.state, job_state::succeeded);
  EXPECT_EQ(j.attempt, 1u) << "never rescued: heartbeats renewed the lease";
  EXPECT_EQ(query(store->stats()).rescued, 0u);
  sim.stop();
}

TEST_F(job_worker_test, AStopReleasesUnfinishedJobsWithTheirAttemptGivenBack) {
  job_registry registry;
  registry.add("long", [](job_context& job) -> task<> { co_await job.rt().delay(1h, job.stopping()); });
  options.stop_grace = 5s;
  add_job_worker(sim.builder(), store, registry, options);
  const job_id id = enqueue("long");
  sim.start();
  sim.run_for(1min);
  EXPECT_EQ(fetch(id).state, job_state::running);
  sim.stop();
  const job j = fetch(id);
  EXPECT_EQ(j.state, job_state::available);
  EXPECT_EQ(j.attempt, 0u);
  EXPECT_TRUE(sim.result().ok()) << sim.report();
}

TEST_F(job_worker_test, AJobThatFinishesWithinTheGraceCompletes) {
  job_registry registry;
  registry.add("short", [](job_context& job) -> task<> { co_await job.rt().delay(3s); });
  options.stop_grace = 5s;
  add_job_worker(sim.builder(), store, registry, options);
  const job_id id = enqueue("short");
  sim.start();
  sim.run_for(1s);
  sim.stop();
  EXPECT_EQ(fetch(id).state, job_state::succeeded);
}

TEST_F(job_worker_test, AWorkerThatLostItsStoreStopsTrustingItsLease) {
  bool stopped = false;
  job_registry registry;
  registry.add("long", [&stopped](job_context& job) -> task<> {
    try {
      co_await job.rt().delay(1h, job.stopping());
    } catch (const operation_canceled&) {
      stopped = true;
      throw;
    }
  });
  auto connection = store->connect("w");
  add_job_worker(sim.builder(), connection, registry, options);
  const job_id id = enqueue("long");
  sim.start();
  sim.run_for(1s);
  connection->sever();
  sim.run_for(25s);
  EXPECT_FALSE(stopped);
  sim.run_for(1s);  // 27 s after the claim: lease (30 s) minus the trust margin (3 s)
  EXPECT_TRUE(stopped);
  EXPECT_EQ(fetch(id).state, job_state::running) << "nothing was written: the store is unreachable";
  sim.stop();
}

TEST_F(job_worker_test, ATransactionalCompletionAppliesItsEffectOnce) {
  job_registry registry;
  registry.add("count", [](job_context& job) -> task<> {
    co_await job.complete_with([](job_transaction& tx) { tx.add_to_counter("hits", 1); });
  });
  add_job_worker(sim.builder(), store, registry, options);
  for (int i = 0; i < 5; ++i) enqueue("count");
  sim.start();
  sim.run_for(1s);
  EXPECT_EQ(query(store->stats()).counters.at("hits"), 5);
  EXPECT_EQ(query(store->stats()).count(job_state::succeeded), 5u);
  sim.stop();
}

}  // namespace
}  // namespace clockwork::jobs
