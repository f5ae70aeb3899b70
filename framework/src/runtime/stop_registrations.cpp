// One stop callback per token for a single-threaded runtime's waits
// (clockwork/runtime/detail/stop_registrations.hpp).
#include "clockwork/runtime/detail/stop_registrations.hpp"

#include "clockwork/runtime/detail/timed_wait.hpp"

namespace clockwork::detail {

bool stop_registrations::join(timed_wait& wait) {
  registration* vacant = nullptr;
  for (registration& r : table_) {
    if (r.newest == nullptr) {
      if (vacant == nullptr) vacant = &r;
    } else if (r.newest->token_ == wait.token_) {  // compares the shared states, no atomics
      link(r, wait);
      return true;
    }
  }
  // A stopped token's callback would run inside emplace() and find the wait's hook half made:
  // the wait's own registration does the same thing, and this is not the path worth saving.
  if (vacant == nullptr || wait.token_.stop_requested()) return false;
  link(*vacant, wait);
  vacant->callback.emplace(wait.token_, cancel_all{vacant});
  return true;
}

void stop_registrations::link(registration& r, timed_wait& wait) noexcept {
  wait.stop_hook_.shared = {nullptr, r.newest, &r};
  if (r.newest != nullptr) r.newest->stop_hook_.shared.newer = &wait;
  r.newest = &wait;
  wait.stop_mode_ = timed_wait::stop_mode::shared;
}

void stop_registrations::leave(timed_wait& wait) noexcept {
  const timed_wait::shared_link place = wait.stop_hook_.shared;
  if (place.newer != nullptr) {
    place.newer->stop_hook_.shared.older = place.older;
  } else {
    place.registration->newest = place.older;
  }
  if (place.older != nullptr) place.older->stop_hook_.shared.newer = place.newer;
  wait.stop_mode_ = timed_wait::stop_mode::none;
  if (place.registration->newest == nullptr) place.registration->callback.reset();
}

void stop_registrations::cancel_all::operator()() const noexcept {
  // Newest first, as the waits' own callbacks would run. Each wait leaves the list before it is
  // cancelled, so its destructor has nothing to deregister.
  while (timed_wait* wait = self->newest) {
    self->newest = wait->stop_hook_.shared.older;
    if (self->newest != nullptr) self->newest->stop_hook_.shared.newer = nullptr;
    wait->stop_mode_ = timed_wait::stop_mode::none;
    wait->cancel_by_stop();
  }
}

}  // namespace clockwork::detail
