// The PostgreSQL store's statement timeout, against the fixture's server: a call stuck behind
// another session's lock is cancelled by the server after postgres_store_options::
// statement_timeout, fails as the store being unavailable (naming the timeout), applies nothing,
// and the next call succeeds — straight to the server and through PgBouncer, where the setting
// must live inside each transaction (a session setting would follow the server connection to
// other clients).
//
// Real time: the lock is held until the call has failed, so nothing depends on how fast the
// machine is; the timeout (200 ms) only bounds how long the test waits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "clockwork/jobs/postgres_job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "pg_handle.hpp"
#include "pg_schema.hpp"
#include "pg_test_env.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class pg_store_timeout_test : public pg_test, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (IsSkipped()) return;
    address = fresh_database();
    connection db{address.direct};
    apply_migrations(db, store_migrations());
  }
  std::unique_ptr<postgres_job_store> store() {
    postgres_store_options o;
    o.name = "timed";
    o.listen = false;
    o.statement_timeout = std::chrono::milliseconds(200);
    return std::make_unique<postgres_job_store>(rt, GetParam() ? address.pooled : address.direct, o);
  }
  std::uint64_t jobs_in_store(postgres_job_store& s) { return rt.block_on(s.list(job_query{})).total; }
  real_runtime rt;
  database address;
};

new_job a_plain_job() {
  new_job j;
  j.kind = "k";
  return j;
}

TEST_P(pg_store_timeout_test, ACallStuckBehindALockTimesOutAppliesNothingAndTheNextOneSucceeds) {
  auto s = store();
  // Another session holds the jobs table, as a long migration or a careless operator might.
  connection holder{address.direct};
  holder.begin("", "a test");
  holder.exec("LOCK TABLE cw_job IN ACCESS EXCLUSIVE MODE", "a test");
  std::string message;
  try {
    rt.block_on(s->enqueue({a_plain_job()}));
  } catch (const store_unavailable& e) {
    message = e.what();
  }
  EXPECT_THAT(message, AllOf(HasSubstr("enqueue"), HasSubstr("statement timeout"), HasSubstr("nothing was applied")));
  // A read outside any transaction is bounded the same way.
  message.clear();
  try {
    jobs_in_store(*s);
  } catch (const store_unavailable& e) {
    message = e.what();
  }
  EXPECT_THAT(message, HasSubstr("statement timeout"));
  holder.rollback("a test");

  EXPECT_EQ(jobs_in_store(*s), 0u) << "the enqueue that timed out applied nothing";
  ASSERT_EQ(rt.block_on(s->enqueue({a_plain_job()})).size(), 1u);
  EXPECT_EQ(jobs_in_store(*s), 1u);
  // No server connection kept the setting (through PgBouncer: whichever it hands out).
  for (int i = 0; i < 5; ++i) {
    connection other{GetParam() ? address.pooled : address.direct};
    EXPECT_EQ(other.exec("SHOW statement_timeout", "a test").text(0, 0), "0");
  }
}

INSTANTIATE_TEST_SUITE_P(StraightAndThroughPgBouncer, pg_store_timeout_test, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "pooled" : "direct"; });

}  // namespace
}  // namespace clockwork::jobs::detail::pg
