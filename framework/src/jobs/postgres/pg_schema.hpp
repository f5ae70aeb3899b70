// clockwork::jobs::detail::pg schema — the tables of the PostgreSQL job store, their versions and
// the migrations between them.
//
// The schema version lives in cw_schema_version (one row per migration applied, stamped with the
// database's clock). migrate() applies the missing migrations in order, in one transaction that
// first takes a transaction-scoped advisory lock (pg_advisory_xact_lock: released at COMMIT, so
// it works through PgBouncer's transaction pooling, where a session lock would stay behind on a
// server connection another client then gets): several instances calling migrate() at once
// migrate once, the others wait and find nothing left to do. Opening a store refuses any version
// but the current one.
#pragma once

#include <span>
#include <string>

#include "pg_handle.hpp"

namespace clockwork::jobs::detail::pg {

struct migration {
  int version = 0;
  const char* sql = "";  // DDL, run inside the migrating transaction
};

// What a migration did: the version found and the version now.
struct migrated {
  int from = 0;
  int to = 0;
};

// The store's migrations, oldest first; the last one's version is the current schema version.
std::span<const migration> store_migrations() noexcept;

// The database's schema version (0: none).
int schema_version_of(connection& db);

// Refuses (schema_mismatch) a version other than the last of `migrations`: missing or older,
// naming both and `clockwork-jobs migrate --store <address>`; newer, naming both.
void check_schema(connection& db, std::span<const migration> migrations);

// Applies the missing migrations in one transaction under the migration lock. schema_mismatch
// for a database newer than the code.
migrated apply_migrations(connection& db, std::span<const migration> migrations);

}  // namespace clockwork::jobs::detail::pg
