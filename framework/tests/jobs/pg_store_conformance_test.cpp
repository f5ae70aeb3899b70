// The conformance suite on the PostgreSQL store, against the fixture's cluster: a fresh database
// per test, every connection a store object of its own on the test's virtual runtime, its
// instants the runtime's (postgres_clock::runtime) so that they are exact — straight to the server
// and through PgBouncer in transaction pooling. Without the fixture's cluster (CLOCKWORK_PG_TESTS=0,
// or the program run outside ctest) every test skips, saying why.
#include <gtest/gtest.h>

#include <string>

#include "clockwork/jobs/postgres_job_store.hpp"
#include "pg_test_env.hpp"
#include "store_conformance.hpp"

namespace clockwork::jobs {
namespace {

const detail::pg::pg_fixture& fixture() {
  static const detail::pg::pg_fixture f = detail::pg::pg_fixture::read();
  return f;
}

// The test's database (made by fresh(), migrated once).
detail::pg::pg_fixture::database current;

testing::store_backend postgres_backend(bool through_pgbouncer) {
  testing::store_backend b;
  b.name = through_pgbouncer ? "postgres_through_pgbouncer" : "postgres";
  b.fresh = [] {
    if (!fixture().skip.empty()) GTEST_SKIP() << fixture().skip;
    current = fixture().fresh_database();
    postgres_job_store::migrate(current.direct);
  };
  b.open = [through_pgbouncer](runtime& rt, const std::string& connection) -> std::shared_ptr<job_store> {
    postgres_store_options options;
    options.name = connection;
    options.clock = postgres_clock::runtime;
    return std::make_shared<postgres_job_store>(rt, through_pgbouncer ? current.pooled : current.direct, options);
  };
  return b;
}

}  // namespace

namespace testing {
INSTANTIATE_TEST_SUITE_P(postgres, job_store_conformance,
                         ::testing::Values(postgres_backend(false), postgres_backend(true)), backend_name);
}  // namespace testing

}  // namespace clockwork::jobs
