// clockwork::jobs::detail::job_tables — the simulated store's data and its atomic steps, apart
// from connections, faults and coroutines: each member function is one transaction applied at
// one instant of the store's clock. simulated_job_store wraps every call in what a connection
// adds (a fault script, latency, notifications, the trace); keeping the steps synchronous here
// makes them easy to read against the job_store contract they implement.
//
// Indexes (so that a claim or a rescue costs what it returns, not the size of the store):
//   pending_  (priority, scheduled_at, id) of every scheduled, available and retrying job;
//   leases_   (lease_expires_at, id) of every running job;
//   unique_   unique key -> the ids of jobs that were enqueued with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "clockwork/diagnostics/trace_fields.hpp"
#include "clockwork/jobs/job_store.hpp"

namespace clockwork::jobs::detail {

// An event a step produced, for the trace (built only when someone observes).
struct table_event {
  std::string kind;
  trace_fields fields;
};

class job_tables {
 public:
  // Events of the current step go here when non-null (the caller emits them after the step).
  std::vector<table_event>* events = nullptr;

  std::vector<enqueue_result> enqueue(const std::vector<new_job>& jobs, utc_time now, std::string_view who);
  std::vector<job> claim(const claim_request& request, utc_time now);
  std::vector<job> claimed_by(std::string_view instance) const;
  write_outcome heartbeat(fence_token fence, std::chrono::nanoseconds lease, utc_time now, std::string_view who);
  // effect_ok: false when the effect threw (nothing is written then; the caller rethrows).
  write_outcome complete(fence_token fence, const job_effect& effect, utc_time now, std::string_view who);
  write_outcome fail(fence_token fence, const std::string& error, std::optional<std::chrono::nanoseconds> retry_after,
                     utc_time now, std::string_view who);
  write_outcome snooze(fence_token fence, std::chrono::nanoseconds delay, utc_time now, std::string_view who);
  write_outcome release(fence_token fence, utc_time now, std::string_view who);
  // The two halves of a rescue (a slow rescue may wait between them).
  std::vector<fence_token> expired_leases(std::size_t limit, utc_time now) const;
  bool rescue_one(fence_token seen, utc_time now, std::string_view who);
  std::optional<utc_time> next_due(const std::vector<std::string>& queues, const std::vector<std::string>& kinds) const;
  write_outcome cancel(job_id id, utc_time now);
  write_outcome retry(job_id id, utc_time now);
  write_outcome remove(job_id id);
  write_outcome run_now(job_id id, utc_time now);
  void pause_queue(const std::string& queue, bool paused);
  void put_recurring(recurring_definition definition, utc_time now);
  std::vector<recurring_definition> recurring() const;
  bool remove_recurring(const std::string& name);
  // With a job: fire (enqueue it); without: skip. None when the mark is already at or past it.
  std::optional<job_id> advance_recurring(const std::string& name, utc_time occurrence, std::uint64_t missed,
                                          const new_job* job, utc_time now, std::string_view who, bool& advanced);
  std::optional<job_id> trigger_recurring(const std::string& name, utc_time now, std::string_view who);
  void register_instance(instance_info info, utc_time now);
  void instance_heartbeat(const std::string& name, std::chrono::nanoseconds skew, utc_time now);
  void deregister_instance(const std::string& name);
  std::vector<instance_info> instances() const;
  std::optional<job> get(job_id id, utc_time now) const;
  job_page list(const job_query& query, utc_time now) const;
  std::vector<history_entry> history(job_id id) const;
  store_stats stats(utc_time now, std::chrono::nanoseconds alive_within) const;
  std::vector<minute_count> per_minute(utc_time from, utc_time to) const;
  std::uint64_t prune(const retention_options& retention, utc_time now);

  std::size_t size() const noexcept { return jobs_.size(); }

 private:
  using pending_key = std::tuple<int, utc_time, job_id>;
  job* find(job_id id);
  const job* find(job_id id) const;
  // The job a worker's write is about, when it is running under exactly that epoch; otherwise
  // nullptr, with outcome set to lease_lost or not_found (and a refusal recorded for lease_lost).
  job* fenced(fence_token fence, write_outcome& outcome, utc_time now, std::string_view who, std::string_view what);
  void add_pending(const job& j) { pending_.emplace(j.priority, j.scheduled_at, j.id); }
  void drop_pending(const job& j) { pending_.erase({j.priority, j.scheduled_at, j.id}); }
  void add_lease(const job& j) { leases_.emplace(*j.lease_expires_at, j.id); }
  void drop_lease(const job& j) {
    if (j.lease_expires_at) leases_.erase({*j.lease_expires_at, j.id});
  }
  void end_running(job& j);  // drops the lease and its owner
  void record(const job& j, job_event event, utc_time at, std::string_view who, std::string detail = {},
              std::optional<utc_time> scheduled = std::nullopt, std::optional<std::int64_t> epoch = std::nullopt);
  void emit(std::string kind, trace_fields fields);
  const job* unique_twin(const unique_options& unique, utc_time now) const;

  job_id next_id_ = 1;
  std::map<job_id, job> jobs_;
  std::set<pending_key> pending_;
  std::set<std::pair<utc_time, job_id>> leases_;
  std::map<std::string, std::vector<job_id>, std::less<>> unique_;
  std::map<job_id, std::vector<history_entry>> history_;
  std::map<std::string, std::int64_t, std::less<>> counters_;
  std::set<std::string, std::less<>> paused_;
  std::map<std::string, recurring_definition, std::less<>> recurring_;
  std::map<std::string, instance_info, std::less<>> instances_;
  store_stats totals_;
};

// The state a reader sees: a scheduled or retrying job whose instant has come is available.
inline job_state effective_state(const job& j, utc_time now) noexcept {
  if ((j.state == job_state::scheduled || j.state == job_state::retrying) && j.scheduled_at <= now) {
    return job_state::available;
  }
  return j.state;
}

}  // namespace clockwork::jobs::detail
