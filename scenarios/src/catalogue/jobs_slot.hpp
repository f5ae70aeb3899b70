// Internal: a jobs scenario's way to its world from count() and invariant(). The world lives in
// the host's container (it must go before the runtime); the scenario keeps only a weak handle,
// filled by each run's setup.
#pragma once

#include <memory>

#include "jobs_world.hpp"

namespace clockwork::scenarios::entries::jobs_world {

struct slot {
  std::weak_ptr<world> current;
  std::shared_ptr<world> get() const {
    auto w = current.lock();
    if (!w) throw std::logic_error("the jobs world was not built (setup failed)");
    return w;
  }
};

inline constexpr const char* virtual_only =
    "simulated instances are paused, killed and skewed inside one simulation: virtual time only";

inline jobs::new_job job_of(std::string kind, std::chrono::nanoseconds delay = {}) {
  jobs::new_job j;
  j.kind = std::move(kind);
  j.delay = delay;
  j.max_attempts = 25;  // explored seeds fail many calls: a job must outlast them
  return j;
}

}  // namespace clockwork::scenarios::entries::jobs_world
