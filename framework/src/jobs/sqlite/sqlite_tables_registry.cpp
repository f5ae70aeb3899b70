// The SQLite job store's steps for recurring definitions (the high-water mark) and the instance
// registry.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sqlite_rows.hpp"
#include "sqlite_tables.hpp"

namespace clockwork::jobs::detail {

using namespace sqlite;

// ---- recurring jobs -------------------------------------------------------------------------

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

void sqlite_tables::put_recurring(const recurring_definition& definition, utc_time now) {
  db_->set_doing("put_recurring");
  const std::string payload = definition.payload.dump();
  write_transaction tx{*db_};
  std::int64_t since = to_us(now);
  std::optional<std::int64_t> last_fired;
  std::int64_t misfires = 0;
  {
    auto q =
        db_->prepare("SELECT expression, dialect, zone, since, last_fired, misfires FROM cw_recurring WHERE name = ?1");
    q.bind(definition.name);
    if (q.step()) {
      const bool same_schedule = q.text(0) == definition.expression &&
                                 q.text(1) == cron::to_string(definition.dialect) && q.text(2) == definition.zone;
      misfires = q.integer(5);
      if (same_schedule) {
        since = q.integer(3);
        last_fired = q.optional_integer(4);
      }
      // A changed schedule starts from now: nothing of the old one is caught up.
    }
  }
  auto q = db_->prepare(
      "INSERT OR REPLACE INTO cw_recurring (name, expression, dialect, zone, misfire_policy, catch_up_cap, "
      "  misfire_window_ns, misfire_after_ns, kind, payload, queue, since, last_fired, misfires) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  q.bind(definition.name, definition.expression, cron::to_string(definition.dialect), definition.zone,
         to_string(definition.misfire.policy), definition.misfire.catch_up_cap,
         static_cast<std::int64_t>(definition.misfire.window.count()),
         static_cast<std::int64_t>(definition.misfire.threshold.count()), definition.kind, payload, definition.queue,
         since, last_fired, misfires);
  q.run();
  tx.commit();
}

std::vector<recurring_definition> sqlite_tables::recurring() {
  db_->set_doing("recurring");
  std::vector<recurring_definition> out;
  auto q = db_->prepare(
      "SELECT name, expression, dialect, zone, misfire_policy, catch_up_cap, misfire_window_ns, misfire_after_ns, "
      "  kind, payload, queue, since, last_fired, misfires FROM cw_recurring ORDER BY name");
  while (q.step()) {
    recurring_definition d;
    d.name = q.text(0);
    d.expression = q.text(1);
    d.dialect = dialect_named(q.text(2));
    d.zone = q.text(3);
    d.misfire.policy = policy_named(q.text(4));
    d.misfire.catch_up_cap = static_cast<unsigned>(q.integer(5));
    d.misfire.window = std::chrono::nanoseconds(q.integer(6));
    d.misfire.threshold = std::chrono::nanoseconds(q.integer(7));
    d.kind = q.text(8);
    d.payload = nlohmann::json::parse(q.text(9));
    d.queue = q.text(10);
    d.since = from_us(q.integer(11));
    d.last_fired = from_us(q.optional_integer(12));
    d.misfires = static_cast<std::uint64_t>(q.integer(13));
    out.push_back(std::move(d));
  }
  return out;
}

bool sqlite_tables::remove_recurring(const std::string& name) {
  db_->set_doing("remove_recurring");
  write_transaction tx{*db_};
  {
    auto q = db_->prepare("DELETE FROM cw_recurring WHERE name = ?1");
    q.bind(name);
    q.run();
  }
  const bool removed = db_->changes() != 0;
  tx.commit();
  return removed;
}

std::optional<job_id> sqlite_tables::advance_recurring(const std::string& name, utc_time occurrence,
                                                       std::uint64_t missed, const new_job* job, utc_time now,
                                                       const std::string& who, bool& advanced) {
  advanced = false;
  std::vector<std::string> payloads;
  if (job) payloads.push_back(validate_new_job(*job));  // a bad job moves no mark
  db_->set_doing(job ? "fire_recurring" : "skip_recurring");
  write_transaction tx{*db_};
  {
    // The high-water mark moves only forward, and only from when the schedule took effect: the
    // instance whose update changes the row is the one that fires the occurrence.
    auto q = db_->prepare(
        "UPDATE cw_recurring SET last_fired = ?2, misfires = misfires + ?3 "
        "WHERE name = ?1 AND since <= ?2 AND (last_fired IS NULL OR last_fired < ?2)");
    q.bind(name, to_us(occurrence), missed);
    q.run();
  }
  if (db_->changes() == 0) return std::nullopt;
  std::optional<job_id> id;
  if (job) id = insert_jobs({*job}, payloads, now, who).front().id;
  tx.commit();
  advanced = true;
  return id;
}

std::optional<job_id> sqlite_tables::trigger_recurring(const std::string& name, utc_time now, const std::string& who) {
  db_->set_doing("trigger_recurring");
  write_transaction tx{*db_};
  new_job job;
  {
    auto q = db_->prepare("SELECT kind, payload, queue FROM cw_recurring WHERE name = ?1");
    q.bind(name);
    if (!q.step()) return std::nullopt;
    job.kind = q.text(0);
    job.payload = nlohmann::json::parse(q.text(1));
    job.queue = q.text(2);
  }
  const std::vector<std::string> payloads{validate_new_job(job)};
  const job_id id = insert_jobs({job}, payloads, now, who).front().id;
  tx.commit();
  return id;
}

// ---- instances ------------------------------------------------------------------------------

void sqlite_tables::register_instance(const instance_info& info, utc_time now) {
  db_->set_doing("register_instance");
  write_transaction tx{*db_};
  auto q = db_->prepare(
      "INSERT OR REPLACE INTO cw_instance (name, host, started, last_heartbeat, concurrency, queues, kinds, "
      "  clock_skew_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  const utc_time started = info.started == utc_time{} ? now : info.started;
  q.bind(info.name, info.host, to_us(started), to_us(now), info.concurrency, json_list(info.queues),
         json_list(info.kinds), static_cast<std::int64_t>(info.clock_skew.count()));
  q.run();
  tx.commit();
}

void sqlite_tables::instance_heartbeat(const std::string& name, std::chrono::nanoseconds skew, utc_time now) {
  db_->set_doing("instance_heartbeat");
  write_transaction tx{*db_};
  auto q = db_->prepare("UPDATE cw_instance SET last_heartbeat = ?2, clock_skew_ns = ?3 WHERE name = ?1");
  q.bind(name, to_us(now), static_cast<std::int64_t>(skew.count()));
  q.run();
  tx.commit();
}

void sqlite_tables::deregister_instance(const std::string& name) {
  db_->set_doing("deregister_instance");
  write_transaction tx{*db_};
  auto q = db_->prepare("DELETE FROM cw_instance WHERE name = ?1");
  q.bind(name);
  q.run();
  tx.commit();
}

std::vector<instance_info> sqlite_tables::instances() {
  db_->set_doing("instances");
  std::vector<instance_info> out;
  auto q = db_->prepare(
      "SELECT name, host, started, last_heartbeat, concurrency, queues, kinds, clock_skew_ns FROM cw_instance "
      "ORDER BY name");
  while (q.step()) {
    instance_info i;
    i.name = q.text(0);
    i.host = q.text(1);
    i.started = from_us(q.integer(2));
    i.last_heartbeat = from_us(q.integer(3));
    i.concurrency = static_cast<unsigned>(q.integer(4));
    i.queues = from_json_list(q.text(5));
    i.kinds = from_json_list(q.text(6));
    i.clock_skew = std::chrono::nanoseconds(q.integer(7));
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace clockwork::jobs::detail
