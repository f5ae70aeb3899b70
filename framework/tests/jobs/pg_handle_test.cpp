// The libpq layer of the PostgreSQL store (src/jobs/postgres/pg_handle.*) against a real server:
// the throwaway cluster and PgBouncer that the `postgres` ctest fixture starts
// (tools/pg-cluster.sh). Passwords never reach a message; unnamed statements work through
// PgBouncer's transaction pooling; every failure is the store's error, naming the address.
#include "pg_handle.hpp"
#include "pg_test_env.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "clockwork/jobs/job_store.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// ---- no server needed ---------------------------------------------------------------------------

TEST(PgRedact, HidesTheUserinfoPasswordOfAUri) {
  EXPECT_EQ(redact("postgresql://app:s3cret@db.example:5432/jobs"), "postgresql://app:***@db.example:5432/jobs");
  EXPECT_EQ(redact("postgres://app@db/jobs"), "postgres://app@db/jobs");
  EXPECT_EQ(redact("postgresql:///jobs?host=/run/pg"), "postgresql:///jobs?host=/run/pg");
}

TEST(PgRedact, HidesAPasswordInTheQueryOfAUri) {
  EXPECT_EQ(redact("postgresql:///jobs?user=app&password=s3cret&sslmode=disable"),
            "postgresql:///jobs?user=app&password=***&sslmode=disable");
  EXPECT_EQ(redact("postgresql:///jobs?password=s3cret"), "postgresql:///jobs?password=***");
}

TEST(PgRedact, HidesAPasswordKeywordQuotedOrNot) {
  EXPECT_EQ(redact("host=db dbname=jobs password=s3cret user=app"), "host=db dbname=jobs password=*** user=app");
  EXPECT_EQ(redact("host=db password = 'with space\\' and quote' user=app"), "host=db password=*** user=app");
  EXPECT_EQ(redact("host=db passwordless=1"), "host=db passwordless=1") << "another keyword";
}

// ---- against the fixture's cluster --------------------------------------------------------------

template <class F>
std::string message_of(F&& fn) {
  try {
    fn();
  } catch (const store_unavailable& e) {
    return e.what();
  }
  return "";
}

TEST_F(pg_test, ConnectsAndRunsParameterisedStatementsWithNulls) {
  connection db{direct};
  const auto r = db.exec("SELECT $1::bigint + 1, $2::text IS NULL", {std::string("41"), std::nullopt}, "a test");
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r.integer(0, 0), 42);
  EXPECT_TRUE(r.boolean(0, 1));
}

TEST_F(pg_test, UnnamedStatementsWorkThroughPgBouncerInTransactionPooling) {
  // Transaction pooling hands each transaction to any server connection: a statement prepared by
  // name in one would not exist in the next. Many transactions, several connections at once.
  connection a{pooled};
  connection b{pooled};
  for (int i = 0; i < 50; ++i) {
    connection& db = i % 2 == 0 ? a : b;
    db.exec("BEGIN", "a test");
    const auto r = db.exec("SELECT $1::int * 2", {std::to_string(i)}, "a test");
    EXPECT_EQ(r.integer(0, 0), 2 * i);
    db.commit("a test");
  }
}

TEST_F(pg_test, ARefusedPasswordIsNamedAndNeverShown) {
  const auto message = message_of([&] { connection db{as_user("clockwork_password", "not-the-password-123")}; });
  EXPECT_THAT(message, AllOf(HasSubstr("authentication refused"), HasSubstr("PGPASSWORD"), HasSubstr("password=***"),
                             Not(HasSubstr("not-the-password-123"))));
}

TEST_F(pg_test, AServerThatCannotBeReachedIsNamedWithWhatToCheck) {
  const auto message = message_of([] { connection db{"postgresql:///jobs?host=/nonexistent-folder&port=5999"}; });
  EXPECT_THAT(message, AllOf(HasSubstr("/nonexistent-folder"), HasSubstr("cannot connect"),
                             HasSubstr("check that the server runs")));
}

TEST_F(pg_test, AConnectionTerminatedByTheServerIsUnavailableAndReconnects) {
  connection victim{direct};
  const auto pid = victim.exec("SELECT pg_backend_pid()", "a test").integer(0, 0);
  connection admin{direct};
  admin.exec("SELECT pg_terminate_backend($1::int)", {std::to_string(pid)}, "a test");
  EXPECT_THAT(message_of([&] { victim.exec("SELECT 1", "claim"); }),
              AllOf(HasSubstr("claim"), HasSubstr("connection was lost"), HasSubstr("nothing was applied")));
  victim.reconnect();
  EXPECT_EQ(victim.exec("SELECT 7", "a test").integer(0, 0), 7);
}

TEST_F(pg_test, AStatementTimeoutIsUnavailableNotAnAnswer) {
  connection db{direct};
  db.exec("BEGIN", "a test");
  db.exec("SET LOCAL statement_timeout = 50", "a test");  // per transaction: nothing stays on the session
  EXPECT_THAT(message_of([&] { db.exec("SELECT pg_sleep(5)", "claim"); }), HasSubstr("statement timeout"));
  db.exec("ROLLBACK", "a test");
  EXPECT_EQ(db.exec("SHOW statement_timeout", "a test").text(0, 0), "0") << "the timeout ended with its transaction";
}

// The store's statement timeout, set per transaction and never on the session: outside a
// transaction the statement goes in a pipeline behind set_config(…, true).
std::string runtime_error_of(connection& db, const char* sql) {
  try {
    db.exec(sql, "a test");
  } catch (const store_unavailable&) {
    return "store_unavailable";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST_F(pg_test, TheStatementTimeoutCancelsALongStatementOutsideATransactionAndStaysOffTheSession) {
  connection db{direct};
  db.set_statement_timeout(std::chrono::milliseconds(100));
  EXPECT_THAT(message_of([&] { db.exec("SELECT pg_sleep(5)", "next_due"); }),
              AllOf(HasSubstr("next_due"), HasSubstr("statement timeout"), HasSubstr("nothing was applied")));
  // The connection answers at once afterwards, with its parameters and rows, still timed out...
  const auto r = db.exec("SELECT g * $1::int FROM generate_series(1, 3) g ORDER BY g", {std::string("7")}, "a test");
  ASSERT_EQ(r.rows(), 3);
  EXPECT_EQ(r.integer(2, 0), 21);
  EXPECT_EQ(db.exec("SHOW statement_timeout", "a test").text(0, 0), "100ms") << "in force for the statement";
  // ...and the session itself never held it.
  db.set_statement_timeout(std::chrono::milliseconds(0));
  EXPECT_EQ(db.exec("SHOW statement_timeout", "a test").text(0, 0), "0");
}

TEST_F(pg_test, TheStatementTimeoutHoldsInsideATransactionAndEndsWithIt) {
  connection db{direct};
  db.set_statement_timeout(std::chrono::milliseconds(100));
  db.begin("", "claim");
  EXPECT_EQ(db.exec("SHOW statement_timeout", "a test").text(0, 0), "100ms");
  EXPECT_THAT(message_of([&] { db.exec("SELECT pg_sleep(5)", "claim"); }), HasSubstr("statement timeout"));
  db.rollback("claim");
  db.set_statement_timeout(std::chrono::milliseconds(0));
  EXPECT_EQ(db.exec("SHOW statement_timeout", "a test").text(0, 0), "0");
}

TEST_F(pg_test, TheStatementTimeoutHoldsThroughPgBouncerWithoutLeavingAnythingOnItsServerConnections) {
  connection db{pooled};
  db.set_statement_timeout(std::chrono::milliseconds(100));
  EXPECT_THAT(message_of([&] { db.exec("SELECT pg_sleep(5)", "a lookup"); }), HasSubstr("statement timeout"));
  db.begin("", "complete");
  EXPECT_THAT(message_of([&] { db.exec("SELECT pg_sleep(5)", "complete"); }), HasSubstr("statement timeout"));
  db.rollback("complete");
  // Whichever server connection the pooler hands out next, none was left with the setting.
  connection plain{pooled};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(plain.exec("SHOW statement_timeout", "a test").text(0, 0), "0");
}

TEST_F(pg_test, AFailingStatementUnderATimeoutLeavesTheConnectionReady) {
  connection db{direct};
  db.set_statement_timeout(std::chrono::seconds(5));
  EXPECT_THAT(runtime_error_of(db, "SELECT * FROM no_such_table"), HasSubstr("SQLSTATE 42P01"));
  EXPECT_THAT(runtime_error_of(db, "SELECT 1/0"), HasSubstr("SQLSTATE 22012"));
  EXPECT_EQ(db.exec("SELECT 7", "a test").integer(0, 0), 7);
  // A lost connection is the store being unavailable, and a reconnect brings it back.
  const auto pid = db.exec("SELECT pg_backend_pid()", "a test").integer(0, 0);
  connection admin{direct};
  admin.exec("SELECT pg_terminate_backend($1::int)", {std::to_string(pid)}, "a test");
  EXPECT_THAT(message_of([&] { db.exec("SELECT 1", "claim"); }), HasSubstr("connection was lost"));
  db.reconnect();
  EXPECT_EQ(db.exec("SELECT 8", "a test").integer(0, 0), 8);
}

TEST_F(pg_test, AStatementThisCodeGotWrongIsAnErrorWithItsSqlState) {
  connection db{direct};
  try {
    db.exec("SELECT * FROM no_such_table", "a test");
    FAIL() << "no error";
  } catch (const store_unavailable&) {
    FAIL() << "a wrong statement is not the store being unavailable";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("no_such_table"), HasSubstr("SQLSTATE 42P01")));
  }
}

}  // namespace
}  // namespace clockwork::jobs::detail::pg
