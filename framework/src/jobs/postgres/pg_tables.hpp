// clockwork::jobs::detail::pg_tables — the PostgreSQL job store's steps, apart from threads and
// coroutines: each member function is one transaction on the connection at one instant of the
// store's clock, the SQL counterpart of the SQLite store's sqlite_tables (same answers, same
// history, same counts). pg_tables.cpp holds a job's life (enqueue, claim, the fenced writes of
// workers, rescue, operators' actions); pg_tables_registry.cpp recurring definitions and instances;
// pg_tables_queries.cpp the queries and retention.
//
// Where PostgreSQL differs from SQLite (which has one writer at a time):
//   - a claim is ONE statement, `WITH picked AS (SELECT … FOR UPDATE SKIP LOCKED) UPDATE …
//     RETURNING`: concurrent claims skip each other's rows instead of waiting or taking them twice;
//   - a fenced write is one UPDATE … WHERE id AND epoch AND state = 'running': PostgreSQL
//     re-checks the condition on the row it waited for, so a write that lost the race to a rescue
//     or a cancellation finds nothing and is refused;
//   - a rescue takes expired leases with FOR UPDATE SKIP LOCKED and re-checks them in its UPDATE,
//     so two rescues take each job once and neither undoes a completion that came first;
//   - a unique key is looked up under a transaction-scoped advisory lock on its hash: two
//     enqueues of one key at once serialise there instead of both finding it free.
//
// Thread safety: none; one caller at a time (the store's mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clockwork/jobs/job_store.hpp"
#include "pg_handle.hpp"

namespace clockwork::jobs::detail {

class pg_tables {
 public:
  explicit pg_tables(std::unique_ptr<pg::connection> db) : db_(std::move(db)) {}

  pg::connection& connection() noexcept { return *db_; }

  std::vector<enqueue_result> enqueue(const std::vector<new_job>& jobs, utc_time now, const std::string& who,
                                      bool& woke);
  std::vector<job> claim(const claim_request& request, utc_time now);
  std::vector<job> claimed_by(const std::string& instance);
  write_outcome heartbeat(fence_token fence, std::chrono::nanoseconds lease, utc_time now, const std::string& who);
  write_outcome complete(fence_token fence, const job_effect& effect, utc_time now, const std::string& who);
  write_outcome fail(fence_token fence, const std::string& error, std::optional<std::chrono::nanoseconds> retry_after,
                     utc_time now, const std::string& who);
  write_outcome snooze(fence_token fence, std::chrono::nanoseconds delay, utc_time now, const std::string& who);
  write_outcome release(fence_token fence, utc_time now, const std::string& who);
  std::vector<job_id> rescue(std::size_t limit, utc_time now, const std::string& who);
  std::optional<utc_time> next_due(const std::vector<std::string>& queues, const std::vector<std::string>& kinds);
  write_outcome cancel(job_id id, utc_time now);
  write_outcome retry(job_id id, utc_time now);
  write_outcome run_now(job_id id, utc_time now);
  write_outcome remove(job_id id);
  void pause_queue(const std::string& queue, bool paused);
  std::optional<job> get(job_id id, utc_time now);
  job_page list(const job_query& query, utc_time now);
  std::vector<history_entry> history(job_id id);
  store_stats stats(utc_time now, std::chrono::nanoseconds alive_within);
  std::vector<minute_count> per_minute(utc_time from, utc_time to);
  std::uint64_t prune(const retention_options& retention, utc_time now);
  // The database's clock now (clock_timestamp(), in whole microseconds).
  utc_time database_now();
  // Moves whenever any connection commits a change to a job (the newest history row).
  std::int64_t change_version();
  void put_recurring(const recurring_definition& definition, utc_time now);
  std::vector<recurring_definition> recurring();
  bool remove_recurring(const std::string& name);
  // With a job: fire (enqueue it in the same transaction); without: skip. None and advanced =
  // false when the mark is already at or past the occurrence, or before the schedule took effect.
  std::optional<job_id> advance_recurring(const std::string& name, utc_time occurrence, std::uint64_t missed,
                                          const new_job* job, utc_time now, const std::string& who, bool& advanced);
  std::optional<job_id> trigger_recurring(const std::string& name, utc_time now, const std::string& who);
  void register_instance(const instance_info& info, utc_time now);
  void instance_heartbeat(const std::string& name, std::chrono::nanoseconds skew, utc_time now);
  void deregister_instance(const std::string& name);
  std::vector<instance_info> instances();

 private:
  std::vector<enqueue_result> insert_jobs(const std::vector<new_job>& jobs, const std::vector<std::string>& payloads,
                                          utc_time now, const std::string& who);
  write_outcome refused(fence_token fence, std::string_view what, utc_time now, const std::string& who);
  write_outcome refusal_for(job_id id);
  void record(job_id id, job_event event, utc_time at, std::int64_t epoch, std::int64_t attempt, const std::string& who,
              std::optional<std::int64_t> scheduled_us, const std::string& detail);
  void count(const char* total, std::int64_t delta);

  std::unique_ptr<pg::connection> db_;
};

}  // namespace clockwork::jobs::detail
