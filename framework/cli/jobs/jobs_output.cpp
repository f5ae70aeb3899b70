#include "jobs_output.hpp"

#include <algorithm>
#include <array>
#include <ostream>

namespace clockwork::cli {

void print_jobs_json(std::ostream& out, const std::vector<jobs::job>& jobs) {
  nlohmann::json all = nlohmann::json::array();
  for (const jobs::job& j : jobs) all.push_back(jobs::to_json(j));
  out << all.dump(2) << "\n";
}

void print_jobs_text(std::ostream& out, const std::vector<jobs::job>& jobs) {
  const std::array<std::string, 7> header{"id", "state", "kind", "queue", "attempt", "epoch", "scheduled_at"};
  std::vector<std::array<std::string, 7>> rows{header};
  for (const jobs::job& j : jobs) {
    rows.push_back({std::to_string(j.id), std::string(jobs::to_string(j.state)), j.kind, j.queue,
                    std::to_string(j.attempt) + "/" + std::to_string(j.max_attempts), std::to_string(j.epoch),
                    jobs::format_utc_micros(j.scheduled_at)});
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
  out << jobs::to_json(s).dump(2) << "\n";
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
