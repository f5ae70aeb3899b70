#include "sqlite_rows.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace clockwork::jobs::detail::sqlite {

std::int64_t to_us(utc_time t) {
  return std::chrono::floor<std::chrono::microseconds>(t).time_since_epoch().count();
}
utc_time from_us(std::int64_t us) {
  return utc_time{std::chrono::duration_cast<utc_time::duration>(std::chrono::microseconds(us))};
}
std::optional<utc_time> from_us(std::optional<std::int64_t> us) {
  if (!us) return std::nullopt;
  return from_us(*us);
}
std::int64_t ceil_us(utc_time t) {
  return std::chrono::ceil<std::chrono::microseconds>(t).time_since_epoch().count();
}

std::string json_list(const std::vector<std::string>& names) {
  return nlohmann::json(names).dump();
}
std::vector<std::string> from_json_list(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

job_state state_named(const std::string& name) {
  if (const auto s = parse_job_state(name)) return *s;
  throw std::runtime_error("clockwork::jobs: the store holds a job in an unknown state '" + name + "'");
}

job_event event_named(const std::string& name) {
  for (int e = 0; e <= static_cast<int>(job_event::requeued); ++e) {
    if (to_string(static_cast<job_event>(e)) == name) return static_cast<job_event>(e);
  }
  throw std::runtime_error("clockwork::jobs: the store holds an unknown history event '" + name + "'");
}

job read_job(const cursor& q, int first) {
  job j;
  j.id = q.integer(first + 0);
  j.kind = q.text(first + 1);
  j.queue = q.text(first + 2);
  j.payload = q.text(first + 3);
  j.state = state_named(q.text(first + 4));
  j.priority = static_cast<int>(q.integer(first + 5));
  j.attempt = static_cast<unsigned>(q.integer(first + 6));
  j.max_attempts = static_cast<unsigned>(q.integer(first + 7));
  j.epoch = q.integer(first + 8);
  j.scheduled_at = from_us(q.integer(first + 9));
  j.created_at = from_us(q.integer(first + 10));
  j.attempted_at = from_us(q.optional_integer(first + 11));
  j.finalized_at = from_us(q.optional_integer(first + 12));
  j.lease_owner = q.text(first + 13);
  j.lease_expires_at = from_us(q.optional_integer(first + 14));
  j.heartbeat_at = from_us(q.optional_integer(first + 15));
  j.unique_key = q.text(first + 16);
  j.last_error = q.text(first + 17);
  return j;
}

job_state effective(job_state s, utc_time scheduled_at, utc_time now) {
  if ((s == job_state::scheduled || s == job_state::retrying) && scheduled_at <= now) return job_state::available;
  return s;
}

}  // namespace clockwork::jobs::detail::sqlite
