// clockwork::jobs::detail::sqlite schema — the tables of the SQLite job store, their versions and
// the migrations between them, and how a file is opened: checked (folder, permissions, "is it a
// database"), configured (WAL, busy timeout, foreign keys, synchronous) and its schema version
// compared with this code's.
//
// The schema version lives in its own table, cw_schema_version (one row per migration applied,
// with the store's instant it was applied). migrate() applies the missing migrations, in order,
// in one transaction; opening refuses any version but the current one.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "clockwork/jobs/sqlite_job_store.hpp"
#include "sqlite_handle.hpp"

namespace clockwork::jobs::detail::sqlite {

struct migration {
  int version = 0;
  const char* sql = "";  // DDL, run inside the migrating transaction
};

// The store's migrations, oldest first; the last one's version is the current schema version.
std::span<const migration> store_migrations() noexcept;

// Opens `path` as a job store file: checks the folder and the file first so that a mistake reads
// as what it is (store_unavailable naming the path and why); with `create`, a missing file is
// created, otherwise it is refused as a missing schema (schema_mismatch). Sets the connection's
// pragmas.
std::unique_ptr<connection> open_file(const std::filesystem::path& path, const sqlite_store_options& options,
                                      bool create);

// The schema version of an open file (0: no schema).
int schema_version_of(connection& db);

// Refuses (schema_mismatch) a version other than the last of `migrations`: older or missing, naming
// both and `clockwork-jobs migrate`; newer, naming both.
void check_schema(connection& db, std::span<const migration> migrations);

// Applies the migrations newer than the file's version in one transaction (stamped with the
// database's clock: no runtime migrates). schema_mismatch for a newer file.
sqlite_migration apply_migrations(connection& db, std::span<const migration> migrations);

}  // namespace clockwork::jobs::detail::sqlite
