// The PostgreSQL job store's steps for a job's life (pg_tables.hpp).
#include "pg_tables.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "clockwork/time/duration.hpp"
#include "pg_rows.hpp"

namespace clockwork::jobs::detail {
namespace {

using namespace pg;

// The counter writes of a completing transaction go straight into it: an effect that throws
// rolls them back with everything else.
class pg_job_transaction final : public job_transaction {
 public:
  pg_job_transaction(pg::connection& db, fence_token fence) : db_(db), fence_(fence) {}
  fence_token fence() const noexcept override { return fence_; }
  void add_to_counter(std::string_view name, std::int64_t delta) override {
    if (name.empty()) throw std::invalid_argument("clockwork::jobs: a counter's name must not be empty");
    db_.exec(
        "INSERT INTO cw_counter (name, value) VALUES ($1, $2::bigint) "
        "ON CONFLICT (name) DO UPDATE SET value = cw_counter.value + excluded.value",
        args(name, delta), "complete");
  }

 private:
  pg::connection& db_;
  fence_token fence_;
};

}  // namespace

// ---- bookkeeping ----------------------------------------------------------------------------

void pg_tables::record(job_id id, job_event event, utc_time at, std::int64_t epoch, std::int64_t attempt,
                       const std::string& who, std::optional<std::int64_t> scheduled_us, const std::string& detail) {
  db_->exec(
      "INSERT INTO cw_job_history (job_id, event, at, epoch, attempt, instance, scheduled, detail) "
      "VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5::integer, $6, $7::bigint, $8)",
      args(id, std::string(to_string(event)), to_us(at), epoch, attempt, who, scheduled_us, detail), "history");
}

void pg_tables::count(const char* total, std::int64_t delta) {
  if (delta == 0) return;
  db_->exec("UPDATE cw_store_total SET value = value + $2::bigint WHERE name = $1", args(total, delta), "totals");
}

write_outcome pg_tables::refused(fence_token fence, std::string_view what, utc_time now, const std::string& who) {
  const auto row = db_->exec(
      "SELECT state, epoch, attempt, attempted_at IS NOT NULL, lease_expires_at IS NOT NULL FROM cw_job "
      "WHERE id = $1::bigint",
      args(fence.job), std::string(what));
  if (row.rows() == 0) return write_outcome::not_found;
  const std::string state_name = row.text(0, 0);
  const std::int64_t epoch = row.integer(0, 1);
  const std::int64_t attempt = row.integer(0, 2);
  const bool attempted = row.boolean(0, 3);
  const bool leased = row.boolean(0, 4);
  const job_state state = state_named(state_name);
  // Already written by this very fence (its reply was lost, and the worker asks again)?
  if (epoch == fence.epoch) {
    const auto last = db_->exec("SELECT event FROM cw_job_history WHERE job_id = $1::bigint ORDER BY seq DESC LIMIT 1",
                                args(fence.job), std::string(what));
    const std::string last_event = last.rows() > 0 ? last.text(0, 0) : std::string();
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

std::vector<enqueue_result> pg_tables::insert_jobs(const std::vector<new_job>& jobs,
                                                   const std::vector<std::string>& payloads, utc_time now,
                                                   const std::string& who) {
  std::vector<enqueue_result> out;
  out.reserve(jobs.size());
  const std::int64_t now_us = to_us(now);
  std::int64_t added = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const new_job& n = jobs[i];
    if (n.unique) {
      // Concurrent enqueues of one key wait here for each other (released at COMMIT), so the
      // lookup and the insert below are one step for every key.
      db_->exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", args(n.unique->key), "enqueue");
      const utc_time horizon = saturating_add(now, -n.unique->period);
      const auto twin = db_->exec(
          "SELECT id FROM cw_job WHERE unique_key = $1 AND ("
          "  ($2::integer = 0 AND state IN " CW_PG_PENDING
          ") OR"
          "  ($2::integer = 1 AND state IN ('scheduled', 'available', 'retrying', 'running')) OR"
          "  ($2::integer = 2 AND created_at > $3::bigint)) "
          "ORDER BY id LIMIT 1",
          args(n.unique->key, static_cast<int>(n.unique->scope), to_us(horizon)), "enqueue");
      if (twin.rows() > 0) {
        out.push_back({twin.integer(0, 0), true});
        continue;
      }
    }
    const utc_time due = n.at ? *n.at : saturating_add(now, n.delay);
    const std::int64_t due_us = to_us(due);
    std::optional<std::string> key;
    if (n.unique) key = n.unique->key;
    const auto inserted = db_->exec(
        "INSERT INTO cw_job (kind, queue, payload, state, priority, max_attempts, scheduled_at, created_at, "
        "unique_key) VALUES ($1, $2, $3, $4, $5::integer, $6::integer, $7::bigint, $8::bigint, $9) RETURNING id",
        args(n.kind, n.queue, payloads[i], due_us > now_us ? "scheduled" : "available", n.priority, n.max_attempts,
             due_us, now_us, key),
        "enqueue");
    const job_id id = inserted.integer(0, 0);
    record(id, job_event::enqueued, now, 0, 0, who, due_us, {});
    ++added;
    out.push_back({id, false});
  }
  count("enqueued", added);
  return out;
}

std::vector<enqueue_result> pg_tables::enqueue(const std::vector<new_job>& jobs, utc_time now, const std::string& who,
                                               bool& woke) {
  // Every job is checked before anything is written: one bad job refuses the whole batch.
  std::vector<std::string> payloads;
  payloads.reserve(jobs.size());
  for (const new_job& n : jobs) payloads.push_back(validate_new_job(n));
  transaction tx{*db_, "enqueue"};
  auto out = insert_jobs(jobs, payloads, now, who);
  tx.commit();
  woke = std::any_of(out.begin(), out.end(), [](const enqueue_result& r) { return !r.duplicate; });
  return out;
}

// ---- workers --------------------------------------------------------------------------------

std::vector<job> pg_tables::claim(const claim_request& request, utc_time now) {
  std::vector<job> out;
  if (request.limit == 0 || request.lease.count() <= 0) return out;
  transaction tx{*db_, "claim"};
  {
    // One statement picks and takes the jobs; SKIP LOCKED: rows another claim is taking are
    // passed over, never waited for nor taken twice.
    const auto r = db_->exec(
        "WITH picked AS ("
        "  SELECT id FROM cw_job"
        "  WHERE state IN " CW_PG_PENDING
        " AND scheduled_at <= $1::bigint"
        "    AND queue = ANY($4::text[]) AND kind = ANY($5::text[])"
        "    AND attempt < max_attempts"
        "    AND queue NOT IN (SELECT name FROM cw_queue WHERE paused)"
        "  ORDER BY priority, scheduled_at, id"
        "  LIMIT $6::bigint"
        "  FOR UPDATE SKIP LOCKED) "
        "UPDATE cw_job j SET state = 'running', attempt = j.attempt + 1, epoch = j.epoch + 1, attempted_at = "
        "$1::bigint, "
        "  lease_owner = $2, lease_expires_at = $3::bigint, heartbeat_at = NULL "
        "FROM picked WHERE j.id = picked.id "
        "RETURNING " CW_PG_JOB_COLUMNS("j."),
        args(to_us(now), request.instance, to_us(saturating_add(now, request.lease)), array_literal(request.queues),
             array_literal(request.kinds), static_cast<std::uint64_t>(request.limit)),
        "claim");
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_job(r, i));
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

std::vector<job> pg_tables::claimed_by(const std::string& instance) {
  std::vector<job> out;
  const auto r = db_->exec("SELECT " CW_PG_JOB_COLUMNS("") " FROM cw_job WHERE state = 'running' AND lease_owner = $1 "
                           "ORDER BY id",
                           args(instance), "claimed_by");
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_job(r, i));
  return out;
}

write_outcome pg_tables::heartbeat(fence_token fence, std::chrono::nanoseconds lease, utc_time now,
                                   const std::string& who) {
  transaction tx{*db_, "heartbeat"};
  const auto r = db_->exec(
      "UPDATE cw_job SET lease_expires_at = $3::bigint, heartbeat_at = $4::bigint "
      "WHERE id = $1::bigint AND epoch = $2::bigint AND state = 'running' RETURNING attempt",
      args(fence.job, fence.epoch, to_us(saturating_add(now, lease)), to_us(now)), "heartbeat");
  if (r.rows() == 0) {
    const write_outcome out = refused(fence, "heartbeat", now, who);
    tx.commit();
    return out;
  }
  const std::int64_t attempt = r.integer(0, 0);
  // Only a job's latest heartbeat is kept: a long job would otherwise grow its history forever.
  const auto updated = db_->exec(
      "UPDATE cw_job_history SET at = $2::bigint, epoch = $3::bigint, attempt = $4::integer, instance = $5 "
      "WHERE seq = (SELECT max(seq) FROM cw_job_history WHERE job_id = $1::bigint) AND event = 'heartbeat' "
      "RETURNING seq",
      args(fence.job, to_us(now), fence.epoch, attempt, who), "heartbeat");
  if (updated.rows() == 0) record(fence.job, job_event::heartbeat, now, fence.epoch, attempt, who, {}, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::complete(fence_token fence, const job_effect& effect, utc_time now, const std::string& who) {
  transaction tx{*db_, "complete"};
  const auto r = db_->exec(
      "UPDATE cw_job SET state = 'succeeded', finalized_at = $3::bigint, lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1::bigint AND epoch = $2::bigint AND state = 'running' RETURNING attempt",
      args(fence.job, fence.epoch, to_us(now)), "complete");
  if (r.rows() == 0) {
    const write_outcome out = refused(fence, "complete", now, who);
    tx.commit();
    return out;
  }
  if (effect) {
    pg_job_transaction effects{*db_, fence};
    effect(effects);  // throws: the transaction rolls back, the job stays running
  }
  record(fence.job, job_event::succeeded, now, fence.epoch, r.integer(0, 0), who, {}, {});
  count("succeeded", 1);
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::fail(fence_token fence, const std::string& error,
                              std::optional<std::chrono::nanoseconds> retry_after, utc_time now,
                              const std::string& who) {
  transaction tx{*db_, "fail"};
  std::optional<std::int64_t> due;
  if (retry_after) due = to_us(saturating_add(now, *retry_after));
  // Retrying while attempts remain and a retry was asked for; failed (final) otherwise.
  const auto r = db_->exec(
      "UPDATE cw_job SET "
      "  state = CASE WHEN $4::bigint IS NOT NULL AND attempt < max_attempts THEN 'retrying' ELSE 'failed' END, "
      "  scheduled_at = CASE WHEN $4::bigint IS NOT NULL AND attempt < max_attempts THEN $4::bigint "
      "                 ELSE scheduled_at END, "
      "  finalized_at = CASE WHEN $4::bigint IS NOT NULL AND attempt < max_attempts THEN finalized_at "
      "                 ELSE $3::bigint END, "
      "  last_error = $5, lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1::bigint AND epoch = $2::bigint AND state = 'running' RETURNING state, scheduled_at, attempt",
      args(fence.job, fence.epoch, to_us(now), due, error), "fail");
  if (r.rows() == 0) {
    const write_outcome out = refused(fence, "fail", now, who);
    tx.commit();
    return out;
  }
  const std::int64_t attempt = r.integer(0, 2);
  if (r.text(0, 0) == "retrying") {
    record(fence.job, job_event::retrying, now, fence.epoch, attempt, who, r.integer(0, 1), error);
    count("retried", 1);
  } else {
    record(fence.job, job_event::failed, now, fence.epoch, attempt, who, {}, error);
    count("failed", 1);
  }
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::snooze(fence_token fence, std::chrono::nanoseconds delay, utc_time now,
                                const std::string& who) {
  transaction tx{*db_, "snooze"};
  const std::int64_t due = to_us(saturating_add(now, std::max(delay, std::chrono::nanoseconds{0})));
  // A snooze is no failure: the attempt is given back.
  const auto r = db_->exec(
      "UPDATE cw_job SET attempt = attempt - 1, scheduled_at = $3::bigint, "
      "  state = CASE WHEN $3::bigint > $4::bigint THEN 'scheduled' ELSE 'available' END, "
      "  lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1::bigint AND epoch = $2::bigint AND state = 'running' RETURNING attempt",
      args(fence.job, fence.epoch, due, to_us(now)), "snooze");
  if (r.rows() == 0) {
    const write_outcome out = refused(fence, "snooze", now, who);
    tx.commit();
    return out;
  }
  record(fence.job, job_event::snoozed, now, fence.epoch, r.integer(0, 0), who, due, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::release(fence_token fence, utc_time now, const std::string& who) {
  transaction tx{*db_, "release"};
  // Interrupted, not failed: the attempt is given back, and the job is due at once.
  const auto r = db_->exec(
      "UPDATE cw_job SET attempt = attempt - 1, state = 'available', scheduled_at = $3::bigint, "
      "  lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1::bigint AND epoch = $2::bigint AND state = 'running' RETURNING attempt",
      args(fence.job, fence.epoch, to_us(now)), "release");
  if (r.rows() == 0) {
    const write_outcome out = refused(fence, "release", now, who);
    tx.commit();
    return out;
  }
  record(fence.job, job_event::released, now, fence.epoch, r.integer(0, 0), who, {}, {});
  count("released", 1);
  tx.commit();
  return write_outcome::applied;
}

std::vector<job_id> pg_tables::rescue(std::size_t limit, utc_time now, const std::string& who) {
  std::vector<job_id> out;
  if (limit == 0) return out;
  transaction tx{*db_, "rescue"};
  // Expired leases, taken with SKIP LOCKED (a job a worker is completing right now is locked by
  // that completion and passed over) and checked again where the row is written: a job
  // completed or renewed first no longer matches. The old owner is read from the row as it was.
  const auto r = db_->exec(
      "WITH expired AS ("
      "  SELECT id, lease_owner AS owner FROM cw_job WHERE state = 'running' AND lease_expires_at < $1::bigint"
      "  ORDER BY lease_expires_at, id LIMIT $2::bigint FOR UPDATE SKIP LOCKED) "
      "UPDATE cw_job j SET "
      "  epoch = j.epoch + 1, "
      "  state = CASE WHEN j.attempt >= j.max_attempts THEN 'failed' ELSE 'retrying' END, "
      "  finalized_at = CASE WHEN j.attempt >= j.max_attempts THEN $1::bigint ELSE j.finalized_at END, "
      "  scheduled_at = CASE WHEN j.attempt >= j.max_attempts THEN j.scheduled_at ELSE $1::bigint END, "
      "  last_error = 'lease expired: instance ''' || expired.owner || ''' stopped heartbeating', "
      "  lease_owner = NULL, lease_expires_at = NULL "
      "FROM expired WHERE j.id = expired.id AND j.state = 'running' AND j.lease_expires_at < $1::bigint "
      "RETURNING j.id, j.epoch, j.attempt, j.state, j.last_error",
      args(to_us(now), static_cast<std::uint64_t>(limit)), "rescue");
  struct taken {
    job_id id;
    std::int64_t epoch;
    std::int64_t attempt;
    std::string state;
    std::string why;
  };
  std::vector<taken> rows;
  for (int i = 0; i < r.rows(); ++i) {
    rows.push_back({r.integer(i, 0), r.integer(i, 1), r.integer(i, 2), r.text(i, 3), r.text(i, 4)});
  }
  std::sort(rows.begin(), rows.end(), [](const taken& a, const taken& b) { return a.id < b.id; });
  std::int64_t failed = 0;
  for (const taken& t : rows) {
    if (t.state == "failed") {
      ++failed;
      record(t.id, job_event::rescued, now, t.epoch, t.attempt, who, {}, t.why + "; attempts exhausted");
    } else {
      record(t.id, job_event::rescued, now, t.epoch, t.attempt, who, to_us(now), t.why);
    }
    out.push_back(t.id);
  }
  count("rescued", static_cast<std::int64_t>(rows.size()));
  count("failed", failed);
  tx.commit();
  return out;
}

std::optional<utc_time> pg_tables::next_due(const std::vector<std::string>& queues,
                                            const std::vector<std::string>& kinds) {
  const auto r = db_->exec(
      "SELECT scheduled_at FROM cw_job "
      "WHERE state IN " CW_PG_PENDING
      " AND queue = ANY($1::text[]) AND kind = ANY($2::text[])"
      "  AND attempt < max_attempts AND queue NOT IN (SELECT name FROM cw_queue WHERE paused) "
      "ORDER BY scheduled_at LIMIT 1",
      args(array_literal(queues), array_literal(kinds)), "next_due");
  if (r.rows() == 0) return std::nullopt;
  return from_us(r.integer(0, 0));
}

// ---- operators ------------------------------------------------------------------------------

write_outcome pg_tables::refusal_for(job_id id) {
  return db_->exec("SELECT 1 FROM cw_job WHERE id = $1::bigint", args(id), "a lookup").rows() > 0
             ? write_outcome::not_allowed
             : write_outcome::not_found;
}

write_outcome pg_tables::cancel(job_id id, utc_time now) {
  transaction tx{*db_, "cancel"};
  // A running job's epoch moves on: its worker learns of the cancellation as a lost lease.
  const auto r = db_->exec(
      "UPDATE cw_job SET epoch = epoch + (CASE WHEN state = 'running' THEN 1 ELSE 0 END), state = 'cancelled', "
      "  finalized_at = $2::bigint, lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1::bigint AND state NOT IN ('succeeded', 'failed', 'cancelled') RETURNING epoch, attempt",
      args(id, to_us(now)), "cancel");
  if (r.rows() == 0) return refusal_for(id);
  record(id, job_event::cancelled, now, r.integer(0, 0), r.integer(0, 1), {}, {}, {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::retry(job_id id, utc_time now) {
  transaction tx{*db_, "retry"};
  const auto r = db_->exec(
      "UPDATE cw_job SET state = 'available', scheduled_at = $2::bigint, finalized_at = NULL, "
      "  max_attempts = greatest(max_attempts, attempt + 1) "
      "WHERE id = $1::bigint AND state IN ('succeeded', 'failed', 'cancelled') RETURNING epoch, attempt",
      args(id, to_us(now)), "retry");
  if (r.rows() == 0) return refusal_for(id);
  record(id, job_event::requeued, now, r.integer(0, 0), r.integer(0, 1), {}, to_us(now), {});
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::run_now(job_id id, utc_time now) {
  transaction tx{*db_, "run_now"};
  const auto r = db_->exec(
      "UPDATE cw_job SET state = 'available', scheduled_at = $2::bigint "
      "WHERE id = $1::bigint AND state IN ('scheduled', 'retrying') RETURNING epoch, attempt",
      args(id, to_us(now)), "run_now");
  if (r.rows() == 0) return refusal_for(id);
  record(id, job_event::requeued, now, r.integer(0, 0), r.integer(0, 1), {}, to_us(now), "run now");
  tx.commit();
  return write_outcome::applied;
}

write_outcome pg_tables::remove(job_id id) {
  transaction tx{*db_, "remove"};
  // Its history goes with it (ON DELETE CASCADE).
  const auto r = db_->exec(
      "DELETE FROM cw_job WHERE id = $1::bigint AND state IN ('succeeded', 'failed', 'cancelled') RETURNING id",
      args(id), "remove");
  if (r.rows() == 0) return refusal_for(id);
  tx.commit();
  return write_outcome::applied;
}

void pg_tables::pause_queue(const std::string& queue, bool paused) {
  transaction tx{*db_, paused ? "pause_queue" : "resume_queue"};
  db_->exec(
      "INSERT INTO cw_queue (name, paused) VALUES ($1, $2::boolean) ON CONFLICT (name) DO UPDATE SET paused = "
      "excluded.paused",
      args(queue, paused ? "true" : "false"), "pause_queue");
  tx.commit();
}

}  // namespace clockwork::jobs::detail
