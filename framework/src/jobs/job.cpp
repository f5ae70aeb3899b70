#include "clockwork/jobs/job.hpp"

#include <stdexcept>
#include <string>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::jobs {

std::string_view to_string(job_state state) noexcept {
  switch (state) {
    case job_state::scheduled: return "scheduled";
    case job_state::available: return "available";
    case job_state::running: return "running";
    case job_state::retrying: return "retrying";
    case job_state::succeeded: return "succeeded";
    case job_state::failed: return "failed";
    case job_state::cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<job_state> parse_job_state(std::string_view name) noexcept {
  for (const job_state s : all_job_states) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view to_string(unique_scope scope) noexcept {
  switch (scope) {
    case unique_scope::while_pending: return "while_pending";
    case unique_scope::while_pending_or_running: return "while_pending_or_running";
    case unique_scope::for_period: return "for_period";
  }
  return "unknown";
}

std::string_view to_string(write_outcome outcome) noexcept {
  switch (outcome) {
    case write_outcome::applied: return "applied";
    case write_outcome::lease_lost: return "lease_lost";
    case write_outcome::not_found: return "not_found";
    case write_outcome::not_allowed: return "not_allowed";
  }
  return "unknown";
}

std::string_view to_string(job_event event) noexcept {
  switch (event) {
    case job_event::enqueued: return "enqueued";
    case job_event::claimed: return "claimed";
    case job_event::heartbeat: return "heartbeat";
    case job_event::succeeded: return "succeeded";
    case job_event::failed: return "failed";
    case job_event::retrying: return "retrying";
    case job_event::snoozed: return "snoozed";
    case job_event::released: return "released";
    case job_event::rescued: return "rescued";
    case job_event::lease_lost: return "lease_lost";
    case job_event::cancelled: return "cancelled";
    case job_event::requeued: return "requeued";
  }
  return "unknown";
}

namespace {
constexpr std::size_t max_name_bytes = 200;

void check_name(std::string_view what, const std::string& value) {
  if (value.empty())
    throw std::invalid_argument("clockwork::jobs: a job's " + std::string(what) + " must not be empty");
  if (value.size() > max_name_bytes) {
    throw std::invalid_argument("clockwork::jobs: a job's " + std::string(what) + " is " +
                                std::to_string(value.size()) + " bytes long; at most " +
                                std::to_string(max_name_bytes) + " are allowed");
  }
}
}  // namespace

std::string validate_new_job(const new_job& job) {
  check_name("kind", job.kind);
  check_name("queue", job.queue);
  if (job.max_attempts == 0) throw std::invalid_argument("clockwork::jobs: max_attempts must be at least 1");
  if (job.delay.count() < 0) {
    throw std::invalid_argument("clockwork::jobs: a job's delay must not be negative, got " +
                                format_duration(job.delay));
  }
  if (job.unique) {
    if (job.unique->key.empty()) throw std::invalid_argument("clockwork::jobs: a unique key must not be empty");
    if (job.unique->key.size() > max_payload_bytes)
      throw std::invalid_argument("clockwork::jobs: a unique key is too long");
    if (job.unique->scope == unique_scope::for_period && job.unique->period.count() <= 0) {
      throw std::invalid_argument("clockwork::jobs: unique_scope::for_period needs a positive period");
    }
  }
  std::string text;
  try {
    // Invalid UTF-8 in a string is refused here rather than stored and failing every reader.
    text = job.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("clockwork::jobs: the payload cannot be stored as JSON: ") + e.what());
  }
  if (text.size() > max_payload_bytes) {
    throw std::invalid_argument("clockwork::jobs: the payload is " + std::to_string(text.size()) +
                                " bytes of JSON; at most " + std::to_string(max_payload_bytes) + " are allowed");
  }
  return text;
}

}  // namespace clockwork::jobs
