#include "jobs_output.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <ostream>

namespace clockwork::cli {

std::string format_utc_micros(utc_time t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::microseconds>(t));
}

nlohmann::json job_json(const jobs::job& j) {
  nlohmann::json o;
  o["id"] = j.id;
  o["kind"] = j.kind;
  o["queue"] = j.queue;
  o["state"] = std::string(jobs::to_string(j.state));
  o["attempt"] = j.attempt;
  o["max_attempts"] = j.max_attempts;
  o["epoch"] = j.epoch;
  o["priority"] = j.priority;
  o["scheduled_at"] = format_utc_micros(j.scheduled_at);
  o["created_at"] = format_utc_micros(j.created_at);
  const auto optional_instant = [](const std::optional<utc_time>& t) -> nlohmann::json {
    return t ? nlohmann::json(format_utc_micros(*t)) : nlohmann::json(nullptr);
  };
  o["attempted_at"] = optional_instant(j.attempted_at);
  o["finalized_at"] = optional_instant(j.finalized_at);
  o["lease_owner"] = j.lease_owner.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.lease_owner);
  o["lease_expires_at"] = optional_instant(j.lease_expires_at);
  o["unique_key"] = j.unique_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.unique_key);
  o["last_error"] = j.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.last_error);
  // The payload as JSON, not as a string of JSON (stores keep the text they were given).
  o["payload"] = nlohmann::json::parse(j.payload, nullptr, /*allow_exceptions=*/false);
  return o;
}

nlohmann::json stats_json(const jobs::store_stats& s) {
  nlohmann::json states = nlohmann::json::object();
  for (const jobs::job_state state : jobs::all_job_states) states[std::string(jobs::to_string(state))] = s.count(state);
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, value] : s.counters) counters[name] = value;
  nlohmann::json queues = nlohmann::json::array();
  for (const jobs::queue_info& q : s.queues) {
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

void print_jobs_json(std::ostream& out, const std::vector<jobs::job>& jobs) {
  nlohmann::json all = nlohmann::json::array();
  for (const jobs::job& j : jobs) all.push_back(job_json(j));
  out << all.dump(2) << "\n";
}

void print_jobs_text(std::ostream& out, const std::vector<jobs::job>& jobs) {
  const std::array<std::string, 7> header{"id", "state", "kind", "queue", "attempt", "epoch", "scheduled_at"};
  std::vector<std::array<std::string, 7>> rows{header};
  for (const jobs::job& j : jobs) {
    rows.push_back({std::to_string(j.id), std::string(jobs::to_string(j.state)), j.kind, j.queue,
                    std::to_string(j.attempt) + "/" + std::to_string(j.max_attempts), std::to_string(j.epoch),
                    format_utc_micros(j.scheduled_at)});
  }
  std::array<std::size_t, 7> width{};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << "\n";
  }
  if (jobs.empty()) out << "(no jobs)\n";
}

void print_stats_json(std::ostream& out, const jobs::store_stats& s) {
  out << stats_json(s).dump(2) << "\n";
}

void print_stats_text(std::ostream& out, const jobs::store_stats& s) {
  out << "states:";
  for (const jobs::job_state state : jobs::all_job_states)
    out << " " << jobs::to_string(state) << " " << s.count(state) << (state == jobs::job_state::cancelled ? "" : ",");
  out << "\nstore: enqueued " << s.enqueued << ", claimed " << s.claimed << ", succeeded " << s.succeeded << ", failed "
      << s.failed << ", retried " << s.retried << ", rescued " << s.rescued << ", lease_lost " << s.lease_lost
      << ", released " << s.released << "\n";
  if (!s.counters.empty()) {
    out << "counters:";
    bool first = true;
    for (const auto& [name, value] : s.counters) {
      out << (first ? " " : ", ") << name << " " << value;
      first = false;
    }
    out << "\n";
  }
  for (const jobs::queue_info& q : s.queues) {
    out << "queue " << q.name << ": pending " << q.pending << ", running " << q.running << (q.paused ? ", paused" : "")
        << "\n";
  }
  if (!s.unserved_kinds.empty()) {
    out << "kinds due that no live worker serves:";
    for (const auto& k : s.unserved_kinds) out << " " << k;
    out << "\n";
  }
}

}  // namespace clockwork::cli
