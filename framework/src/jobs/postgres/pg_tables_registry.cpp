// The PostgreSQL job store's steps for recurring definitions (the high-water mark) and the
// instance registry. Each is one statement where SQLite, with its one writer, could read and
// then write: here several instances may register or fire the same definition at once.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "pg_rows.hpp"
#include "pg_tables.hpp"

namespace clockwork::jobs::detail {

using namespace pg;

namespace {

misfire_policy policy_named(const std::string& name) {
  if (const auto p = parse_misfire_policy(name)) return *p;
  throw std::runtime_error("clockwork::jobs: the store holds an unknown misfire policy '" + name + "'");
}
cron::dialect dialect_named(const std::string& name) {
  for (const cron::dialect d : {cron::dialect::cronos5, cron::dialect::cronos6, cron::dialect::quartz}) {
    if (cron::to_string(d) == name) return d;
  }
  throw std::runtime_error("clockwork::jobs: the store holds an unknown cron dialect '" + name + "'");
}

}  // namespace

void pg_tables::put_recurring(const recurring_definition& definition, utc_time now) {
  const std::string payload = definition.payload.dump();
  transaction tx{*db_, "put_recurring"};
  // One statement: a changed schedule starts from now (nothing of the old one is caught up); the
  // same schedule keeps its start and high-water mark; misfires are kept either way.
  db_->exec(
      "INSERT INTO cw_recurring (name, expression, dialect, zone, misfire_policy, catch_up_cap, "
      "  misfire_window_ns, misfire_after_ns, kind, payload, queue, since, last_fired, misfires) "
      "VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8::bigint, $9, $10, $11, $12::bigint, NULL, 0) "
      "ON CONFLICT (name) DO UPDATE SET "
      "  since = CASE WHEN cw_recurring.expression = excluded.expression AND cw_recurring.dialect = excluded.dialect "
      "               AND cw_recurring.zone = excluded.zone THEN cw_recurring.since ELSE excluded.since END, "
      "  last_fired = CASE WHEN cw_recurring.expression = excluded.expression "
      "               AND cw_recurring.dialect = excluded.dialect AND cw_recurring.zone = excluded.zone "
      "               THEN cw_recurring.last_fired ELSE NULL END, "
      "  expression = excluded.expression, dialect = excluded.dialect, zone = excluded.zone, "
      "  misfire_policy = excluded.misfire_policy, catch_up_cap = excluded.catch_up_cap, "
      "  misfire_window_ns = excluded.misfire_window_ns, misfire_after_ns = excluded.misfire_after_ns, "
      "  kind = excluded.kind, payload = excluded.payload, queue = excluded.queue",
      args(definition.name, definition.expression, std::string(cron::to_string(definition.dialect)), definition.zone,
           std::string(to_string(definition.misfire.policy)), definition.misfire.catch_up_cap,
           static_cast<std::int64_t>(definition.misfire.window.count()),
           static_cast<std::int64_t>(definition.misfire.threshold.count()), definition.kind, payload, definition.queue,
           to_us(now)),
      "put_recurring");
  tx.commit();
}

std::vector<recurring_definition> pg_tables::recurring() {
  std::vector<recurring_definition> out;
  const auto r = db_->exec(
      "SELECT name, expression, dialect, zone, misfire_policy, catch_up_cap, misfire_window_ns, misfire_after_ns, "
      "  kind, payload, queue, since, last_fired, misfires FROM cw_recurring ORDER BY name",
      "recurring");
  for (int i = 0; i < r.rows(); ++i) {
    recurring_definition d;
    d.name = r.text(i, 0);
    d.expression = r.text(i, 1);
    d.dialect = dialect_named(r.text(i, 2));
    d.zone = r.text(i, 3);
    d.misfire.policy = policy_named(r.text(i, 4));
    d.misfire.catch_up_cap = static_cast<unsigned>(r.integer(i, 5));
    d.misfire.window = std::chrono::nanoseconds(r.integer(i, 6));
    d.misfire.threshold = std::chrono::nanoseconds(r.integer(i, 7));
    d.kind = r.text(i, 8);
    d.payload = nlohmann::json::parse(r.text(i, 9));
    d.queue = r.text(i, 10);
    d.since = from_us(r.integer(i, 11));
    d.last_fired = from_us(r.optional_integer(i, 12));
    d.misfires = static_cast<std::uint64_t>(r.integer(i, 13));
    out.push_back(std::move(d));
  }
  return out;
}

bool pg_tables::remove_recurring(const std::string& name) {
  transaction tx{*db_, "remove_recurring"};
  const bool removed =
      db_->exec("DELETE FROM cw_recurring WHERE name = $1 RETURNING name", args(name), "remove_recurring").rows() > 0;
  tx.commit();
  return removed;
}

std::optional<job_id> pg_tables::advance_recurring(const std::string& name, utc_time occurrence, std::uint64_t missed,
                                                   const new_job* job, utc_time now, const std::string& who,
                                                   bool& advanced) {
  advanced = false;
  std::vector<std::string> payloads;
  if (job) payloads.push_back(validate_new_job(*job));  // a bad job moves no mark
  transaction tx{*db_, job ? "fire_recurring" : "skip_recurring"};
  // The high-water mark moves only forward, and only from when the schedule took effect: the
  // instance whose update changes the row fires the occurrence. Two instances at once: the
  // second waits for the first's row lock, then finds the mark already there.
  const auto moved = db_->exec(
      "UPDATE cw_recurring SET last_fired = $2::bigint, misfires = misfires + $3::bigint "
      "WHERE name = $1 AND since <= $2::bigint AND (last_fired IS NULL OR last_fired < $2::bigint) RETURNING name",
      args(name, to_us(occurrence), missed), job ? "fire_recurring" : "skip_recurring");
  if (moved.rows() == 0) return std::nullopt;
  std::optional<job_id> id;
  if (job) id = insert_jobs({*job}, payloads, now, who).front().id;
  tx.commit();
  advanced = true;
  return id;
}

std::optional<job_id> pg_tables::trigger_recurring(const std::string& name, utc_time now, const std::string& who) {
  transaction tx{*db_, "trigger_recurring"};
  const auto r =
      db_->exec("SELECT kind, payload, queue FROM cw_recurring WHERE name = $1", args(name), "trigger_recurring");
  if (r.rows() == 0) return std::nullopt;
  new_job job;
  job.kind = r.text(0, 0);
  job.payload = nlohmann::json::parse(r.text(0, 1));
  job.queue = r.text(0, 2);
  const std::vector<std::string> payloads{validate_new_job(job)};
  const job_id id = insert_jobs({job}, payloads, now, who).front().id;
  tx.commit();
  return id;
}

// ---- instances ------------------------------------------------------------------------------

void pg_tables::register_instance(const instance_info& info, utc_time now) {
  transaction tx{*db_, "register_instance"};
  const utc_time started = info.started == utc_time{} ? now : info.started;
  db_->exec(
      "INSERT INTO cw_instance (name, host, started, last_heartbeat, concurrency, queues, kinds, clock_skew_ns) "
      "VALUES ($1, $2, $3::bigint, $4::bigint, $5::integer, $6, $7, $8::bigint) "
      "ON CONFLICT (name) DO UPDATE SET host = excluded.host, started = excluded.started, "
      "  last_heartbeat = excluded.last_heartbeat, concurrency = excluded.concurrency, queues = excluded.queues, "
      "  kinds = excluded.kinds, clock_skew_ns = excluded.clock_skew_ns",
      args(info.name, info.host, to_us(started), to_us(now), info.concurrency, json_list(info.queues),
           json_list(info.kinds), static_cast<std::int64_t>(info.clock_skew.count())),
      "register_instance");
  tx.commit();
}

void pg_tables::instance_heartbeat(const std::string& name, std::chrono::nanoseconds skew, utc_time now) {
  db_->exec("UPDATE cw_instance SET last_heartbeat = $2::bigint, clock_skew_ns = $3::bigint WHERE name = $1",
            args(name, to_us(now), static_cast<std::int64_t>(skew.count())), "instance_heartbeat");
}

void pg_tables::deregister_instance(const std::string& name) {
  db_->exec("DELETE FROM cw_instance WHERE name = $1", args(name), "deregister_instance");
}

std::vector<instance_info> pg_tables::instances() {
  std::vector<instance_info> out;
  const auto r = db_->exec(
      "SELECT name, host, started, last_heartbeat, concurrency, queues, kinds, clock_skew_ns FROM cw_instance "
      "ORDER BY name",
      "instances");
  for (int i = 0; i < r.rows(); ++i) {
    instance_info info;
    info.name = r.text(i, 0);
    info.host = r.text(i, 1);
    info.started = from_us(r.integer(i, 2));
    info.last_heartbeat = from_us(r.integer(i, 3));
    info.concurrency = static_cast<unsigned>(r.integer(i, 4));
    info.queues = from_json_list(r.text(i, 5));
    info.kinds = from_json_list(r.text(i, 6));
    info.clock_skew = std::chrono::nanoseconds(r.integer(i, 7));
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace clockwork::jobs::detail
