// clockwork::jobs::detail::sqlite_tables — the SQLite job store's steps, apart from threads and
// coroutines: each member function is one transaction on the connection at one instant of the
// store's clock, the SQL counterpart of the simulated store's job_tables (same answers, same
// history, same counts — the conformance suite checks both). sqlite_job_store runs them off the
// loop under its connection mutex.
//
// Every write is `BEGIN IMMEDIATE … COMMIT`; reads that need one snapshot across statements are
// in a read transaction. The SQL is next to the step that runs it: a job's life in
// sqlite_tables.cpp, recurring definitions and instances in sqlite_tables_registry.cpp, queries
// and retention in sqlite_tables_queries.cpp; rows and values convert in sqlite_rows.hpp.
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
#include "sqlite_handle.hpp"

namespace clockwork::jobs::detail {

class sqlite_tables {
 public:
  explicit sqlite_tables(std::unique_ptr<sqlite::connection> db) : db_(std::move(db)) {}

  sqlite::connection& connection() noexcept { return *db_; }

  // Each returns, besides its answer, whether it made work available (the store wakes its own
  // waiters then): `woke`.
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
  std::optional<job> get(job_id id, utc_time now);
  job_page list(const job_query& query, utc_time now);
  std::vector<history_entry> history(job_id id);
  store_stats stats(utc_time now, std::chrono::nanoseconds alive_within);
  std::vector<minute_count> per_minute(utc_time from, utc_time to);
  std::uint64_t prune(const retention_options& retention, utc_time now);
  // PRAGMA data_version: moves when another connection commits to the file.
  std::int64_t data_version();

 private:
  // Inside a write transaction: adds the jobs (validated already), answering in order.
  std::vector<enqueue_result> insert_jobs(const std::vector<new_job>& jobs, const std::vector<std::string>& payloads,
                                          utc_time now, const std::string& who);
  // A fenced UPDATE found nothing: answers applied when this very fence already wrote what
  // `what` writes (idempotent per fence), not_found, or lease_lost (counted and recorded).
  write_outcome refused(fence_token fence, std::string_view what, utc_time now, const std::string& who);
  // An operator's conditional write matched nothing: not_allowed (the job's state) or not_found.
  write_outcome refusal_for(job_id id);
  void record(job_id id, job_event event, utc_time at, std::int64_t epoch, std::int64_t attempt, const std::string& who,
              std::optional<std::int64_t> scheduled_us, const std::string& detail);
  void count(const char* total, std::int64_t delta);

  std::unique_ptr<sqlite::connection> db_;
};

}  // namespace clockwork::jobs::detail
