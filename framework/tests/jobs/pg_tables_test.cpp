// The PostgreSQL store's steps for a job's life, against the fixture's server: claims from
// several connections at once never take a job twice; a stale fence is refused and recorded; a
// rescue takes an expired lease once and never undoes a completion; unique keys hold under
// concurrent enqueues. Instants are given by the test, as the store's clock would give them.
#include "pg_tables.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "pg_schema.hpp"
#include "pg_test_env.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

using namespace std::chrono_literals;

const utc_time t0 = utc_time{} + std::chrono::hours(24 * 20000);

new_job make(std::string kind = "k") {
  new_job j;
  j.kind = std::move(kind);
  return j;
}

claim_request request(std::string instance, std::size_t limit = 1) {
  claim_request r;
  r.instance = std::move(instance);
  r.queues = {"default"};
  r.kinds = {"k"};
  r.limit = limit;
  r.lease = 30s;
  return r;
}

class pg_tables_test : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (IsSkipped()) return;
    address = fresh_database();
    connection db{address.direct};
    apply_migrations(db, store_migrations());
  }
  std::unique_ptr<pg_tables> open(bool through_pooler = false) {
    return std::make_unique<pg_tables>(std::make_unique<connection>(through_pooler ? address.pooled : address.direct));
  }
  database address;
};

TEST_F(pg_tables_test, AJobIsClaimedCompletedAndRecorded) {
  auto t = open();
  bool woke = false;
  const auto ids = t->enqueue({make()}, t0, "producer", woke);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(woke);
  const auto claimed = t->claim(request("w"), t0 + 1s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].epoch, 1);
  EXPECT_EQ(claimed[0].attempt, 1u);
  EXPECT_EQ(claimed[0].lease_expires_at, t0 + 31s);
  EXPECT_EQ(t->complete(claimed[0].fence(), {}, t0 + 2s, "w"), write_outcome::applied);
  EXPECT_EQ(t->complete(claimed[0].fence(), {}, t0 + 3s, "w"), write_outcome::applied) << "idempotent per fence";
  EXPECT_EQ(t->get(ids[0].id, t0 + 5s)->state, job_state::succeeded);
}

TEST_F(pg_tables_test, ClaimsFromManyConnectionsAtOnceNeverTakeAJobTwice) {
  {
    auto t = open();
    bool woke = false;
    std::vector<new_job> jobs(400, make());
    t->enqueue(jobs, t0, "producer", woke);
  }
  std::vector<std::vector<job_id>> taken(4);
  {
    std::vector<std::jthread> workers;
    for (std::size_t w = 0; w < taken.size(); ++w) {
      workers.emplace_back([&, w] {
        auto t = open(/*through_pooler=*/w % 2 == 1);
        for (;;) {
          const auto got = t->claim(request("w" + std::to_string(w), 3), t0 + 1s);
          if (got.empty()) return;
          for (const job& j : got) {
            taken[w].push_back(j.id);
            EXPECT_EQ(t->complete(j.fence(), {}, t0 + 2s, "w"), write_outcome::applied);
          }
        }
      });
    }
  }
  std::set<job_id> all;
  std::size_t claims = 0;
  for (const auto& ids : taken) {
    claims += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(claims, 400u) << "each job claimed once";
  EXPECT_EQ(all.size(), 400u);
}

TEST_F(pg_tables_test, AStaleFenceIsRefusedAndRecordedAfterARescue) {
  auto t = open();
  bool woke = false;
  t->enqueue({make()}, t0, "producer", woke);
  const auto first = t->claim(request("slow"), t0);
  ASSERT_EQ(first.size(), 1u);
  // The lease (30 s) expires; another instance rescues, a second worker claims.
  EXPECT_EQ(t->rescue(10, t0 + 31s, "rescuer").size(), 1u);
  EXPECT_TRUE(t->rescue(10, t0 + 31s, "rescuer").empty()) << "taken once";
  const auto second = t->claim(request("fast"), t0 + 32s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].epoch, 3);
  EXPECT_EQ(t->complete(first[0].fence(), {}, t0 + 33s, "slow"), write_outcome::lease_lost);
  EXPECT_EQ(t->complete(second[0].fence(), {}, t0 + 34s, "fast"), write_outcome::applied);
}

TEST_F(pg_tables_test, ARescueNeverUndoesACompletionThatCameFirst) {
  auto t = open();
  bool woke = false;
  t->enqueue({make()}, t0, "producer", woke);
  const auto claimed = t->claim(request("w"), t0);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(t->complete(claimed[0].fence(), {}, t0 + 40s, "w"), write_outcome::applied);
  EXPECT_TRUE(t->rescue(10, t0 + 41s, "rescuer").empty());
  EXPECT_EQ(t->get(claimed[0].id, t0 + 42s)->state, job_state::succeeded);
}

TEST_F(pg_tables_test, AUniqueKeyHoldsUnderConcurrentEnqueues) {
  std::atomic<int> added{0};
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        auto t = open(/*through_pooler=*/p % 2 == 0);
        for (int i = 0; i < 20; ++i) {
          new_job j = make();
          j.unique = unique_options{};
          j.unique->key = "report-" + std::to_string(i);
          bool woke = false;
          const auto r = t->enqueue({j}, t0, "producer", woke);
          if (!r[0].duplicate) ++added;
        }
      });
    }
  }
  EXPECT_EQ(added.load(), 20) << "one job per key, whichever producer came first";
}

}  // namespace
}  // namespace clockwork::jobs::detail::pg
