// Rows and values of the PostgreSQL job store (pg_rows.hpp).
#include "pg_rows.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace clockwork::jobs::detail::pg {

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

job_state effective(job_state s, utc_time scheduled_at, utc_time now) {
  if ((s == job_state::scheduled || s == job_state::retrying) && scheduled_at <= now) return job_state::available;
  return s;
}

std::string array_literal(const std::vector<std::string>& names) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : names[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
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

job read_job(const result& r, int row, int first) {
  job j;
  j.id = r.integer(row, first + 0);
  j.kind = r.text(row, first + 1);
  j.queue = r.text(row, first + 2);
  j.payload = r.text(row, first + 3);
  j.state = state_named(r.text(row, first + 4));
  j.priority = static_cast<int>(r.integer(row, first + 5));
  j.attempt = static_cast<unsigned>(r.integer(row, first + 6));
  j.max_attempts = static_cast<unsigned>(r.integer(row, first + 7));
  j.epoch = r.integer(row, first + 8);
  j.scheduled_at = from_us(r.integer(row, first + 9));
  j.created_at = from_us(r.integer(row, first + 10));
  j.attempted_at = from_us(r.optional_integer(row, first + 11));
  j.finalized_at = from_us(r.optional_integer(row, first + 12));
  j.lease_owner = r.text(row, first + 13);
  j.lease_expires_at = from_us(r.optional_integer(row, first + 14));
  j.heartbeat_at = from_us(r.optional_integer(row, first + 15));
  j.unique_key = r.text(row, first + 16);
  j.last_error = r.text(row, first + 17);
  return j;
}

transaction::transaction(connection& db, std::string_view doing, kind k) : db_(db), doing_(doing) {
  db_.begin(k == kind::snapshot ? "ISOLATION LEVEL REPEATABLE READ READ ONLY" : "", doing_);
}

transaction::~transaction() {
  if (done_ || !db_.ok()) return;
  try {
    db_.rollback(doing_);
  } catch (...) {
    // The connection went while rolling back: the server rolled back for it.
  }
}

void transaction::commit() {
  done_ = true;
  db_.commit(doing_);
}

}  // namespace clockwork::jobs::detail::pg
