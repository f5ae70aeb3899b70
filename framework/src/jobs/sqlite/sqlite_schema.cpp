#include "sqlite_schema.hpp"

#include <unistd.h>

#include <array>
#include <stdexcept>
#include <system_error>

namespace clockwork::jobs::detail::sqlite {
namespace {

// Version 1. Notes on the choices:
//   - state is the job_state name itself (the one closed list), checked by a constraint, so that
//     the sqlite3 shell shows what the API and clockwork-jobs say;
//   - instants are INTEGER microseconds since 1970-01-01 UTC (exact, comparable, no zone);
//   - AUTOINCREMENT: an id is never reused, even after its job was removed or pruned;
//   - "running" and "has a lease" are one fact, kept so by a constraint;
//   - the claim index covers exactly the pending states, in the claim's own order, so a claim
//     of one queue reads the jobs it takes and little else; the due index gives a queue's next
//     due instant without a sort; the lease index serves the rescue;
//   - unique keys are looked up through an index inside the enqueue's write transaction: SQLite
//     has one writer at a time, so the lookup and the insert are one atomic step, and a rolled
//     back enqueue leaves nothing that could suppress another (a unique index cannot express
//     the scopes: "while pending", "while pending or running", "for a period");
//   - history keeps one row per event, heartbeats as the latest one only (the heartbeat step
//     updates its row instead of adding one), and goes with its job (ON DELETE CASCADE);
//   - store totals (enqueued, claimed, rescued, lease_lost...) are named rows updated in the
//     transaction that counts them.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE cw_job (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT    NOT NULL,
  queue            TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL CHECK (state IN ('scheduled', 'available', 'running', 'retrying',
                                                     'succeeded', 'failed', 'cancelled')),
  priority         INTEGER NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
  epoch            INTEGER NOT NULL DEFAULT 0,
  scheduled_at     INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  attempted_at     INTEGER,
  finalized_at     INTEGER,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  heartbeat_at     INTEGER,
  unique_key       TEXT,
  last_error       TEXT    NOT NULL DEFAULT '',
  CHECK ((state = 'running') = (lease_expires_at IS NOT NULL))
) STRICT;
CREATE INDEX cw_job_claim ON cw_job (queue, priority, scheduled_at, id)
  WHERE state IN ('scheduled', 'available', 'retrying');
CREATE INDEX cw_job_due ON cw_job (queue, scheduled_at)
  WHERE state IN ('scheduled', 'available', 'retrying');
CREATE INDEX cw_job_lease ON cw_job (lease_expires_at, id) WHERE state = 'running';
CREATE INDEX cw_job_owner ON cw_job (lease_owner) WHERE state = 'running';
CREATE INDEX cw_job_unique ON cw_job (unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX cw_job_finalized ON cw_job (finalized_at) WHERE finalized_at IS NOT NULL;

CREATE TABLE cw_job_history (
  seq       INTEGER PRIMARY KEY,
  job_id    INTEGER NOT NULL REFERENCES cw_job (id) ON DELETE CASCADE,
  event     TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  epoch     INTEGER NOT NULL,
  attempt   INTEGER NOT NULL,
  instance  TEXT    NOT NULL,
  scheduled INTEGER,
  detail    TEXT    NOT NULL
) STRICT;
CREATE INDEX cw_job_history_job ON cw_job_history (job_id, seq);

CREATE TABLE cw_counter (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE cw_store_total (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO cw_store_total (name, value) VALUES
  ('enqueued', 0), ('claimed', 0), ('succeeded', 0), ('failed', 0), ('retried', 0),
  ('rescued', 0), ('lease_lost', 0), ('released', 0);

CREATE TABLE cw_queue (
  name   TEXT    PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE cw_recurring (
  name              TEXT    PRIMARY KEY,
  expression        TEXT    NOT NULL,
  dialect           TEXT    NOT NULL,
  zone              TEXT    NOT NULL,
  misfire_policy    TEXT    NOT NULL,
  catch_up_cap      INTEGER NOT NULL,
  misfire_window_ns INTEGER NOT NULL,
  misfire_after_ns  INTEGER NOT NULL,
  kind              TEXT    NOT NULL,
  payload           TEXT    NOT NULL,
  queue             TEXT    NOT NULL,
  since             INTEGER NOT NULL,
  last_fired        INTEGER,
  misfires          INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE cw_instance (
  name           TEXT    PRIMARY KEY,
  host           TEXT    NOT NULL,
  started        INTEGER NOT NULL,
  last_heartbeat INTEGER NOT NULL,
  concurrency    INTEGER NOT NULL,
  queues         TEXT    NOT NULL,
  kinds          TEXT    NOT NULL,
  clock_skew_ns  INTEGER NOT NULL DEFAULT 0
) STRICT;
)sql";

constexpr std::array<migration, 1> migrations{{{1, schema_v1}}};

std::string where(const std::filesystem::path& path) {
  return "clockwork::jobs: sqlite:" + path.string() + ": ";
}

std::string migrate_command(const std::string& path) {
  return "`clockwork-jobs migrate --store sqlite:" + path + "`";
}

}  // namespace

std::span<const migration> store_migrations() noexcept {
  return migrations;
}

std::unique_ptr<connection> open_file(const std::filesystem::path& path, const sqlite_store_options& options,
                                      bool create) {
  namespace fs = std::filesystem;
  if (path.empty()) throw std::invalid_argument("clockwork::jobs: a SQLite store needs a file path");
  if (options.busy_timeout.count() < 0)
    throw std::invalid_argument("clockwork::jobs: busy_timeout must not be negative");
  if (options.change_poll.count() <= 0) throw std::invalid_argument("clockwork::jobs: change_poll must be positive");
  // Each mistake is named before SQLite is asked, whose own messages ("unable to open database
  // file") do not say which of them it is.
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(folder, ec))
    throw store_unavailable(where(path) + "the folder " + folder.string() + " does not exist");
  if (!fs::is_directory(folder, ec)) throw store_unavailable(where(path) + folder.string() + " is not a folder");
  const bool exists = fs::exists(path, ec);
  if (exists && fs::is_directory(path, ec))
    throw store_unavailable(where(path) + "this is a folder, not a database file");
  if (!exists && !create) {
    throw schema_mismatch(where(path) + "no database there (no schema; this code needs schema version " +
                          std::to_string(migrations.back().version) + "): create it with " +
                          migrate_command(path.string()));
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw store_unavailable(where(path) + "the folder " + folder.string() +
                            " is not writable (SQLite keeps its write-ahead log and shared-memory files, -wal and "
                            "-shm, beside the database)");
  }
  if (exists && ::access(path.c_str(), R_OK | W_OK) != 0) {
    throw store_unavailable(where(path) + "the file is read-only (or unreadable) for this process");
  }

  auto db = std::make_unique<connection>(
      path.string(), SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_EXRESCODE,
      options.busy_timeout);
  if (sqlite3_db_readonly(db->get(), "main") == 1) {
    throw store_unavailable(where(path) + "the file was opened read-only (it cannot be written)");
  }
  db->set_doing("open");
  // The first read of the file: a file that is not a database, or one locked past the busy
  // timeout, is refused here.
  db->read_integer("PRAGMA schema_version", "open");
  {
    auto q = db->prepare("PRAGMA journal_mode = WAL");
    const std::string mode = q.step() ? q.text(0) : std::string();
    if (mode != "wal") {
      throw store_unavailable(where(path) + "cannot use write-ahead logging (journal mode is '" + mode +
                              "'): the file must be on a local file system");
    }
  }
  db->exec("PRAGMA foreign_keys = ON", "open");
  db->exec(options.flush_every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", "open");
  if (options.max_bytes) {
    const std::int64_t page = db->read_integer("PRAGMA page_size", "open");
    const auto pages = static_cast<std::int64_t>(*options.max_bytes / static_cast<std::uint64_t>(page));
    const std::string pragma = "PRAGMA max_page_count = " + std::to_string(std::max<std::int64_t>(pages, 1));
    db->exec(pragma.c_str(), "open");
  }
  return db;
}

int schema_version_of(connection& db) {
  read_transaction snapshot{db};
  const std::int64_t has_table = db.read_integer(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cw_schema_version'", "reading the schema");
  if (has_table == 0) return 0;
  return static_cast<int>(
      db.read_integer("SELECT coalesce(max(version), 0) FROM cw_schema_version", "reading the schema version"));
}

void check_schema(connection& db, std::span<const migration> wanted) {
  const int found = schema_version_of(db);
  const int current = wanted.empty() ? 0 : wanted.back().version;
  if (found == current) return;
  const std::string path = db.path();
  if (found == 0) {
    throw schema_mismatch(where(path) + "no job store schema in this file (version 0; this code needs version " +
                          std::to_string(current) + "): create it with " + migrate_command(path));
  }
  if (found < current) {
    throw schema_mismatch(where(path) + "schema version " + std::to_string(found) + " is older than this code's " +
                          std::to_string(current) + ": upgrade it with " + migrate_command(path));
  }
  throw schema_mismatch(where(path) + "schema version " + std::to_string(found) + " is newer than this code's " +
                        std::to_string(current) +
                        ": use a clockwork that knows it (or a copy of the file made before it was upgraded)");
}

sqlite_migration apply_migrations(connection& db, std::span<const migration> wanted) {
  db.set_doing("migrate");
  write_transaction tx{db};
  db.exec(
      "CREATE TABLE IF NOT EXISTS cw_schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) "
      "STRICT",
      "migrate");
  sqlite_migration out;
  out.from = static_cast<int>(
      db.read_integer("SELECT coalesce(max(version), 0) FROM cw_schema_version", "reading the schema version"));
  out.to = wanted.empty() ? 0 : wanted.back().version;
  if (out.from > out.to) {
    throw schema_mismatch(where(db.path()) + "schema version " + std::to_string(out.from) +
                          " is newer than this code's " + std::to_string(out.to) + ": nothing to migrate");
  }
  for (const migration& m : wanted) {
    if (m.version <= out.from) continue;
    db.exec(m.sql, "migrate");
    // Stamped with the database's clock (microseconds): migrating runs on no runtime.
    auto q = db.prepare(
        "INSERT INTO cw_schema_version (version, applied_at) "
        "VALUES (?1, CAST(round((julianday('now') - 2440587.5) * 86400000000.0) AS INTEGER))");
    q.bind(m.version);
    q.run();
  }
  tx.commit();
  return out;
}

}  // namespace clockwork::jobs::detail::sqlite
