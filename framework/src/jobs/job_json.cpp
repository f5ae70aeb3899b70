#include "clockwork/jobs/job_json.hpp"

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string_view>

#include "clockwork/schedule/cron_dialect.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::jobs {
namespace {

nlohmann::json optional_instant(const std::optional<utc_time>& t) {
  return t ? nlohmann::json(format_utc_micros(*t)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

std::string format_utc_micros(utc_time t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::microseconds>(t));
}

nlohmann::json to_json(const job& j) {
  nlohmann::json o;
  o["id"] = j.id;
  o["kind"] = j.kind;
  o["queue"] = j.queue;
  o["state"] = std::string(to_string(j.state));
  o["attempt"] = j.attempt;
  o["max_attempts"] = j.max_attempts;
  o["epoch"] = j.epoch;
  o["priority"] = j.priority;
  o["scheduled_at"] = format_utc_micros(j.scheduled_at);
  o["created_at"] = format_utc_micros(j.created_at);
  o["attempted_at"] = optional_instant(j.attempted_at);
  o["finalized_at"] = optional_instant(j.finalized_at);
  o["lease_owner"] = text_or_null(j.lease_owner);
  o["lease_expires_at"] = optional_instant(j.lease_expires_at);
  o["unique_key"] = text_or_null(j.unique_key);
  o["last_error"] = text_or_null(j.last_error);
  // The payload as JSON, not as a string of JSON (stores keep the text they were given).
  o["payload"] = nlohmann::json::parse(j.payload, nullptr, /*allow_exceptions=*/false);
  return o;
}

nlohmann::json to_json(const history_entry& h) {
  return {{"job", h.job},
          {"event", std::string(to_string(h.event))},
          {"at", format_utc_micros(h.at)},
          {"epoch", h.epoch},
          {"attempt", h.attempt},
          {"instance", text_or_null(h.instance)},
          {"scheduled", optional_instant(h.scheduled)},
          {"detail", text_or_null(h.detail)}};
}

nlohmann::json to_json(const instance_info& i) {
  return {{"name", i.name},
          {"host", i.host},
          {"started", format_utc_micros(i.started)},
          {"last_heartbeat", format_utc_micros(i.last_heartbeat)},
          {"concurrency", i.concurrency},
          {"queues", i.queues},
          {"kinds", i.kinds},
          {"clock_skew_ms", std::chrono::duration<double, std::milli>(i.clock_skew).count()}};
}

nlohmann::json to_json(const recurring_definition& r) {
  return {{"name", r.name},
          {"expression", r.expression},
          {"dialect", std::string(cron::to_string(r.dialect))},
          {"zone", r.zone},
          {"misfire",
           {{"policy", std::string(to_string(r.misfire.policy))},
            {"catch_up_cap", r.misfire.catch_up_cap},
            {"window", format_duration(r.misfire.window)},
            {"threshold", format_duration(r.misfire.threshold)}}},
          {"kind", r.kind},
          {"payload", r.payload},
          {"queue", r.queue},
          {"since", format_utc_micros(r.since)},
          {"last_fired", optional_instant(r.last_fired)},
          {"misfires", r.misfires}};
}

nlohmann::json to_json(const store_stats& s) {
  nlohmann::json states = nlohmann::json::object();
  for (const job_state state : all_job_states) states[std::string(to_string(state))] = s.count(state);
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, value] : s.counters) counters[name] = value;
  nlohmann::json queues = nlohmann::json::array();
  for (const queue_info& q : s.queues) {
    queues.push_back({{"name", q.name}, {"paused", q.paused}, {"pending", q.pending}, {"running", q.running}});
  }
  return {{"states", states},
          {"counters", counters},
          {"store",
           {{"enqueued", s.enqueued},
            {"claimed", s.claimed},
            {"succeeded", s.succeeded},
            {"failed", s.failed},
            {"retried", s.retried},
            {"rescued", s.rescued},
            {"lease_lost", s.lease_lost},
            {"released", s.released}}},
          {"queues", queues},
          {"unserved_kinds", s.unserved_kinds}};
}

}  // namespace clockwork::jobs
