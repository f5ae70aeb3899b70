// clockwork::jobs::job_store — where durable jobs live: the interface every backend implements
// (simulated_job_store for virtual time, sqlite_job_store embedded, a PostgreSQL store for many
// machines), and the one conformance suite (framework/tests/jobs/store_conformance.hpp) that
// every backend passes.
//
// The model, in one paragraph. Producers enqueue jobs by kind with a JSON payload. A worker
// claims due jobs in one atomic step: each claim bumps the job's `attempt` and its `epoch` (the
// fencing token) and gives it a lease until the store's now + lease. While it works, the worker
// heartbeats (extending the lease); when it is done it completes or fails the job. Every one of
// these writes carries the fence (job, epoch) of the claim and is applied only if the job is still
// running under that epoch; otherwise it is refused as `lease_lost` and written nowhere (but
// counted and kept in the job's history). When a lease expires — its worker crashed, hung, or was
// paused past it — any instance's rescue() takes the job back in one conditional step (retrying
// at once, or failed when its attempts are spent) and bumps the epoch, so that the old worker's
// later writes are refused. Rescue needs no leader: two rescues at once take each job once, and a
// rescue cannot undo a completion that came first.
//
// Time: every lease, due-time and history instant is the *store's* clock — the database's for a
// database (SQLite: the host's clock, since the database is a file on it; PostgreSQL: now()), the
// virtual clock for the simulated store — never the calling instance's own clock.
//
// Example — production and test side by side:
//
//   // production: one SQLite file shared by the processes of one machine
//   auto store = std::make_shared<clockwork::jobs::sqlite_job_store>(rt, "jobs.db");
//   // test: deterministic, in virtual time, with scripted or seeded faults
//   auto store = std::make_shared<clockwork::jobs::simulated_job_store>(sim.rt());
//
//   const auto ids = co_await store->enqueue({job});
//   auto claimed = co_await store->claim({.instance = "a", .queues = {"default"}, .kinds = {"email.send"}});
//   ... do the work ...
//   if (co_await store->complete(claimed[0].fence()) == write_outcome::lease_lost) { /* rescued meanwhile */ }
//
// Errors. A call that could not reach the store throws store_unavailable: nothing was applied. A
// call whose commit was sent but whose outcome is unknown throws commit_unknown: it may or may not
// have applied. Workers' writes are idempotent per fence (completing twice with the same fence
// answers `applied` once the first did), so retrying after commit_unknown is safe; a claim whose
// commit was unknown is recovered with claimed_by(). Bad input (a payload that is not an object
// or array, too large, an empty kind) throws std::invalid_argument and writes nothing.
//
// Thread safety: a store object belongs to the loop of the runtime it was made with; calls are
// coroutines resumed there. Database calls never block that loop (sqlite_job_store runs them on
// the runtime's offload pool; the simulated store has nothing to wait for). Several stores
// (connections) may share one database; the guarantees above hold across them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "clockwork/jobs/job.hpp"
#include "clockwork/task.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::jobs {

// The call did not reach the store (connection refused or dropped, file removed, disk full before
// the write): nothing was applied. Retry later.
class store_unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The commit was sent but its outcome is unknown (the connection dropped at the commit): the
// call may or may not have applied. Workers' writes are idempotent per fence: retry them.
class commit_unknown : public store_unavailable {
 public:
  using store_unavailable::store_unavailable;
};

// The store's schema is older or newer than this code, or missing. what() names both versions
// and, for an older one, the command that upgrades it (clockwork-jobs migrate).
class schema_mismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a job's completing transaction offers its effects (store::complete's effect): writes made
// here commit with the completion or not at all, and only while the fence is current — exactly
// once for effects in the same database as the job.
class job_transaction {
 public:
  // The fence the completion carries (already checked when the effect runs).
  virtual fence_token fence() const noexcept = 0;
  // Adds delta to the store's named counter (created at 0). stats() reports every counter.
  virtual void add_to_counter(std::string_view name, std::int64_t delta) = 0;

 protected:
  ~job_transaction() = default;
};
// Runs inside the completing transaction, after the fence check; throwing rolls everything back
// (the job stays running and complete() rethrows). Keep it to writes: user code that awaits runs
// before complete(), never while the store's write lock is held.
using job_effect = std::function<void(job_transaction&)>;

class job_store {
 public:
  virtual ~job_store() = default;

  // What this store is, for messages and the dashboard ("sqlite:/var/lib/app/jobs.db",
  // "simulated"). Never contains a password.
  virtual std::string describe() const = 0;
  // The store's clock: what every lease and due-time decision here uses.
  virtual task<utc_time> now() = 0;

  // ---- producers ----
  // Adds the jobs in one transaction, answering in order. A job whose unique key is taken in its
  // scope answers the existing job's id with duplicate = true.
  virtual task<std::vector<enqueue_result>> enqueue(std::vector<new_job> jobs) = 0;

  // ---- workers ----
  // Claims up to request.limit due jobs (scheduled_at <= now; state available, scheduled or
  // retrying; queue not paused; kind among request.kinds; attempt < max_attempts) in priority,
  // scheduled_at, id order: each becomes running, attempt + 1, epoch + 1, leased to
  // request.instance until now + request.lease. One atomic step: two claims never take one job.
  virtual task<std::vector<job>> claim(claim_request request) = 0;
  // The running jobs leased to `instance` (after a claim that threw commit_unknown).
  virtual task<std::vector<job>> claimed_by(std::string instance) = 0;
  // Extends the lease to now + lease.
  virtual task<write_outcome> heartbeat(fence_token fence, std::chrono::nanoseconds lease) = 0;
  // Succeeded; `effect` runs in the same transaction (see job_transaction).
  virtual task<write_outcome> complete(fence_token fence, job_effect effect = {}) = 0;
  // The attempt failed with `error`: retrying, due `retry_after` from now; or failed (final) when
  // retry_after is empty.
  virtual task<write_outcome> fail(fence_token fence, std::string error,
                                   std::optional<std::chrono::nanoseconds> retry_after) = 0;
  // Not now: scheduled again `delay` from now, the attempt given back (a snooze is no failure).
  virtual task<write_outcome> snooze(fence_token fence, std::chrono::nanoseconds delay) = 0;
  // Interrupted by a stop before it finished: available at once, the attempt given back.
  virtual task<write_outcome> release(fence_token fence) = 0;
  // Takes back up to `limit` running jobs whose lease expired before now: retrying at once (the
  // attempt counts), or failed when attempt >= max_attempts; the epoch bumped either way. One
  // conditional step per job: it cannot overwrite a completion that came first.
  virtual task<std::vector<job_id>> rescue(std::size_t limit) = 0;
  // When the earliest pending job of these queues and kinds is due (a due one: its past instant),
  // or none. Workers arm their wake-up timer at it.
  virtual task<std::optional<utc_time>> next_due(std::vector<std::string> queues, std::vector<std::string> kinds) = 0;
  // Completes when work may have appeared (a job enqueued, released or retried by this process or
  // — as far as the backend can tell — another one), at `until`, or when `stop` is requested.
  // It may wake for nothing and may miss a change: workers keep a poll as backstop. Returns true
  // when woken by a change.
  virtual task<bool> wait_for_activity(steady_time until, std::stop_token stop) = 0;

  // ---- operators ----
  // A pending job becomes cancelled; a running one too (its worker's next write is lease_lost and
  // its stop token is cancelled). not_allowed for a finished job.
  virtual task<write_outcome> cancel(job_id id) = 0;
  // A failed, cancelled or succeeded job becomes available again, with one more attempt allowed.
  // not_allowed for a pending or running job.
  virtual task<write_outcome> retry(job_id id) = 0;
  // Removes a finished job and its history. not_allowed for a pending or running job.
  virtual task<write_outcome> remove(job_id id) = 0;
  // An operator's "run now": a scheduled or retrying job becomes available at once (its attempt
  // and epoch unchanged; `requeued` in its history). not_allowed in any other state.
  virtual task<write_outcome> run_now(job_id id) = 0;
  // A paused queue's jobs are not claimed; running ones finish.
  virtual task<> pause_queue(std::string queue) = 0;
  virtual task<> resume_queue(std::string queue) = 0;

  // ---- recurring jobs ----
  // Adds or replaces (by name) a definition. A changed schedule starts from now: its high-water
  // mark moves to now, so nothing is caught up from the old schedule's last occurrence.
  virtual task<> put_recurring(recurring_definition definition) = 0;
  virtual task<std::vector<recurring_definition>> recurring() = 0;
  virtual task<bool> remove_recurring(std::string name) = 0;
  // Fires occurrence `occurrence` of `name` once across every instance: in one transaction,
  // when occurrence is later than the high-water mark, moves the mark to it, adds `missed` to
  // the definition's misfires and enqueues `job`; returns its id. Returns none (and writes
  // nothing) when the mark is already at or past it — another instance fired it.
  virtual task<std::optional<job_id>> fire_recurring(std::string name, utc_time occurrence, std::uint64_t missed,
                                                     new_job job) = 0;
  // Moves the high-water mark without enqueueing (occurrences dropped by a misfire policy).
  virtual task<bool> skip_recurring(std::string name, utc_time occurrence, std::uint64_t missed) = 0;
  // An operator's "trigger now": enqueues one job of the definition (its kind, payload and
  // queue), due now, outside its schedule: the high-water mark and the misfires are untouched,
  // so the schedule goes on as before. None for an unknown name.
  virtual task<std::optional<job_id>> trigger_recurring(std::string name) = 0;

  // ---- instances ----
  // Adds or replaces the instance; its last heartbeat is now.
  virtual task<> register_instance(instance_info info) = 0;
  virtual task<> instance_heartbeat(std::string name, std::chrono::nanoseconds clock_skew) = 0;
  virtual task<> deregister_instance(std::string name) = 0;
  virtual task<std::vector<instance_info>> instances() = 0;

  // ---- queries ----
  virtual task<std::optional<job>> get(job_id id) = 0;
  virtual task<job_page> list(job_query query) = 0;
  virtual task<std::vector<history_entry>> history(job_id id) = 0;
  // `alive_within`: instances whose last heartbeat is this recent count as live when deciding
  // which due kinds nobody serves.
  virtual task<store_stats> stats(std::chrono::nanoseconds alive_within = std::chrono::minutes(1)) = 0;
  // Succeeded and failed jobs per minute of [from, to), oldest first, every minute present.
  virtual task<std::vector<minute_count>> per_minute(utc_time from, utc_time to) = 0;
  // Removes what retention says; returns the number of jobs removed.
  virtual task<std::uint64_t> prune(retention_options retention) = 0;
};

// The largest payload enqueue() accepts, in bytes of JSON text.
inline constexpr std::size_t max_payload_bytes = 1 << 20;

// Checks a new job as every store does (std::invalid_argument naming the problem): a kind and a
// queue that are not empty and at most 200 bytes, a payload no larger than max_payload_bytes,
// max_attempts >= 1, a non-negative delay, a unique key that is not empty, a positive period for
// unique_scope::for_period. Returns the payload's JSON text.
std::string validate_new_job(const new_job& job);

}  // namespace clockwork::jobs
