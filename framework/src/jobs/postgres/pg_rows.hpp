// clockwork::jobs::detail::pg rows — how the PostgreSQL job store writes values into statements'
// parameters and reads rows back: instants as bigint microseconds since 1970-01-01 UTC (as the
// SQLite store), name lists as text[] literals, states and events by their names, a job row into
// a job; and the SQL fragments every step shares.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/jobs/job.hpp"
#include "pg_handle.hpp"

// The columns of a job, in the order read_job reads them (`j.` qualified where a join needs it).
#define CW_PG_JOB_COLUMNS(p)                                                                                  \
  p "id, " p "kind, " p "queue, " p "payload, " p "state, " p "priority, " p "attempt, " p "max_attempts, " p \
    "epoch, " p "scheduled_at, " p "created_at, " p "attempted_at, " p "finalized_at, coalesce(" p            \
    "lease_owner, ''), " p "lease_expires_at, " p "heartbeat_at, coalesce(" p "unique_key, ''), " p "last_error"
#define CW_PG_PENDING "('scheduled', 'available', 'retrying')"
#define CW_PG_FINAL "('succeeded', 'failed', 'cancelled')"
// A job's state as a reader sees it: a scheduled or retrying job whose instant has come is
// available ($1 is now).
#define CW_PG_EFFECTIVE_STATE \
  "(CASE WHEN state IN ('scheduled', 'retrying') AND scheduled_at <= $1::bigint THEN 'available' ELSE state END)"

namespace clockwork::jobs::detail::pg {

std::int64_t to_us(utc_time t);
utc_time from_us(std::int64_t us);
std::optional<utc_time> from_us(std::optional<std::int64_t> us);
// The smallest whole microsecond at or after t.
std::int64_t ceil_us(utc_time t);
// The state a reader sees (CW_PG_EFFECTIVE_STATE).
job_state effective(job_state s, utc_time scheduled_at, utc_time now);

// A text[] literal of the names ({"a","b"}), each quoted and escaped: bound as one parameter.
std::string array_literal(const std::vector<std::string>& names);

// Name lists kept as JSON text (the instance registry), as in SQLite.
std::string json_list(const std::vector<std::string>& names);
std::vector<std::string> from_json_list(const std::string& text);

job_state state_named(const std::string& name);
job_event event_named(const std::string& name);

// The job in row `row`, its CW_PG_JOB_COLUMNS from column `first` on.
job read_job(const result& r, int row, int first = 0);

// Parameters from values: integers as decimal text, strings as they are, empty optionals as NULL.
inline param arg(std::int64_t v) {
  return std::to_string(v);
}
inline param arg(int v) {
  return std::to_string(v);
}
inline param arg(unsigned v) {
  return std::to_string(v);
}
inline param arg(std::uint64_t v) {
  return std::to_string(v);
}
inline param arg(const std::string& v) {
  return v;
}
inline param arg(std::string_view v) {
  return std::string(v);
}
inline param arg(const char* v) {
  return std::string(v);
}
template <class T>
param arg(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return arg(*v);
}
inline param arg(std::nullopt_t) {
  return std::nullopt;
}
template <class... Values>
std::vector<param> args(const Values&... values) {
  return {arg(values)...};
}

// BEGIN on construction; ROLLBACK on destruction unless committed (and the connection still
// stands: a dropped connection has rolled back already).
class transaction {
 public:
  // A read-only snapshot (REPEATABLE READ): several statements see one state of the database.
  enum class kind { write, snapshot };
  transaction(connection& db, std::string_view doing, kind k = kind::write);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit();

 private:
  connection& db_;
  std::string doing_;
  bool done_ = false;
};

}  // namespace clockwork::jobs::detail::pg
