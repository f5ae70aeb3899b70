// clockwork::jobs — the values a job store holds and answers with: a job (one row), a new job to
// enqueue, the fencing token of a claim, a job's history, the instances working a store, the
// recurring definitions it fires, and the queries a dashboard or a test asks.
//
// A job is addressed by a *stable kind name* ("email.send") and carries a JSON payload, never a
// C++ symbol, so that renaming code never strands queued work. Every claim of a job bumps its
// `epoch`: the fencing token. A worker's writes about a job (heartbeat, complete, fail, snooze,
// release) carry the epoch it claimed with and are refused as lease_lost once the job was claimed
// again — by a rescue after the lease expired, say — so a worker that was paused past its lease
// cannot overwrite the new attempt. Hand fence() to anything else the job writes (a fenced
// resource keeps the highest epoch it has seen per job and refuses lower ones).
//
// Example — production and test side by side (the store is the only difference):
//
//   clockwork::jobs::new_job j;
//   j.kind = "email.send";
//   j.payload = {{"to", "ana@example.com"}};
//   j.delay = std::chrono::hours(1);                 // due an hour from the store's now
//   j.unique = clockwork::jobs::unique_options{"welcome:ana"};
//   const auto ids = co_await store.enqueue({j});    // sqlite_job_store in production,
//                                                    // simulated_job_store under virtual time
//
// Instants are the store's: `scheduled_at`, `lease_expires_at` and every history instant are read
// from the store's clock (the database's for a database, the virtual clock for the simulated
// store), never from an instance's own clock. Stores keep microseconds.
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/jobs/job_state.hpp"
#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::jobs {

using job_id = std::int64_t;

// The fencing token of one claim: the job and the epoch the claim gave it. Writes carrying an
// older epoch are refused.
struct fence_token {
  job_id job = 0;
  std::int64_t epoch = 0;
  friend bool operator==(const fence_token&, const fence_token&) = default;
};

// While a job with the same unique key exists in one of these states, enqueueing another returns
// the existing one (duplicate = true) instead of adding a row.
enum class unique_scope : unsigned char {
  while_pending,             // scheduled, available, retrying
  while_pending_or_running,  // ... or running
  for_period,                // any state, enqueued within `period` before now
};
std::string_view to_string(unique_scope scope) noexcept;

struct unique_options {
  std::string key;
  unique_scope scope = unique_scope::while_pending_or_running;
  std::chrono::nanoseconds period{0};  // for_period only: positive
};

// What enqueue() takes. When `at` is set the job is due then; otherwise it is due `delay` after
// the store's now (zero: at once).
struct new_job {
  std::string kind;
  nlohmann::json payload = nlohmann::json::object();
  std::string queue = "default";
  int priority = 0;  // lower runs first among jobs due at once
  unsigned max_attempts = 10;
  std::optional<utc_time> at;
  std::chrono::nanoseconds delay{0};
  std::optional<unique_options> unique;
};

struct enqueue_result {
  job_id id = 0;
  bool duplicate = false;  // a job with the same unique key was there already: id is that job
};

// One job, as the store has it.
struct job {
  job_id id = 0;
  std::string kind;
  std::string queue;
  std::string payload;  // JSON text, as enqueued
  job_state state = job_state::available;
  int priority = 0;
  unsigned attempt = 0;  // attempts started (claims), 0 before the first
  unsigned max_attempts = 10;
  std::int64_t epoch = 0;  // claims so far: the fencing token of the latest
  utc_time scheduled_at{};
  utc_time created_at{};
  std::optional<utc_time> attempted_at;  // the latest claim
  std::optional<utc_time> finalized_at;  // when it reached a final state
  std::string lease_owner;               // the instance holding the lease (running only)
  std::optional<utc_time> lease_expires_at;
  std::optional<utc_time> heartbeat_at;
  std::string unique_key;
  std::string last_error;

  fence_token fence() const noexcept { return {id, epoch}; }
};

// What a claim asks for: up to `limit` due jobs of the given queues whose kind is one of `kinds`
// (a worker claims only the kinds it has registered), in priority, scheduled_at, id order, each
// under a lease of `lease` from the store's now, owned by `instance`.
struct claim_request {
  std::string instance;
  std::vector<std::string> queues;
  std::vector<std::string> kinds;
  std::size_t limit = 1;
  std::chrono::nanoseconds lease = std::chrono::seconds(30);
};

// The answer to a worker's write (or an operator's action) about one job.
enum class write_outcome : unsigned char {
  applied,      // written (or written before by the same epoch: writes are idempotent per fence)
  lease_lost,   // the job was claimed again (a newer epoch) or is no longer running: nothing written
  not_found,    // no such job
  not_allowed,  // an operator action the job's state does not allow (cancel a finished job...)
};
std::string_view to_string(write_outcome outcome) noexcept;

// What happened to a job, in order.
enum class job_event : unsigned char {
  enqueued,
  claimed,
  heartbeat,  // only the latest is kept
  succeeded,
  failed,    // final
  retrying,  // an attempt failed; another is scheduled
  snoozed,
  released,    // interrupted by a stop: available again, its attempt given back
  rescued,     // its lease expired and a rescue took it back
  lease_lost,  // a write with a stale epoch was refused
  cancelled,
  requeued,  // an operator retried it, or made it run now
};
std::string_view to_string(job_event event) noexcept;

struct history_entry {
  job_id job = 0;
  job_event event = job_event::enqueued;
  utc_time at{};           // the store's time of the event
  std::int64_t epoch = 0;  // the epoch the event concerns (the refused one for lease_lost)
  unsigned attempt = 0;
  std::string instance;               // who did it (empty: an operator or the store)
  std::optional<utc_time> scheduled;  // enqueued, retrying, snoozed: when it is due
  std::string detail;                 // the error text, the reason
};

// An instance working the store: a worker process (or a simulated one).
struct instance_info {
  std::string name;  // unique per process incarnation
  std::string host;
  utc_time started{};
  utc_time last_heartbeat{};
  unsigned concurrency = 0;
  std::vector<std::string> queues;
  std::vector<std::string> kinds;
  std::chrono::nanoseconds clock_skew{0};  // its clock minus the store's, as it last measured
};

// A recurring job kept in the store, fired once per occurrence across every instance by a
// high-water mark (last_fired), with recurring_job's misfire policies after downtime.
struct recurring_definition {
  std::string name;
  std::string expression;
  cron::dialect dialect = cron::dialect::cronos5;
  std::string zone = "UTC";
  misfire_options misfire;
  std::string kind;
  nlohmann::json payload = nlohmann::json::object();
  std::string queue = "default";
  // Kept by the store:
  utc_time since{};                    // when this schedule took effect (its first occurrence may be then)
  std::optional<utc_time> last_fired;  // the latest occurrence fired or skipped (the high-water mark)
  std::uint64_t misfires = 0;          // occurrences missed in all (run late or dropped)
};

struct job_query {
  std::optional<job_state> state;
  std::string kind;      // empty: any
  std::string queue;     // empty: any
  std::string search;    // a job id or a unique key; empty: none
  std::size_t page = 0;  // 0-based
  std::size_t page_size = 50;
};

struct job_page {
  std::vector<job> jobs;
  std::uint64_t total = 0;  // matching jobs on every page
};

struct queue_info {
  std::string name;
  bool paused = false;
  std::uint64_t pending = 0;  // scheduled, available or retrying
  std::uint64_t running = 0;
};

// Counts for `clockwork-jobs stats`, the dashboard and tests.
struct store_stats {
  std::array<std::uint64_t, all_job_states.size()> by_state{};  // indexed by job_state
  std::map<std::string, std::int64_t> counters;                 // fenced counters (job_transaction::add_to_counter)
  // Since the store was created:
  std::uint64_t enqueued = 0;
  std::uint64_t claimed = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t retried = 0;
  std::uint64_t rescued = 0;
  std::uint64_t lease_lost = 0;
  std::uint64_t released = 0;
  std::vector<queue_info> queues;
  // Kinds of due jobs that no live instance registered (a rolling deploy: nothing will run them).
  std::vector<std::string> unserved_kinds;

  std::uint64_t count(job_state s) const noexcept { return by_state[static_cast<std::size_t>(s)]; }
};

// Jobs that reached succeeded / failed in one minute of store time.
struct minute_count {
  utc_time minute{};
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
};

// What prune() removes.
struct retention_options {
  // Finished jobs (succeeded, failed, cancelled) and their history, this long after they finished.
  std::chrono::nanoseconds finished_after = std::chrono::hours(24 * 7);
  // Instances whose last heartbeat is older than this.
  std::chrono::nanoseconds instances_after = std::chrono::hours(1);
};

}  // namespace clockwork::jobs
