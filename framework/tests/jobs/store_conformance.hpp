// The job store conformance suite: one set of behaviours every backend passes (the simulated
// store, SQLite, PostgreSQL), run in virtual time so that every instant is exact — a database
// backend takes its clock from the runtime it is given, as an injected `$now` would.
//
// A backend's test file defines a store_backend and instantiates the suite:
//
//   INSTANTIATE_TEST_SUITE_P(simulated, job_store_conformance,
//                            ::testing::Values(clockwork::jobs::testing::store_backend{...}));
//
// Each test gets a fresh database (backend.fresh), and opens as many connections to it as it
// needs (backend.open), each named as an instance would name its own.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork::jobs::testing {

struct store_backend {
  std::string name;
  // Forgets every database this backend made (a new test starts from nothing). May GTEST_SKIP()
  // when the backend has no database to test here (it says why).
  std::function<void()> fresh;
  // A connection to the test's database, on rt.
  std::function<std::shared_ptr<job_store>(runtime& rt, const std::string& connection)> open;
};

inline std::string backend_name(const ::testing::TestParamInfo<store_backend>& info) {
  return info.param.name;
}

class job_store_conformance : public ::testing::TestWithParam<store_backend> {
 protected:
  void SetUp() override {
    GetParam().fresh();
    if (IsSkipped()) return;  // the backend has no database here, and said why
    store = open("a");
    start = rt.clock().utc_now();
  }
  std::shared_ptr<job_store> open(const std::string& connection) { return GetParam().open(rt, connection); }
  template <class T>
  T run(task<T> t) {
    return rt.block_on(std::move(t));
  }
  void run(task<> t) { rt.block_on(std::move(t)); }
  void advance(std::chrono::nanoseconds d) { rt.advance_by(d); }

  static new_job make(std::string kind = "test.kind", std::string queue = "default") {
    new_job j;
    j.kind = std::move(kind);
    j.queue = std::move(queue);
    j.payload = {{"n", 1}};
    return j;
  }
  job_id enqueue_one(new_job j) { return run(store->enqueue({std::move(j)})).at(0).id; }
  claim_request request(std::size_t limit = 10, std::vector<std::string> kinds = {"test.kind"},
                        std::vector<std::string> queues = {"default"}, std::string instance = "a") {
    claim_request r;
    r.instance = std::move(instance);
    r.queues = std::move(queues);
    r.kinds = std::move(kinds);
    r.limit = limit;
    r.lease = std::chrono::seconds(30);
    return r;
  }
  job fetch(job_id id) {
    auto j = run(store->get(id));
    EXPECT_TRUE(j.has_value()) << "job " << id;
    return j.value_or(job{});
  }
  std::vector<job_event> events_of(job_id id) {
    std::vector<job_event> out;
    for (const auto& e : run(store->history(id))) out.push_back(e.event);
    return out;
  }

  virtual_runtime rt;
  std::shared_ptr<job_store> store;
  utc_time start;
};

using namespace std::chrono_literals;

// ---- enqueue ------------------------------------------------------------------------------------

TEST_P(job_store_conformance, EnqueueNowIsAvailableDelayedIsScheduled) {
  new_job later = make();
  later.delay = 1h;
  new_job at = make();
  at.at = start + 2h;
  const auto ids = run(store->enqueue({make(), later, at}));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0].id, ids[1].id);
  EXPECT_LT(ids[1].id, ids[2].id);
  EXPECT_FALSE(ids[0].duplicate);
  const job now_job = fetch(ids[0].id);
  EXPECT_EQ(now_job.state, job_state::available);
  EXPECT_EQ(now_job.scheduled_at, start);
  EXPECT_EQ(now_job.created_at, start);
  EXPECT_EQ(now_job.attempt, 0u);
  EXPECT_EQ(now_job.epoch, 0);
  EXPECT_EQ(now_job.kind, "test.kind");
  EXPECT_EQ(nlohmann::json::parse(now_job.payload), (nlohmann::json{{"n", 1}}));
  EXPECT_EQ(fetch(ids[1].id).state, job_state::scheduled);
  EXPECT_EQ(fetch(ids[1].id).scheduled_at, start + 1h);
  EXPECT_EQ(fetch(ids[2].id).scheduled_at, start + 2h);
  EXPECT_THAT(events_of(ids[1].id), ::testing::ElementsAre(job_event::enqueued));
  advance(1h);
  EXPECT_EQ(fetch(ids[1].id).state, job_state::available) << "a scheduled job reads as available once due";
}

TEST_P(job_store_conformance, BadInputIsRefusedAndWritesNothing) {
  new_job no_kind = make("");
  new_job zero_attempts = make();
  zero_attempts.max_attempts = 0;
  new_job negative = make();
  negative.delay = -1s;
  new_job huge = make();
  huge.payload = {{"blob", std::string(max_payload_bytes + 1, 'x')}};
  new_job bad_utf8 = make();
  bad_utf8.payload = {{"name", std::string("\xff\xfe")}};
  new_job empty_key = make();
  empty_key.unique = unique_options{""};
  for (const new_job& bad : {no_kind, zero_attempts, negative, huge, bad_utf8, empty_key}) {
    // One bad job refuses the whole batch: the good one before it is not written either.
    EXPECT_THROW(run(store->enqueue({make(), bad})), std::invalid_argument);
  }
  EXPECT_EQ(run(store->stats()).enqueued, 0u);
  EXPECT_EQ(run(store->list({})).total, 0u);
}

TEST_P(job_store_conformance, FarFutureInstantsRoundTripToTheMicrosecond) {
  new_job far = make();
  far.at = std::chrono::sys_days{std::chrono::year{2200} / 1 / 1} + 123456us;
  const job_id id = enqueue_one(far);
  EXPECT_EQ(fetch(id).scheduled_at, *far.at);
  new_job fine = make();
  fine.at = start + 1500us + 999ns;  // stores keep microseconds
  EXPECT_EQ(fetch(enqueue_one(fine)).scheduled_at, start + 1500us);
}

// ---- claim --------------------------------------------------------------------------------------

TEST_P(job_store_conformance, ClaimTakesDueJobsInPriorityScheduledIdOrder) {
  new_job low = make();
  low.priority = 5;
  new_job urgent = make();
  urgent.priority = -1;
  new_job older = make();
  older.at = start - 1min;
  new_job later = make();
  later.delay = 10s;
  const job_id a = enqueue_one(make());
  const job_id b = enqueue_one(low);
  const job_id c = enqueue_one(urgent);
  const job_id d = enqueue_one(older);
  enqueue_one(later);
  const auto claimed = run(store->claim(request(10)));
  ASSERT_EQ(claimed.size(), 4u);
  EXPECT_EQ(claimed[0].id, c);
  EXPECT_EQ(claimed[1].id, d);
  EXPECT_EQ(claimed[2].id, a);
  EXPECT_EQ(claimed[3].id, b);
}

TEST_P(job_store_conformance, ClaimIsLimitedToItsQueuesKindsAndCount) {
  for (int i = 0; i < 3; ++i) enqueue_one(make());
  enqueue_one(make("other.kind"));
  enqueue_one(make("test.kind", "mail"));
  EXPECT_EQ(run(store->claim(request(2))).size(), 2u);
  EXPECT_EQ(run(store->claim(request(10))).size(), 1u) << "the other kind and queue are not ours";
  EXPECT_EQ(run(store->claim(request(10, {"other.kind"}))).size(), 1u);
  EXPECT_EQ(run(store->claim(request(10, {"test.kind"}, {"mail"}))).size(), 1u);
  EXPECT_TRUE(run(store->claim(request(10, {"test.kind", "other.kind"}, {"default", "mail"}))).empty());
}

TEST_P(job_store_conformance, ClaimUsesTheStoresClock) {
  new_job soon = make();
  soon.delay = 1s;
  enqueue_one(soon);
  EXPECT_TRUE(run(store->claim(request())).empty());
  advance(999ms);
  EXPECT_TRUE(run(store->claim(request())).empty());
  advance(1ms);
  EXPECT_EQ(run(store->claim(request())).size(), 1u);
}

TEST_P(job_store_conformance, ClaimBumpsAttemptAndEpochAndLeases) {
  const job_id id = enqueue_one(make());
  const auto claimed = run(store->claim(request()));
  ASSERT_EQ(claimed.size(), 1u);
  const job& j = claimed[0];
  EXPECT_EQ(j.id, id);
  EXPECT_EQ(j.state, job_state::running);
  EXPECT_EQ(j.attempt, 1u);
  EXPECT_EQ(j.epoch, 1);
  EXPECT_EQ(j.lease_owner, "a");
  EXPECT_EQ(j.lease_expires_at, start + 30s);
  EXPECT_EQ(j.attempted_at, start);
  EXPECT_EQ(fetch(id).state, job_state::running);
  EXPECT_THAT(events_of(id), ::testing::ElementsAre(job_event::enqueued, job_event::claimed));
}

TEST_P(job_store_conformance, TwoConnectionsNeverClaimOneJob) {
  auto b = open("b");
  for (int i = 0; i < 5; ++i) enqueue_one(make());
  const auto mine = run(store->claim(request(3)));
  const auto theirs = run(b->claim(request(10, {"test.kind"}, {"default"}, "b")));
  EXPECT_EQ(mine.size(), 3u);
  EXPECT_EQ(theirs.size(), 2u);
  for (const job& x : mine) {
    for (const job& y : theirs) EXPECT_NE(x.id, y.id);
  }
  EXPECT_TRUE(run(b->claim(request(10, {"test.kind"}, {"default"}, "b"))).empty());
}

TEST_P(job_store_conformance, ClaimedByListsAnInstancesRunningJobs) {
  for (int i = 0; i < 3; ++i) enqueue_one(make());
  run(store->claim(request(2)));
  run(store->claim(request(1, {"test.kind"}, {"default"}, "b")));
  EXPECT_EQ(run(store->claimed_by("a")).size(), 2u);
  EXPECT_EQ(run(store->claimed_by("b")).size(), 1u);
  EXPECT_TRUE(run(store->claimed_by("c")).empty());
}

TEST_P(job_store_conformance, APausedQueueClaimsNothingUntilResumed) {
  enqueue_one(make());
  run(store->pause_queue("default"));
  EXPECT_TRUE(run(store->claim(request())).empty());
  EXPECT_FALSE(run(store->next_due({"default"}, {"test.kind"})).has_value());
  const auto stats = run(store->stats());
  ASSERT_FALSE(stats.queues.empty());
  EXPECT_TRUE(stats.queues[0].paused);
  run(store->resume_queue("default"));
  EXPECT_EQ(run(store->claim(request())).size(), 1u);
}

TEST_P(job_store_conformance, NextDueIsTheEarliestPendingInstantOfItsQueuesAndKinds) {
  EXPECT_FALSE(run(store->next_due({"default"}, {"test.kind"})).has_value());
  new_job in_an_hour = make();
  in_an_hour.delay = 1h;
  new_job urgent_later = make();
  urgent_later.delay = 2h;
  urgent_later.priority = -5;
  new_job other = make("other.kind");
  other.delay = 1min;
  enqueue_one(in_an_hour);
  enqueue_one(urgent_later);
  enqueue_one(other);
  EXPECT_EQ(run(store->next_due({"default"}, {"test.kind"})), start + 1h);
  EXPECT_EQ(run(store->next_due({"default"}, {"test.kind", "other.kind"})), start + 1min);
  EXPECT_FALSE(run(store->next_due({"mail"}, {"test.kind"})).has_value());
}

// ---- fenced writes ------------------------------------------------------------------------------

TEST_P(job_store_conformance, CompleteWithTheCurrentEpochSucceedsOnceAndIsIdempotent) {
  const job_id id = enqueue_one(make());
  const job j = run(store->claim(request())).at(0);
  const job_effect add = [](job_transaction& tx) { tx.add_to_counter("done", 1); };
  EXPECT_EQ(run(store->complete(j.fence(), add)), write_outcome::applied);
  // The reply of the first was lost, say: completing again with the same fence answers applied
  // and applies nothing twice.
  EXPECT_EQ(run(store->complete(j.fence(), add)), write_outcome::applied);
  const job done = fetch(id);
  EXPECT_EQ(done.state, job_state::succeeded);
  EXPECT_EQ(done.finalized_at, start);
  EXPECT_EQ(run(store->stats()).counters.at("done"), 1);
  EXPECT_EQ(run(store->stats()).succeeded, 1u);
  EXPECT_EQ(run(store->fail(j.fence(), "late", std::nullopt)), write_outcome::lease_lost);
  EXPECT_EQ(fetch(id).state, job_state::succeeded) << "a finished job is not failed by a late write";
}

TEST_P(job_store_conformance, AnEffectThatThrowsWritesNothing) {
  const job_id id = enqueue_one(make());
  const job j = run(store->claim(request())).at(0);
  const job_effect broken = [](job_transaction& tx) {
    tx.add_to_counter("done", 1);
    throw std::runtime_error("constraint violated");
  };
  EXPECT_THROW(run(store->complete(j.fence(), broken)), std::runtime_error);
  EXPECT_EQ(fetch(id).state, job_state::running);
  EXPECT_EQ(run(store->stats()).counters.count("done"), 0u);
  EXPECT_EQ(run(store->complete(j.fence(), {})), write_outcome::applied);
}

TEST_P(job_store_conformance, AStaleEpochIsRefusedAsLeaseLostAndWritesNothing) {
  const job_id id = enqueue_one(make());
  const job first = run(store->claim(request())).at(0);
  advance(31s);  // the lease expired: its worker stopped heartbeating
  EXPECT_EQ(run(store->rescue(10)), std::vector<job_id>{id});
  const job second = run(store->claim(request(10, {"test.kind"}, {"default"}, "b"))).at(0);
  EXPECT_EQ(second.epoch, first.epoch + 2) << "the rescue and the new claim both bumped the epoch";
  EXPECT_EQ(second.attempt, 2u);
  const job_effect add = [](job_transaction& tx) { tx.add_to_counter("done", 1); };
  EXPECT_EQ(run(store->heartbeat(first.fence(), 30s)), write_outcome::lease_lost);
  EXPECT_EQ(run(store->complete(first.fence(), add)), write_outcome::lease_lost);
  EXPECT_EQ(run(store->fail(first.fence(), "boom", 1s)), write_outcome::lease_lost);
  EXPECT_EQ(run(store->snooze(first.fence(), 1s)), write_outcome::lease_lost);
  EXPECT_EQ(run(store->release(first.fence())), write_outcome::lease_lost);
  const job now = fetch(id);
  EXPECT_EQ(now.state, job_state::running);
  EXPECT_EQ(now.epoch, second.epoch);
  EXPECT_EQ(now.lease_owner, "b");
  EXPECT_EQ(run(store->stats()).counters.count("done"), 0u);
  EXPECT_EQ(run(store->stats()).lease_lost, 5u);
  EXPECT_EQ(run(store->complete(second.fence(), add)), write_outcome::applied);
  EXPECT_EQ(run(store->stats()).counters.at("done"), 1);
  const auto history = run(store->history(id));
  std::size_t refusals = 0;
  for (const auto& e : history) {
    if (e.event == job_event::lease_lost) {
      ++refusals;
      EXPECT_EQ(e.epoch, first.epoch);
      EXPECT_FALSE(e.detail.empty());
    }
  }
  EXPECT_EQ(refusals, 5u);
}

TEST_P(job_store_conformance, AnUnknownJobIsNotFound) {
  EXPECT_EQ(run(store->complete({999, 1}, {})), write_outcome::not_found);
  EXPECT_EQ(run(store->heartbeat({999, 1}, 30s)), write_outcome::not_found);
  EXPECT_EQ(run(store->cancel(999)), write_outcome::not_found);
  EXPECT_FALSE(run(store->get(999)).has_value());
}

TEST_P(job_store_conformance, HeartbeatExtendsTheLeaseFromTheStoresNow) {
  const job_id id = enqueue_one(make());
  const job j = run(store->claim(request())).at(0);
  advance(20s);
  EXPECT_EQ(run(store->heartbeat(j.fence(), 30s)), write_outcome::applied);
  EXPECT_EQ(fetch(id).lease_expires_at, start + 50s);
  EXPECT_EQ(fetch(id).heartbeat_at, start + 20s);
  advance(20s);  // 40 s: past the first lease, within the renewed one
  EXPECT_TRUE(run(store->rescue(10)).empty());
  run(store->heartbeat(j.fence(), 30s));
  run(store->heartbeat(j.fence(), 30s));
  std::size_t beats = 0;
  for (const auto& e : run(store->history(id))) beats += e.event == job_event::heartbeat ? 1 : 0;
  EXPECT_EQ(beats, 1u) << "only the latest heartbeat is kept";
}

TEST_P(job_store_conformance, FailRetriesUntilAttemptsAreSpent) {
  new_job twice = make();
  twice.max_attempts = 2;
  const job_id id = enqueue_one(twice);
  job j = run(store->claim(request())).at(0);
  EXPECT_EQ(run(store->fail(j.fence(), "timeout", 10s)), write_outcome::applied);
  job now = fetch(id);
  EXPECT_EQ(now.state, job_state::retrying);
  EXPECT_EQ(now.scheduled_at, start + 10s);
  EXPECT_EQ(now.last_error, "timeout");
  EXPECT_TRUE(run(store->claim(request())).empty());
  advance(10s);
  j = run(store->claim(request())).at(0);
  EXPECT_EQ(j.attempt, 2u);
  EXPECT_EQ(run(store->fail(j.fence(), "timeout again", 10s)), write_outcome::applied);
  now = fetch(id);
  EXPECT_EQ(now.state, job_state::failed) << "no attempt left: final, whatever the retry delay";
  EXPECT_EQ(now.last_error, "timeout again");
  advance(1h);
  EXPECT_TRUE(run(store->claim(request())).empty());
  EXPECT_EQ(run(store->stats()).retried, 1u);
  EXPECT_EQ(run(store->stats()).failed, 1u);
  EXPECT_EQ(run(store->fail(j.fence(), "timeout again", 10s)), write_outcome::applied) << "idempotent per fence";
}

TEST_P(job_store_conformance, ANonRetryableFailureIsFinal) {
  const job_id id = enqueue_one(make());
  const job j = run(store->claim(request())).at(0);
  EXPECT_EQ(run(store->fail(j.fence(), "bad payload", std::nullopt)), write_outcome::applied);
  EXPECT_EQ(fetch(id).state, job_state::failed);
}

TEST_P(job_store_conformance, SnoozeAndReleaseGiveTheAttemptBack) {
  const job_id id = enqueue_one(make());
  job j = run(store->claim(request())).at(0);
  EXPECT_EQ(run(store->snooze(j.fence(), 5min)), write_outcome::applied);
  EXPECT_EQ(fetch(id).state, job_state::scheduled);
  EXPECT_EQ(fetch(id).attempt, 0u);
  advance(5min);
  j = run(store->claim(request())).at(0);
  EXPECT_EQ(j.attempt, 1u);
  EXPECT_EQ(run(store->release(j.fence())), write_outcome::applied);
  const job released = fetch(id);
  EXPECT_EQ(released.state, job_state::available);
  EXPECT_EQ(released.attempt, 0u);
  EXPECT_EQ(released.scheduled_at, start + 5min);
  EXPECT_EQ(run(store->release(j.fence())), write_outcome::applied) << "idempotent per fence";
  EXPECT_EQ(run(store->claim(request())).at(0).attempt, 1u);
  EXPECT_EQ(run(store->stats()).released, 1u);
}

// ---- rescue -------------------------------------------------------------------------------------

TEST_P(job_store_conformance, RescueTakesBackOnlyExpiredLeases) {
  new_job last_try = make();
  last_try.max_attempts = 1;
  const job_id a = enqueue_one(make());
  const job_id b = enqueue_one(last_try);
  run(store->claim(request()));
  advance(30s);
  EXPECT_TRUE(run(store->rescue(10)).empty()) << "a lease that expires now has not expired yet";
  advance(1us);
  auto rescued = run(store->rescue(10));
  std::sort(rescued.begin(), rescued.end());
  EXPECT_EQ(rescued, (std::vector<job_id>{a, b}));
  const job ja = fetch(a);
  EXPECT_EQ(ja.state, job_state::available) << "retrying at once reads as available";
  EXPECT_EQ(ja.epoch, 2);
  EXPECT_TRUE(ja.lease_owner.empty());
  EXPECT_FALSE(ja.last_error.empty());
  EXPECT_EQ(fetch(b).state, job_state::failed) << "its only attempt is spent";
  EXPECT_TRUE(run(store->rescue(10)).empty()) << "a second rescue finds nothing";
  EXPECT_EQ(run(store->stats()).rescued, 2u);
}

TEST_P(job_store_conformance, RescueNeverUndoesACompletionOrAHeartbeat) {
  const job_id a = enqueue_one(make());
  const job_id b = enqueue_one(make());
  const auto claimed = run(store->claim(request()));
  advance(31s);
  // Both leases expired, but one worker completes and the other renews first.
  EXPECT_EQ(run(store->complete(claimed[0].fence(), {})), write_outcome::applied);
  EXPECT_EQ(run(store->heartbeat(claimed[1].fence(), 30s)), write_outcome::applied);
  EXPECT_TRUE(run(store->rescue(10)).empty());
  EXPECT_EQ(fetch(a).state, job_state::succeeded);
  EXPECT_EQ(fetch(b).state, job_state::running);
}

TEST_P(job_store_conformance, RescueRespectsItsLimit) {
  for (int i = 0; i < 5; ++i) enqueue_one(make());
  run(store->claim(request()));
  advance(1min);
  EXPECT_EQ(run(store->rescue(2)).size(), 2u);
  EXPECT_EQ(run(store->rescue(10)).size(), 3u);
}

// ---- uniqueness ---------------------------------------------------------------------------------

TEST_P(job_store_conformance, AUniqueKeyReturnsTheLiveTwin) {
  new_job u = make();
  u.unique = unique_options{"report:42", unique_scope::while_pending};
  const auto first = run(store->enqueue({u}));
  const auto second = run(store->enqueue({u}));
  EXPECT_FALSE(first[0].duplicate);
  EXPECT_TRUE(second[0].duplicate);
  EXPECT_EQ(second[0].id, first[0].id);
  run(store->claim(request()));
  // while_pending: a running twin does not count.
  const auto third = run(store->enqueue({u}));
  EXPECT_FALSE(third[0].duplicate);
  EXPECT_NE(third[0].id, first[0].id);
}

TEST_P(job_store_conformance, WhilePendingOrRunningCountsARunningTwin) {
  new_job u = make();
  u.unique = unique_options{"sync:7", unique_scope::while_pending_or_running};
  const job_id id = run(store->enqueue({u}))[0].id;
  const job j = run(store->claim(request())).at(0);
  EXPECT_TRUE(run(store->enqueue({u}))[0].duplicate);
  run(store->complete(j.fence(), {}));
  const auto after = run(store->enqueue({u}));
  EXPECT_FALSE(after[0].duplicate) << "a finished twin does not count";
  EXPECT_NE(after[0].id, id);
}

TEST_P(job_store_conformance, ForAPeriodCountsAnyTwinThatRecent) {
  new_job u = make();
  u.unique = unique_options{"digest", unique_scope::for_period, 1h};
  const job_id id = run(store->enqueue({u}))[0].id;
  run(store->complete(run(store->claim(request())).at(0).fence(), {}));
  advance(59min);
  EXPECT_EQ(run(store->enqueue({u}))[0].id, id);
  advance(1min);
  EXPECT_FALSE(run(store->enqueue({u}))[0].duplicate);
}

TEST_P(job_store_conformance, DuplicatesWithinOneBatchCollapse) {
  new_job u = make();
  u.unique = unique_options{"k"};
  const auto out = run(store->enqueue({u, u, make()}));
  EXPECT_FALSE(out[0].duplicate);
  EXPECT_TRUE(out[1].duplicate);
  EXPECT_EQ(out[1].id, out[0].id);
  EXPECT_FALSE(out[2].duplicate);
  EXPECT_EQ(run(store->list({})).total, 2u);
}

// ---- operators ----------------------------------------------------------------------------------

TEST_P(job_store_conformance, CancelStopsPendingAndRunningJobsOnly) {
  const job_id pending = enqueue_one(make());
  const job_id running = enqueue_one(make());
  run(store->claim(request(1)));  // the first by id... both priority 0, same instant
  const job r = fetch(pending).state == job_state::running ? fetch(pending) : fetch(running);
  const job_id other = r.id == pending ? running : pending;
  EXPECT_EQ(run(store->cancel(other)), write_outcome::applied);
  EXPECT_EQ(run(store->cancel(r.id)), write_outcome::applied);
  EXPECT_EQ(fetch(r.id).state, job_state::cancelled);
  EXPECT_EQ(run(store->complete(r.fence(), {})), write_outcome::lease_lost) << "its worker learns by a refused write";
  EXPECT_EQ(run(store->cancel(r.id)), write_outcome::not_allowed);
  EXPECT_TRUE(run(store->claim(request())).empty());
}

TEST_P(job_store_conformance, RetryRequeuesAFinishedJobWithOneMoreAttempt) {
  new_job once = make();
  once.max_attempts = 1;
  const job_id id = enqueue_one(once);
  const job j = run(store->claim(request())).at(0);
  EXPECT_EQ(run(store->retry(id)), write_outcome::not_allowed) << "running";
  run(store->fail(j.fence(), "boom", 1s));
  EXPECT_EQ(fetch(id).state, job_state::failed);
  EXPECT_EQ(run(store->retry(id)), write_outcome::applied);
  const job again = run(store->claim(request())).at(0);
  EXPECT_EQ(again.attempt, 2u);
  EXPECT_EQ(again.max_attempts, 2u);
  EXPECT_THAT(events_of(id), ::testing::Contains(job_event::requeued));
}

TEST_P(job_store_conformance, RunNowMakesAScheduledOrRetryingJobAvailableAtOnce) {
  new_job later = make();
  later.delay = 1h;
  const job_id id = enqueue_one(later);
  EXPECT_TRUE(run(store->claim(request())).empty()) << "not due yet";
  advance(1min);
  EXPECT_EQ(run(store->run_now(id)), write_outcome::applied);
  const job j = fetch(id);
  EXPECT_EQ(j.state, job_state::available);
  EXPECT_EQ(j.scheduled_at, start + 1min) << "due now, by the store's clock";
  EXPECT_EQ(j.attempt, 0u);
  EXPECT_EQ(j.epoch, 0);
  EXPECT_THAT(events_of(id), ::testing::Contains(job_event::requeued));
  const job claimed = run(store->claim(request())).at(0);
  EXPECT_EQ(claimed.id, id);
  EXPECT_EQ(run(store->run_now(id)), write_outcome::not_allowed) << "running";
  run(store->fail(claimed.fence(), "boom", 1h));
  EXPECT_EQ(fetch(id).state, job_state::retrying);
  EXPECT_EQ(run(store->run_now(id)), write_outcome::applied) << "a retry due later runs now";
  EXPECT_EQ(run(store->claim(request())).at(0).attempt, 2u);
  EXPECT_EQ(run(store->run_now(id + 1000)), write_outcome::not_found);
}

TEST_P(job_store_conformance, TriggerRecurringEnqueuesNowAndLeavesTheScheduleAlone) {
  recurring_definition d;
  d.name = "nightly";
  d.expression = "0 2 * * *";
  d.kind = "test.kind";
  d.payload = {{"report", "sales"}};
  d.queue = "reports";
  run(store->put_recurring(d));
  advance(5min);
  const auto id = run(store->trigger_recurring("nightly"));
  ASSERT_TRUE(id.has_value());
  const job j = fetch(*id);
  EXPECT_EQ(j.kind, "test.kind");
  EXPECT_EQ(j.queue, "reports");
  EXPECT_EQ(nlohmann::json::parse(j.payload), d.payload);
  EXPECT_EQ(j.state, job_state::available);
  EXPECT_EQ(j.scheduled_at, start + 5min);
  const auto defs = run(store->recurring());
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_FALSE(defs[0].last_fired.has_value()) << "the high-water mark did not move";
  EXPECT_EQ(defs[0].misfires, 0u);
  EXPECT_TRUE(run(store->fire_recurring("nightly", start + 2h, 0, make())).has_value())
      << "the schedule's next occurrence still fires";
  EXPECT_FALSE(run(store->trigger_recurring("missing")).has_value());
}

TEST_P(job_store_conformance, RemoveDeletesAFinishedJobAndItsHistory) {
  const job_id id = enqueue_one(make());
  EXPECT_EQ(run(store->remove(id)), write_outcome::not_allowed);
  run(store->complete(run(store->claim(request())).at(0).fence(), {}));
  EXPECT_EQ(run(store->remove(id)), write_outcome::applied);
  EXPECT_FALSE(run(store->get(id)).has_value());
  EXPECT_TRUE(run(store->history(id)).empty());
  EXPECT_EQ(run(store->remove(id)), write_outcome::not_found);
}

// ---- recurring ----------------------------------------------------------------------------------

TEST_P(job_store_conformance, ARecurringOccurrenceFiresOnceAcrossConnections) {
  auto b = open("b");
  recurring_definition d;
  d.name = "nightly";
  d.expression = "0 2 * * *";
  d.kind = "test.kind";
  run(store->put_recurring(d));
  const utc_time occurrence = start + 2h;
  const auto fired = run(store->fire_recurring("nightly", occurrence, 0, make()));
  const auto again = run(b->fire_recurring("nightly", occurrence, 0, make()));
  ASSERT_TRUE(fired.has_value());
  EXPECT_FALSE(again.has_value());
  EXPECT_FALSE(run(b->fire_recurring("nightly", occurrence - 24h, 0, make())).has_value()) << "older: refused";
  EXPECT_EQ(run(store->list({})).total, 1u);
  EXPECT_TRUE(run(b->skip_recurring("nightly", occurrence + 24h, 3)));
  const auto defs = run(store->recurring());
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_EQ(defs[0].last_fired, occurrence + 24h);
  EXPECT_EQ(defs[0].misfires, 3u);
  EXPECT_EQ(defs[0].since, start);
  EXPECT_FALSE(run(store->fire_recurring("missing", occurrence, 0, make())).has_value());
}

TEST_P(job_store_conformance, AChangedScheduleStartsFromNow) {
  recurring_definition d;
  d.name = "report";
  d.expression = "0 2 * * *";
  d.kind = "test.kind";
  run(store->put_recurring(d));
  run(store->fire_recurring("report", start + 2h, 0, make()));
  advance(3h);
  d.queue = "other";  // same schedule: its mark is kept
  run(store->put_recurring(d));
  EXPECT_EQ(run(store->recurring()).at(0).last_fired, start + 2h);
  d.expression = "30 13 * * *";  // another schedule: it starts from now
  run(store->put_recurring(d));
  const auto defs = run(store->recurring());
  EXPECT_EQ(defs.at(0).since, start + 3h);
  EXPECT_FALSE(defs.at(0).last_fired.has_value());
  EXPECT_EQ(defs.at(0).queue, "other");
  EXPECT_FALSE(run(store->fire_recurring("report", start + 1h, 0, make())).has_value()) << "before it took effect";
  EXPECT_TRUE(run(store->remove_recurring("report")));
  EXPECT_TRUE(run(store->recurring()).empty());
}

// ---- instances ----------------------------------------------------------------------------------

TEST_P(job_store_conformance, InstancesRegisterHeartbeatAndLeave) {
  instance_info i;
  i.name = "a-1";
  i.host = "box";
  i.concurrency = 4;
  i.queues = {"default", "mail"};
  i.kinds = {"test.kind"};
  run(store->register_instance(i));
  advance(10s);
  run(store->instance_heartbeat("a-1", -250ms));
  auto all = run(store->instances());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].host, "box");
  EXPECT_EQ(all[0].started, start);
  EXPECT_EQ(all[0].last_heartbeat, start + 10s);
  EXPECT_EQ(all[0].clock_skew, -250ms);
  EXPECT_EQ(all[0].queues, (std::vector<std::string>{"default", "mail"}));
  EXPECT_EQ(all[0].kinds, std::vector<std::string>{"test.kind"});
  run(store->deregister_instance("a-1"));
  EXPECT_TRUE(run(store->instances()).empty());
}

TEST_P(job_store_conformance, DueKindsNoLiveInstanceServesAreReported) {
  enqueue_one(make("new.kind"));
  enqueue_one(make("test.kind"));
  instance_info i;
  i.name = "old";
  i.kinds = {"test.kind"};
  run(store->register_instance(i));
  EXPECT_EQ(run(store->stats()).unserved_kinds, std::vector<std::string>{"new.kind"});
  advance(2min);  // the old instance went silent: nothing is served any more
  EXPECT_EQ(run(store->stats(1min)).unserved_kinds, (std::vector<std::string>{"new.kind", "test.kind"}));
}

// ---- queries ------------------------------------------------------------------------------------

TEST_P(job_store_conformance, ListFiltersPagesAndSearches) {
  for (int i = 0; i < 5; ++i) enqueue_one(make());
  enqueue_one(make("other.kind", "mail"));
  new_job keyed = make();
  keyed.unique = unique_options{"order:77"};
  const job_id keyed_id = enqueue_one(keyed);
  run(store->claim(request(2)));
  job_query q;
  q.state = job_state::running;
  EXPECT_EQ(run(store->list(q)).total, 2u);
  q = {};
  q.kind = "other.kind";
  EXPECT_EQ(run(store->list(q)).total, 1u);
  q = {};
  q.queue = "mail";
  EXPECT_EQ(run(store->list(q)).jobs.at(0).kind, "other.kind");
  q = {};
  q.page_size = 3;
  const job_page first = run(store->list(q));
  EXPECT_EQ(first.total, 7u);
  ASSERT_EQ(first.jobs.size(), 3u);
  EXPECT_GT(first.jobs[0].id, first.jobs[1].id) << "newest first";
  q.page = 2;
  EXPECT_EQ(run(store->list(q)).jobs.size(), 1u);
  q = {};
  q.search = "order:77";
  EXPECT_EQ(run(store->list(q)).jobs.at(0).id, keyed_id);
  q.search = std::to_string(keyed_id);
  EXPECT_EQ(run(store->list(q)).jobs.at(0).id, keyed_id);
}

TEST_P(job_store_conformance, StatsCountEveryState) {
  new_job later = make();
  later.delay = 1h;
  enqueue_one(later);
  for (int i = 0; i < 4; ++i) enqueue_one(make());
  const auto claimed = run(store->claim(request(3)));
  run(store->complete(claimed[0].fence(), {}));
  run(store->fail(claimed[1].fence(), "x", std::nullopt));
  const auto s = run(store->stats());
  EXPECT_EQ(s.count(job_state::scheduled), 1u);
  EXPECT_EQ(s.count(job_state::available), 1u);
  EXPECT_EQ(s.count(job_state::running), 1u);
  EXPECT_EQ(s.count(job_state::succeeded), 1u);
  EXPECT_EQ(s.count(job_state::failed), 1u);
  EXPECT_EQ(s.count(job_state::cancelled), 0u);
  EXPECT_EQ(s.enqueued, 5u);
  EXPECT_EQ(s.claimed, 3u);
}

TEST_P(job_store_conformance, PerMinuteCountsFinishedJobs) {
  for (int i = 0; i < 3; ++i) enqueue_one(make());
  auto claimed = run(store->claim(request()));
  advance(30s);
  run(store->complete(claimed[0].fence(), {}));
  advance(60s);
  run(store->complete(claimed[1].fence(), {}));
  run(store->fail(claimed[2].fence(), "x", std::nullopt));
  const auto minutes = run(store->per_minute(start, start + 3min));
  ASSERT_EQ(minutes.size(), 3u);
  EXPECT_EQ(minutes[0].minute, start);
  EXPECT_EQ(minutes[0].succeeded, 1u);
  EXPECT_EQ(minutes[1].succeeded, 1u);
  EXPECT_EQ(minutes[1].failed, 1u);
  EXPECT_EQ(minutes[2].succeeded + minutes[2].failed, 0u);
}

TEST_P(job_store_conformance, PruneRemovesOldFinishedJobsAndSilentInstances) {
  const job_id old_one = enqueue_one(make());
  run(store->complete(run(store->claim(request())).at(0).fence(), {}));
  instance_info i;
  i.name = "gone";
  run(store->register_instance(i));
  advance(8 * 24h);
  const job_id recent = enqueue_one(make());
  run(store->complete(run(store->claim(request())).at(0).fence(), {}));
  const job_id waiting = enqueue_one(make());
  EXPECT_EQ(run(store->prune({})), 1u);
  EXPECT_FALSE(run(store->get(old_one)).has_value());
  EXPECT_TRUE(run(store->get(recent)).has_value());
  EXPECT_TRUE(run(store->get(waiting)).has_value());
  EXPECT_TRUE(run(store->instances()).empty());
}

}  // namespace clockwork::jobs::testing
