// clockwork::jobs::detail::sqlite rows — how the SQLite job store writes values into rows and
// reads them back: instants as INTEGER microseconds since 1970-01-01 UTC, names lists as JSON
// arrays, states and events by their names (the one closed list), a job row into a job; and the
// SQL fragments every step shares (a job's columns, the pending and final states, the state a
// reader sees).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clockwork/jobs/job.hpp"
#include "sqlite_handle.hpp"

// The columns of a job, in the order read_job reads them.
#define CW_JOB_COLUMNS                                                                                  \
  "id, kind, queue, payload, state, priority, attempt, max_attempts, epoch, scheduled_at, created_at, " \
  "attempted_at, finalized_at, coalesce(lease_owner, ''), lease_expires_at, heartbeat_at, "             \
  "coalesce(unique_key, ''), last_error"

// A job's state as a reader sees it: a scheduled or retrying job whose instant has come is
// available (?1 is now).
#define CW_EFFECTIVE_STATE \
  "(CASE WHEN state IN ('scheduled', 'retrying') AND scheduled_at <= ?1 THEN 'available' ELSE state END)"

#define CW_PENDING "('scheduled', 'available', 'retrying')"
#define CW_FINAL "('succeeded', 'failed', 'cancelled')"

namespace clockwork::jobs::detail::sqlite {

// Whole microseconds at or before t.
std::int64_t to_us(utc_time t);
utc_time from_us(std::int64_t us);
std::optional<utc_time> from_us(std::optional<std::int64_t> us);
// The smallest whole microsecond at or after t: `column >= ceil_us(t)` is `column >= t` for a t
// with a finer part.
std::int64_t ceil_us(utc_time t);

std::string json_list(const std::vector<std::string>& names);
// The names of a JSON array ("[]" for anything else).
std::vector<std::string> from_json_list(const std::string& text);

// std::runtime_error for a name the store should never hold.
job_state state_named(const std::string& name);
job_event event_named(const std::string& name);

// The job in the current row, its CW_JOB_COLUMNS from column `first` on.
job read_job(const cursor& q, int first = 0);
// The state a reader sees (CW_EFFECTIVE_STATE).
job_state effective(job_state s, utc_time scheduled_at, utc_time now);

}  // namespace clockwork::jobs::detail::sqlite
