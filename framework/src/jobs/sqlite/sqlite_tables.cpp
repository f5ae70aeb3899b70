// The SQLite job store's steps for a job's life: enqueue, claim, the fenced writes of workers,
// rescue, operators' actions. Recurring definitions and instances are in
// sqlite_tables_registry.cpp, the queries in sqlite_tables_queries.cpp.
#include "sqlite_tables.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

#include "clockwork/time/duration.hpp"
#include "sqlite_rows.hpp"

namespace clockwork::jobs::detail {
namespace {

using namespace sqlite;

// The counter writes of a completing transaction go straight into it: an effect that throws
// rolls them back with everything else.
class sqlite_transaction final : public job_transaction {
 public:
  sqlite_transaction(sqlite::connection& db, fence_token fence) : db_(db), fence_(fence) {}
  fence_token fence() const noexcept override { return fence_; }
  void add_to_counter(std::string_view name, std::int64_t delta) override {
    if (name.empty()) throw std::invalid_argument("clockwork::jobs: a counter's name must not be empty");
    auto q = db_.prepare(
        "INSERT INTO cw_counter (name, value) VALUES (?1, ?2) "
        "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value");
    q.bind(name, delta);
    q.run();
  }

 private:
  sqlite::connection& db_;
  fence_token fence_;
};

}  // namespace

// ---- bookkeeping ----------------------------------------------------------------------------

void sqlite_tables::record(job_id id, job_event event, utc_time at, std::int64_t epoch, std::int64_t attempt,
                           const std::string& who, std::optional<std::int64_t> scheduled_us,
                           const std::string& detail) {
  auto q = db_->prepare(
      "INSERT INTO cw_job_history (job_id, event, at, epoch, attempt, instance, scheduled, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  q.bind(id, to_string(event), to_us(at), epoch, attempt, who, scheduled_us, detail);
  q.run();
}

void sqlite_tables::count(const char* total, std::int64_t delta) {
  if (delta == 0) return;
  auto q = db_->prepare("UPDATE cw_store_total SET value = value + ?2 WHERE name = ?1");
  q.bind(total, delta);
  q.run();
}

write_outcome sqlite_tables::refused(fence_token fence, std::string_view what, utc_time now, const std::string& who) {
  std::string state_name;
  std::int64_t epoch = 0;
  std::int64_t attempt = 0;
  bool attempted = false;
  bool leased = false;
  {
    auto q = db_->prepare(
        "SELECT state, epoch, attempt, attempted_at IS NOT NULL, lease_expires_at IS NOT NULL FROM cw_job "
        "WHERE id = ?1");
    q.bind(fence.job);
    if (!q.step()) return write_outcome::not_found;
    state_name = q.text(0);
    epoch = q.integer(1);
    attempt = q.integer(2);
    attempted = q.integer(3) != 0;
    leased = q.integer(4) != 0;
  }
  const job_state state = state_named(state_name);
  // Already written by this very fence (its reply was lost, and the worker asks again)?
  if (epoch == fence.epoch) {
    std::string last_event;
    {
      auto q = db_->prepare("SELECT event FROM cw_job_history WHERE job_id = ?1 ORDER BY seq DESC LIMIT 1");
      q.bind(fence.job);
      if (q.step()) last_event = q.text(0);
    }
    bool done = false;
    if (what == "complete") done = state == job_state::succeeded;
    if (what == "fail") done = state == job_state::retrying || state == job_state::failed;
    if (what == "snooze")
      done = is_pending(state) && attempted && !leased && last_event == to_string(job_event::snoozed);
    if (what == "release") done = is_pending(state) && last_event == to_string(job_event::released);
    if (done) return write_outcome::applied;
  }
  count("lease_lost", 1);
  const std::string detail = std::string(what) + " with epoch " + std::to_string(fence.epoch) +
                             " refused: the job is " + state_name + " at epoch " + std::to_string(epoch);
  record(fence.job, job_event::lease_lost, now, fence.epoch, attempt, who, std::nullopt, detail);
  return write_outcome::lease_lost;
}

// ---- producers ------------------------------------------------------------------------------

std::vector<enqueue_result> sqlite_tables::insert_jobs(const std::vector<new_job>& jobs,
                                                       const std::vector<std::string>& payloads, utc_time now,
                                                       const std::string& who) {
  std::vector<enqueue_result> out;
  out.reserve(jobs.size());
  const std::int64_t now_us = to_us(now);
  std::int64_t added = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const new_job& n = jobs[i];
    if (n.unique) {
      // The twin in the key's scope, if any: the oldest, as the simulated store answers.
      auto q = db_->prepare(
          "SELECT id FROM cw_job WHERE unique_key = ?1 AND ("
          "  (?2 = 0 AND state IN " CW_PENDING
          ") OR"
          "  (?2 = 1 AND state IN ('scheduled', 'available', 'retrying', 'running')) OR"
          "  (?2 = 2 AND created_at > ?3)) "
          "ORDER BY id LIMIT 1");
      // created_at > now - period, with created_at in whole microseconds: > floor(...).
      const utc_time horizon = saturating_add(now, -n.unique->period);
      q.bind(n.unique->key, static_cast<int>(n.unique->scope), to_us(horizon));
      if (q.step()) {
        out.push_back({q.integer(0), true});
        continue;
      }
    }
    const utc_time due = n.at ? *n.at : saturating_add(now, n.delay);
    const std::int64_t due_us = to_us(due);
    job_id id = 0;
    {
      auto q = db_->prepare(
          "INSERT INTO cw_job (kind, queue, payload, state, priority, max_attempts, scheduled_at, created_at, "
          "unique_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id");
      const char* state = due_us > now_us ? "scheduled" : "available";
      std::optional<std::string> key;
      if (n.unique) key = n.unique->key;
      q.bind(n.kind, n.queue, payloads[i], state, n.priority, n.max_attempts, due_us, now_us, key);
      q.step();
      id = q.integer(0);
    }
    record(id, job_event::enqueued, now, 0, 0, who, due_us, {});
    ++added;
    out.push_back({id, false});
  }
  count("enqueued", added);
  return out;
}

std::vector<enqueue_result> sqlite_tables::enqueue(const std::vector<new_job>& jobs, utc_time now,
                                                   const std::string& who, bool& woke) {
  // Every job is checked before anything is written: one bad job refuses the whole batch.
  std::vector<std::string> payloads;
  payloads.reserve(jobs.size());
  for (const new_job& n : jobs) payloads.push_back(validate_new_job(n));
  db_->set_doing("enqueue");
  write_transaction tx{*db_};
  auto out = insert_jobs(jobs, payloads, now, who);
  tx.commit();
  woke = std::any_of(out.begin(), out.end(), [](const enqueue_result& r) { return !r.duplicate; });
  return out;
}

// ---- workers --------------------------------------------------------------------------------

std::vector<job> sqlite_tables::claim(const claim_request& request, utc_time now) {
  std::vector<job> out;
  if (request.limit == 0 || request.lease.count() <= 0) return out;
  db_->set_doing("claim");
  write_transaction tx{*db_};
  {
    // One statement picks and takes the jobs: nothing another connection does can come between
    // the pick and the take (and BEGIN IMMEDIATE already holds the write lock).
    // A worker claims one queue at a time: `queue = ?` lets the claim walk the claim index in
    // its own order and stop at the limit; several queues need a sort.
#define CW_CLAIM(queue_test)                                                                           \
  "UPDATE cw_job SET state = 'running', attempt = attempt + 1, epoch = epoch + 1, attempted_at = ?1, " \
  "  lease_owner = ?2, lease_expires_at = ?3, heartbeat_at = NULL "                                    \
  "WHERE id IN ("                                                                                      \
  "  SELECT id FROM cw_job"                                                                            \
  "  WHERE state IN " CW_PENDING                                                                       \
  " AND scheduled_at <= ?1"                                                                            \
  "    AND " queue_test                                                                                \
  " AND kind IN (SELECT value FROM json_each(?5))"                                                     \
  "    AND attempt < max_attempts"                                                                     \
  "    AND queue NOT IN (SELECT name FROM cw_queue WHERE paused)"                                      \
  "  ORDER BY priority, scheduled_at, id"                                                              \
  "  LIMIT ?6) "                                                                                       \
  "RETURNING " CW_JOB_COLUMNS
    const bool one_queue = request.queues.size() == 1;
    auto q = db_->prepare(one_queue ? CW_CLAIM("queue = ?4") : CW_CLAIM("queue IN (SELECT value FROM json_each(?4))"));
#undef CW_CLAIM
    q.bind(to_us(now), request.instance, to_us(saturating_add(now, request.lease)),
           one_queue ? request.queues.front() : json_list(request.queues), json_list(request.kinds),
           static_cast<std::uint64_t>(request.limit));
    while (q.step()) out.push_back(read_job(q));
  }
  // RETURNING gives rows in no particular order: the claim's order is the contract's.
  std::sort(out.begin(), out.end(), [](const job& a, const job& b) {
    return std::tie(a.priority, a.scheduled_at, a.id) < std::tie(b.priority, b.scheduled_at, b.id);
  });
  for (const job& j : out) record(j.id, job_event::claimed, now, j.epoch, j.attempt, request.instance, {}, {});
  count("claimed", static_cast<std::int64_t>(out.size()));
  tx.commit();
  return out;
}

std::vector<job> sqlite_tables::claimed_by(const std::string& instance) {
  db_->set_doing("claimed_by");
  std::vector<job> out;
  auto q =
      db_->prepare("SELECT " CW_JOB_COLUMNS " FROM cw_job WHERE state = 'running' AND lease_owner = ?1 ORDER BY id");
  q.bind(instance);
  while (q.step()) out.push_back(read_job(q));
  return out;
}

write_outcome sqlite_tables::heartbeat(fence_token fence, std::chrono::nanoseconds lease, utc_time now,
                                       const std::string& who) {
  db_->set_doing("heartbeat");
  write_transaction tx{*db_};
  std::optional<std::int64_t> attempt;
  {
    auto q = db_->prepare(
        "UPDATE cw_job SET lease_expires_at = ?3, heartbeat_at = ?4 "
        "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING attempt");
    q.bind(fence.job, fence.epoch, to_us(saturating_add(now, lease)), to_us(now));
    if (q.step()) attempt = q.integer(0);
  }
  if (!attempt) {
    const write_outcome out = refused(fence, "heartbeat", now, who);
    tx.commit();
    return out;
  }
  // Only a job's latest heartbeat is kept: a long job would otherwise grow its history forever.
  {
    auto q = db_->prepare(
        "UPDATE cw_job_history SET at = ?2, epoch = ?3, attempt = ?4, instance = ?5 "
        "WHERE seq = (SELECT max(seq) FROM cw_job_history WHERE job_id = ?1) AND event = 'heartbeat'");
    q.bind(fence.job, to_us(now), fence.epoch, *attempt, who);
    q.run();
  }
  if (db_->changes() == 0) record(fence.job, job_event::heartbeat, now, fence.epoch, *attempt, who, {}, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::complete(fence_token fence, const job_effect& effect, utc_time now,
                                      const std::string& who) {
  db_->set_doing("complete");
  write_transaction tx{*db_};
  std::optional<std::int64_t> attempt;
  {
    auto q = db_->prepare(
        "UPDATE cw_job SET state = 'succeeded', finalized_at = ?3, lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING attempt");
    q.bind(fence.job, fence.epoch, to_us(now));
    if (q.step()) attempt = q.integer(0);
  }
  if (!attempt) {
    const write_outcome out = refused(fence, "complete", now, who);
    tx.commit();
    return out;
  }
  if (effect) {
    sqlite_transaction effects{*db_, fence};
    effect(effects);  // throws: the transaction rolls back, the job stays running
  }
  record(fence.job, job_event::succeeded, now, fence.epoch, *attempt, who, {}, {});
  count("succeeded", 1);
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::fail(fence_token fence, const std::string& error,
                                  std::optional<std::chrono::nanoseconds> retry_after, utc_time now,
                                  const std::string& who) {
  db_->set_doing("fail");
  write_transaction tx{*db_};
  std::optional<std::int64_t> due;
  if (retry_after) due = to_us(saturating_add(now, *retry_after));
  std::string state;
  std::int64_t scheduled = 0;
  std::int64_t attempt = 0;
  {
    // Retrying while attempts remain and a retry was asked for; failed (final) otherwise.
    auto q = db_->prepare(
        "UPDATE cw_job SET "
        "  state = CASE WHEN ?4 IS NOT NULL AND attempt < max_attempts THEN 'retrying' ELSE 'failed' END, "
        "  scheduled_at = CASE WHEN ?4 IS NOT NULL AND attempt < max_attempts THEN ?4 ELSE scheduled_at END, "
        "  finalized_at = CASE WHEN ?4 IS NOT NULL AND attempt < max_attempts THEN finalized_at ELSE ?3 END, "
        "  last_error = ?5, lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING state, scheduled_at, attempt");
    q.bind(fence.job, fence.epoch, to_us(now), due, error);
    if (q.step()) {
      state = q.text(0);
      scheduled = q.integer(1);
      attempt = q.integer(2);
    }
  }
  if (state.empty()) {
    const write_outcome out = refused(fence, "fail", now, who);
    tx.commit();
    return out;
  }
  if (state == "retrying") {
    record(fence.job, job_event::retrying, now, fence.epoch, attempt, who, scheduled, error);
    count("retried", 1);
  } else {
    record(fence.job, job_event::failed, now, fence.epoch, attempt, who, {}, error);
    count("failed", 1);
  }
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::snooze(fence_token fence, std::chrono::nanoseconds delay, utc_time now,
                                    const std::string& who) {
  db_->set_doing("snooze");
  write_transaction tx{*db_};
  const std::int64_t due = to_us(saturating_add(now, std::max(delay, std::chrono::nanoseconds{0})));
  std::optional<std::int64_t> attempt;
  {
    // A snooze is no failure: the attempt is given back.
    auto q = db_->prepare(
        "UPDATE cw_job SET attempt = attempt - 1, scheduled_at = ?3, "
        "  state = CASE WHEN ?3 > ?4 THEN 'scheduled' ELSE 'available' END, "
        "  lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING attempt");
    q.bind(fence.job, fence.epoch, due, to_us(now));
    if (q.step()) attempt = q.integer(0);
  }
  if (!attempt) {
    const write_outcome out = refused(fence, "snooze", now, who);
    tx.commit();
    return out;
  }
  record(fence.job, job_event::snoozed, now, fence.epoch, *attempt, who, due, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::release(fence_token fence, utc_time now, const std::string& who) {
  db_->set_doing("release");
  write_transaction tx{*db_};
  std::optional<std::int64_t> attempt;
  {
    // Interrupted, not failed: the attempt is given back, and the job is due at once.
    auto q = db_->prepare(
        "UPDATE cw_job SET attempt = attempt - 1, state = 'available', scheduled_at = ?3, "
        "  lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING attempt");
    q.bind(fence.job, fence.epoch, to_us(now));
    if (q.step()) attempt = q.integer(0);
  }
  if (!attempt) {
    const write_outcome out = refused(fence, "release", now, who);
    tx.commit();
    return out;
  }
  record(fence.job, job_event::released, now, fence.epoch, *attempt, who, {}, {});
  count("released", 1);
  tx.commit();
  return write_outcome::applied;
}

std::vector<job_id> sqlite_tables::rescue(std::size_t limit, utc_time now, const std::string& who) {
  std::vector<job_id> out;
  if (limit == 0) return out;
  db_->set_doing("rescue");
  write_transaction tx{*db_};
  struct taken {
    job_id id;
    std::int64_t epoch;
    std::int64_t attempt;
    std::string state;
    std::string why;
  };
  std::vector<taken> rows;
  {
    // One conditional statement: a job completed or renewed before it runs no longer matches
    // (state and lease are checked in the same step that writes), so a rescue cannot undo it.
    // The right-hand sides read the row as it was, so the reason still names the old owner.
    auto q = db_->prepare(
        "UPDATE cw_job SET "
        "  epoch = epoch + 1, "
        "  state = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'retrying' END, "
        "  finalized_at = CASE WHEN attempt >= max_attempts THEN ?1 ELSE finalized_at END, "
        "  scheduled_at = CASE WHEN attempt >= max_attempts THEN scheduled_at ELSE ?1 END, "
        "  last_error = 'lease expired: instance ''' || lease_owner || ''' stopped heartbeating', "
        "  lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id IN (SELECT id FROM cw_job WHERE state = 'running' AND lease_expires_at < ?1 "
        "             ORDER BY lease_expires_at, id LIMIT ?2) "
        "  AND state = 'running' AND lease_expires_at < ?1 "
        "RETURNING id, epoch, attempt, state, last_error");
    q.bind(to_us(now), static_cast<std::uint64_t>(limit));
    while (q.step()) rows.push_back({q.integer(0), q.integer(1), q.integer(2), q.text(3), q.text(4)});
  }
  std::sort(rows.begin(), rows.end(), [](const taken& a, const taken& b) { return a.id < b.id; });
  std::int64_t failed = 0;
  for (const taken& r : rows) {
    if (r.state == "failed") {
      ++failed;
      record(r.id, job_event::rescued, now, r.epoch, r.attempt, who, {}, r.why + "; attempts exhausted");
    } else {
      record(r.id, job_event::rescued, now, r.epoch, r.attempt, who, to_us(now), r.why);
    }
    out.push_back(r.id);
  }
  count("rescued", static_cast<std::int64_t>(rows.size()));
  count("failed", failed);
  tx.commit();
  return out;
}

std::optional<utc_time> sqlite_tables::next_due(const std::vector<std::string>& queues,
                                                const std::vector<std::string>& kinds) {
  db_->set_doing("next_due");
#define CW_NEXT_DUE(queue_test)                                  \
  "SELECT scheduled_at FROM cw_job "                             \
  "WHERE state IN " CW_PENDING " AND " queue_test                \
  "  AND kind IN (SELECT value FROM json_each(?2))"              \
  "  AND attempt < max_attempts"                                 \
  "  AND queue NOT IN (SELECT name FROM cw_queue WHERE paused) " \
  "ORDER BY scheduled_at LIMIT 1"
  // One queue: the due index gives the earliest first, no sort.
  const bool one_queue = queues.size() == 1;
  auto q =
      db_->prepare(one_queue ? CW_NEXT_DUE("queue = ?1") : CW_NEXT_DUE("queue IN (SELECT value FROM json_each(?1))"));
#undef CW_NEXT_DUE
  q.bind(one_queue ? queues.front() : json_list(queues), json_list(kinds));
  if (!q.step()) return std::nullopt;
  return from_us(q.integer(0));
}

// ---- operators ------------------------------------------------------------------------------

// Why an operator's conditional write matched no row: the job exists in a state that does not
// allow it, or there is no such job.
write_outcome sqlite_tables::refusal_for(job_id id) {
  auto q = db_->prepare("SELECT 1 FROM cw_job WHERE id = ?1");
  q.bind(id);
  return q.step() ? write_outcome::not_allowed : write_outcome::not_found;
}

write_outcome sqlite_tables::cancel(job_id id, utc_time now) {
  db_->set_doing("cancel");
  write_transaction tx{*db_};
  std::optional<std::pair<std::int64_t, std::int64_t>> row;
  {
    // A running job's epoch moves on: its worker learns of the cancellation as a lost lease.
    auto q = db_->prepare(
        "UPDATE cw_job SET epoch = epoch + (state = 'running'), state = 'cancelled', finalized_at = ?2, "
        "  lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ?1 AND state NOT IN " CW_FINAL " RETURNING epoch, attempt");
    q.bind(id, to_us(now));
    if (q.step()) row.emplace(q.integer(0), q.integer(1));
  }
  if (!row) return refusal_for(id);
  record(id, job_event::cancelled, now, row->first, row->second, {}, {}, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::retry(job_id id, utc_time now) {
  db_->set_doing("retry");
  write_transaction tx{*db_};
  std::optional<std::pair<std::int64_t, std::int64_t>> row;
  {
    auto q = db_->prepare(
        "UPDATE cw_job SET state = 'available', scheduled_at = ?2, finalized_at = NULL, "
        "  max_attempts = max(max_attempts, attempt + 1) "
        "WHERE id = ?1 AND state IN " CW_FINAL " RETURNING epoch, attempt");
    q.bind(id, to_us(now));
    if (q.step()) row.emplace(q.integer(0), q.integer(1));
  }
  if (!row) return refusal_for(id);
  record(id, job_event::requeued, now, row->first, row->second, {}, to_us(now), {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::run_now(job_id id, utc_time now) {
  db_->set_doing("run_now");
  write_transaction tx{*db_};
  std::optional<std::pair<std::int64_t, std::int64_t>> row;
  {
    auto q = db_->prepare(
        "UPDATE cw_job SET state = 'available', scheduled_at = ?2 "
        "WHERE id = ?1 AND state IN ('scheduled', 'retrying') RETURNING epoch, attempt");
    q.bind(id, to_us(now));
    if (q.step()) row.emplace(q.integer(0), q.integer(1));
  }
  if (!row) return refusal_for(id);
  record(id, job_event::requeued, now, row->first, row->second, {}, to_us(now), "run now");
  tx.commit();
  return write_outcome::applied;
}

write_outcome sqlite_tables::remove(job_id id) {
  db_->set_doing("remove");
  write_transaction tx{*db_};
  {
    // Its history goes with it (ON DELETE CASCADE).
    auto q = db_->prepare("DELETE FROM cw_job WHERE id = ?1 AND state IN " CW_FINAL);
    q.bind(id);
    q.run();
  }
  if (db_->changes() == 0) return refusal_for(id);
  tx.commit();
  return write_outcome::applied;
}

void sqlite_tables::pause_queue(const std::string& queue, bool paused) {
  db_->set_doing(paused ? "pause_queue" : "resume_queue");
  write_transaction tx{*db_};
  auto q = db_->prepare(
      "INSERT INTO cw_queue (name, paused) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET paused = excluded.paused");
  q.bind(queue, paused ? 1 : 0);
  q.run();
  tx.commit();
}

}  // namespace clockwork::jobs::detail
