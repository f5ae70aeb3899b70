// One stop callback per token for a runtime's waits
// (clockwork/runtime/detail/stop_registrations.hpp).
#include "clockwork/runtime/detail/stop_registrations.hpp"

#include "clockwork/runtime/detail/timed_wait.hpp"

namespace clockwork::detail {

bool stop_registrations::join_any(timed_wait& wait) {
  registration* vacant = nullptr;
  for (registration& r : table_) {
    if (r.newest == nullptr) {
      if (vacant == nullptr) vacant = &r;
    } else if (r.newest->token_ == wait.token_) {  // compares the shared states, no atomics
      link(r, wait);
      last_ = &r;
      return true;
    }
  }
  // A stopped token's callback would run inside emplace() and find the wait's hook half made:
  // the wait's own registration does the same thing, and this is not the path worth saving.
  if (vacant == nullptr || wait.token_.stop_requested()) return false;
  link(*vacant, wait);
  last_ = vacant;
  // emplace() first destroys the slot's previous callback, if any (which waits for it, should it
  // be running on another thread); its tickets still name the old generation.
  ++vacant->generation;
  vacant->callback.emplace(wait.token_, cancel_all{this, ticket{vacant, vacant->generation}});
  return true;
}

void stop_registrations::release(registration& r) noexcept {
  r.callback.reset();
}

void stop_registrations::cancel_all::operator()() const noexcept {
  // Off the loop, nothing here may touch the list: the runtime takes the ticket to its loop.
  if (table->defer_ != nullptr && table->defer_(table->context_, stop)) return;
  cancel_waits(*stop.where);
}

void stop_registrations::deliver(ticket stop) noexcept {
  // A registration released since has no waits of this stop left; one made anew since belongs to
  // another callback (its own stop, if any, comes with its own ticket).
  if (stop.where->generation != stop.generation) return;
  cancel_waits(*stop.where);
}

void stop_registrations::cancel_waits(registration& r) noexcept {
  // Newest first, as the waits' own callbacks would run. Each wait leaves the list before it is
  // cancelled, so its destructor has nothing to deregister.
  while (timed_wait* wait = r.newest) {
    r.newest = wait->stop_hook_.shared.older;
    if (r.newest != nullptr) r.newest->stop_hook_.shared.newer = nullptr;
    wait->stop_mode_ = timed_wait::stop_mode::none;
    wait->cancel_by_stop();
  }
}

}  // namespace clockwork::detail
