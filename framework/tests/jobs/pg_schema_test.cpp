// The PostgreSQL store's schema: a database without it, or with an older or newer version, is
// refused naming both versions and the command that fixes it; migrate() is idempotent, works
// through PgBouncer, and several instances migrating at once migrate once.
#include "pg_schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "clockwork/jobs/job_store.hpp"
#include "pg_test_env.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

template <class F>
std::string schema_message_of(F&& fn) {
  try {
    fn();
  } catch (const schema_mismatch& e) {
    return e.what();
  }
  return "";
}

TEST_F(pg_test, ADatabaseWithoutTheSchemaIsRefusedNamingTheCommand) {
  const auto db_address = fresh_database();
  connection db{db_address.direct};
  EXPECT_EQ(schema_version_of(db), 0);
  EXPECT_THAT(schema_message_of([&] { check_schema(db, store_migrations()); }),
              AllOf(HasSubstr("no job store schema"), HasSubstr("version 0"), HasSubstr("needs version 1"),
                    HasSubstr("clockwork-jobs migrate --store postgresql://")));
}

TEST_F(pg_test, MigrateCreatesTheSchemaOnceAndIsIdempotent) {
  connection db{fresh_database().direct};
  const auto first = apply_migrations(db, store_migrations());
  EXPECT_EQ(first.from, 0);
  EXPECT_EQ(first.to, 1);
  const auto again = apply_migrations(db, store_migrations());
  EXPECT_EQ(again.from, 1);
  EXPECT_EQ(again.to, 1);
  EXPECT_NO_THROW(check_schema(db, store_migrations()));
  EXPECT_EQ(db.exec("SELECT count(*) FROM cw_schema_version", "a test").integer(0, 0), 1);
  EXPECT_EQ(db.exec("SELECT count(*) FROM cw_store_total", "a test").integer(0, 0), 8);
}

TEST_F(pg_test, SeveralInstancesMigratingAtOnceMigrateOnceThroughPgBouncer) {
  const auto address = fresh_database();
  std::vector<migrated> results(4);
  {
    std::vector<std::jthread> instances;
    for (std::size_t i = 0; i < results.size(); ++i) {
      instances.emplace_back([&, i] {
        connection db{i % 2 == 0 ? address.pooled : address.direct};
        results[i] = apply_migrations(db, store_migrations());
      });
    }
  }
  int created = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.to, 1);
    created += r.from == 0 ? 1 : 0;
  }
  EXPECT_EQ(created, 1) << "one instance migrated, the others found the schema there";
  connection db{address.direct};
  EXPECT_EQ(db.exec("SELECT count(*) FROM cw_schema_version", "a test").integer(0, 0), 1);
}

TEST_F(pg_test, ANewerSchemaIsRefusedNamingBothVersions) {
  connection db{fresh_database().direct};
  apply_migrations(db, store_migrations());
  db.exec("INSERT INTO cw_schema_version (version, applied_at) VALUES (99, 0)", "a test");
  EXPECT_THAT(schema_message_of([&] { check_schema(db, store_migrations()); }),
              AllOf(HasSubstr("schema version 99 is newer than this code's 1")));
  EXPECT_THAT(schema_message_of([&] { apply_migrations(db, store_migrations()); }), HasSubstr("nothing to migrate"));
  EXPECT_TRUE(db.ok()) << "the refused migration rolled back; the connection is usable";
  EXPECT_EQ(db.exec("SELECT 1", "a test").integer(0, 0), 1);
}

}  // namespace
}  // namespace clockwork::jobs::detail::pg
