// The PostgreSQL job store's schema and migrations (pg_schema.hpp).
#include "pg_schema.hpp"

#include <array>
#include <stdexcept>

#include "clockwork/jobs/job_store.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

// Version 1: the SQLite store's tables, in PostgreSQL's types. Notes on the choices:
//   - instants are bigint microseconds since 1970-01-01 UTC, as in SQLite: one row reader for
//     both, exact, comparable; the store's now is the database's (clock_timestamp(), read on
//     the connection just before each call's transaction), turned into the same unit in SQL;
//   - state is the job_state name (the one closed list), checked by a constraint;
//   - ids come from an identity column: never reused, even after a job is removed;
//   - "running" and "has a lease" are one fact, kept so by a constraint;
//   - the claim index covers exactly the pending states in the claim's order (FOR UPDATE SKIP
//     LOCKED walks it and stops at the limit); the due index gives a queue's next instant; the
//     lease index serves the rescue;
//   - unique keys: looked up inside the enqueue's transaction under a transaction-scoped advisory
//     lock on the key's hash, since concurrent writers (unlike SQLite's one) could both find the
//     key free; a unique index cannot express the scopes ("while pending", "for a period");
//   - history, totals, counters, queues, recurring definitions and instances as in SQLite;
//   - triggers NOTIFY channel cw_job_work when a job becomes claimable or a queue resumes: in
//     the writing transaction, so the store's SQL cannot forget one (pg_listener.hpp).
constexpr const char* schema_v1 = R"sql(
CREATE TABLE cw_job (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind             text    NOT NULL,
  queue            text    NOT NULL,
  payload          text    NOT NULL,
  state            text    NOT NULL CHECK (state IN ('scheduled', 'available', 'running', 'retrying',
                                                     'succeeded', 'failed', 'cancelled')),
  priority         integer NOT NULL,
  attempt          integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
  epoch            bigint  NOT NULL DEFAULT 0,
  scheduled_at     bigint  NOT NULL,
  created_at       bigint  NOT NULL,
  attempted_at     bigint,
  finalized_at     bigint,
  lease_owner      text,
  lease_expires_at bigint,
  heartbeat_at     bigint,
  unique_key       text,
  last_error       text    NOT NULL DEFAULT '',
  CHECK ((state = 'running') = (lease_expires_at IS NOT NULL))
);
CREATE INDEX cw_job_claim ON cw_job (queue, priority, scheduled_at, id)
  WHERE state IN ('scheduled', 'available', 'retrying');
CREATE INDEX cw_job_due ON cw_job (queue, scheduled_at)
  WHERE state IN ('scheduled', 'available', 'retrying');
CREATE INDEX cw_job_lease ON cw_job (lease_expires_at, id) WHERE state = 'running';
CREATE INDEX cw_job_owner ON cw_job (lease_owner) WHERE state = 'running';
CREATE INDEX cw_job_unique ON cw_job (unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX cw_job_finalized ON cw_job (finalized_at) WHERE finalized_at IS NOT NULL;

CREATE TABLE cw_job_history (
  seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id    bigint  NOT NULL REFERENCES cw_job (id) ON DELETE CASCADE,
  event     text    NOT NULL,
  at        bigint  NOT NULL,
  epoch     bigint  NOT NULL,
  attempt   integer NOT NULL,
  instance  text    NOT NULL,
  scheduled bigint,
  detail    text    NOT NULL
);
CREATE INDEX cw_job_history_job ON cw_job_history (job_id, seq);

CREATE TABLE cw_counter (
  name  text   PRIMARY KEY,
  value bigint NOT NULL
);

CREATE TABLE cw_store_total (
  name  text   PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO cw_store_total (name, value) VALUES
  ('enqueued', 0), ('claimed', 0), ('succeeded', 0), ('failed', 0), ('retried', 0),
  ('rescued', 0), ('lease_lost', 0), ('released', 0);

CREATE TABLE cw_queue (
  name   text    PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false
);

CREATE TABLE cw_recurring (
  name              text    PRIMARY KEY,
  expression        text    NOT NULL,
  dialect           text    NOT NULL,
  zone              text    NOT NULL,
  misfire_policy    text    NOT NULL,
  catch_up_cap      bigint  NOT NULL,
  misfire_window_ns bigint  NOT NULL,
  misfire_after_ns  bigint  NOT NULL,
  kind              text    NOT NULL,
  payload           text    NOT NULL,
  queue             text    NOT NULL,
  since             bigint  NOT NULL,
  last_fired        bigint,
  misfires          bigint  NOT NULL DEFAULT 0
);

CREATE TABLE cw_instance (
  name           text    PRIMARY KEY,
  host           text    NOT NULL,
  started        bigint  NOT NULL,
  last_heartbeat bigint  NOT NULL,
  concurrency    integer NOT NULL,
  queues         text    NOT NULL,
  kinds          text    NOT NULL,
  clock_skew_ns  bigint  NOT NULL DEFAULT 0
);

-- Work that becomes claimable, now or later, wakes the instances that LISTEN: the notification
-- (payload: the queue) leaves at COMMIT, so a rolled-back enqueue wakes no one, and identical
-- ones of one transaction are sent once. A claim (to 'running') or a completion sends nothing.
CREATE FUNCTION cw_job_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cw_job_work', NEW.queue);
  RETURN NULL;
END $$;
CREATE TRIGGER cw_job_work AFTER INSERT OR UPDATE OF state, scheduled_at ON cw_job FOR EACH ROW
  WHEN (NEW.state IN ('scheduled', 'available', 'retrying')) EXECUTE FUNCTION cw_job_notify_work();
CREATE FUNCTION cw_queue_notify_resumed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cw_job_work', NEW.name);
  RETURN NULL;
END $$;
CREATE TRIGGER cw_queue_resumed AFTER INSERT OR UPDATE OF paused ON cw_queue FOR EACH ROW
  WHEN (NOT NEW.paused) EXECUTE FUNCTION cw_queue_notify_resumed();
)sql";

constexpr std::array<migration, 1> migrations{{{1, schema_v1}}};

// The advisory lock every migration takes (a constant: "cw migrate" in ASCII).
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(7166752616916066405)";

std::string migrate_command(const connection& db) {
  return "`clockwork-jobs migrate --store " + db.where() + "`";
}

std::string head(const connection& db) {
  return "clockwork::jobs: postgres " + db.where() + ": ";
}

}  // namespace

std::span<const migration> store_migrations() noexcept {
  return migrations;
}

int schema_version_of(connection& db) {
  // Two statements: a query naming a table that does not exist fails as it is parsed, whatever
  // guards it.
  if (!db.exec("SELECT to_regclass('cw_schema_version') IS NOT NULL", "reading the schema version").boolean(0, 0)) {
    return 0;
  }
  return static_cast<int>(
      db.exec("SELECT coalesce(max(version), 0) FROM cw_schema_version", "reading the schema version").integer(0, 0));
}

void check_schema(connection& db, std::span<const migration> wanted) {
  const int found = schema_version_of(db);
  const int current = wanted.empty() ? 0 : wanted.back().version;
  if (found == current) return;
  if (found == 0) {
    throw schema_mismatch(head(db) + "no job store schema in this database (version 0; this code needs version " +
                          std::to_string(current) + "): create it with " + migrate_command(db));
  }
  if (found < current) {
    throw schema_mismatch(head(db) + "schema version " + std::to_string(found) + " is older than this code's " +
                          std::to_string(current) + ": upgrade it with " + migrate_command(db));
  }
  throw schema_mismatch(head(db) + "schema version " + std::to_string(found) + " is newer than this code's " +
                        std::to_string(current) + ": use a clockwork that knows it");
}

migrated apply_migrations(connection& db, std::span<const migration> wanted) {
  db.exec("BEGIN", "migrate");
  try {
    db.exec(migration_lock, "migrate");
    db.exec("CREATE TABLE IF NOT EXISTS cw_schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)",
            "migrate");
    migrated out;
    out.from =
        static_cast<int>(db.exec("SELECT coalesce(max(version), 0) FROM cw_schema_version", "migrate").integer(0, 0));
    out.to = wanted.empty() ? 0 : wanted.back().version;
    if (out.from > out.to) {
      throw schema_mismatch(head(db) + "schema version " + std::to_string(out.from) + " is newer than this code's " +
                            std::to_string(out.to) + ": nothing to migrate");
    }
    for (const migration& m : wanted) {
      if (m.version <= out.from) continue;
      db.exec(m.sql, "migrate");
      db.exec(
          "INSERT INTO cw_schema_version (version, applied_at) "
          "VALUES ($1::integer, (extract(epoch FROM now()) * 1000000)::bigint)",
          {std::to_string(m.version)}, "migrate");
    }
    db.commit("migrate");
    return out;
  } catch (...) {
    if (db.ok()) {
      try {
        db.exec("ROLLBACK", "migrate");
      } catch (...) {
      }
    }
    throw;
  }
}

}  // namespace clockwork::jobs::detail::pg
