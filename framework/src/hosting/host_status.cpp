#include "clockwork/hosting/host_status.hpp"

#include "clockwork/hosting/detail/host_state.hpp"

namespace clockwork {

std::vector<service_status> host_status::services() const {
  const auto st = state_.lock();
  if (!st) return {};
  std::vector<service_status> out;
  out.reserve(st->slots.size());
  for (const auto& slot : st->slots) {
    service_status s;
    s.name = slot->name;
    s.state = slot->state;
    s.restarts = slot->restarts;
    out.push_back(std::move(s));
  }
  // The last failure of each: the host's result lists them in the order they happened.
  for (const service_failure& f : st->failures) {
    for (auto& s : out) {
      if (s.name != f.service) continue;
      s.last_failure = std::string(to_string(f.kind)) + ": " + f.message;
      s.last_failure_at = f.at;
    }
  }
  return out;
}

std::string_view host_status::phase() const {
  const auto st = state_.lock();
  if (!st) return "gone";
  switch (st->phase) {
    case detail::host_phase::created: return "created";
    case detail::host_phase::starting: return "starting";
    case detail::host_phase::running: return "running";
    case detail::host_phase::start_failed: return "start_failed";
    case detail::host_phase::stopping: return "stopping";
    case detail::host_phase::stopped: return "stopped";
  }
  return "unknown";
}

}  // namespace clockwork
