#include "clockwork/diagnostics/finding.hpp"

namespace clockwork {

std::string_view to_string(finding_kind kind) noexcept {
  switch (kind) {
    case finding_kind::blocking_call: return "blocking_call";
    case finding_kind::unobserved_exception: return "unobserved_exception";
    case finding_kind::deadlock: return "deadlock";
    case finding_kind::livelock: return "livelock";
    case finding_kind::startup_blocked: return "startup_blocked";
    case finding_kind::cancellation_ignored: return "cancellation_ignored";
    case finding_kind::service_faulted: return "service_faulted";
    case finding_kind::silent_death: return "silent_death";
    case finding_kind::scope_violation: return "scope_violation";
    case finding_kind::drift: return "drift";
    case finding_kind::missed_run: return "missed_run";
    case finding_kind::duplicate_run: return "duplicate_run";
    case finding_kind::dropped_work: return "dropped_work";
    case finding_kind::duplicate_effect: return "duplicate_effect";
    case finding_kind::lost_job: return "lost_job";
  }
  return "unknown";
}

}  // namespace clockwork
