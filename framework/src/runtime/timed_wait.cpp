// The completion gate, timer and stop callback every clockwork wait shares
// (clockwork/runtime/detail/timed_wait.hpp).
#include "clockwork/runtime/detail/timed_wait.hpp"

#include <memory>

#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

// Defined here, beside the wait that arms a timer on every suspension, so that the compiler can
// inline it there (the runtime's other sources call it out of line).
void runtime::arm(detail::timer_node& node) {
  // node.owner is left alone: it was fixed by whoever suspended on this timer (or set when the
  // node was made), so re-arming from another coroutine never moves the wait to that one.
  node.seq = next_seq_++;
  timers_.push(node);
  if (observer_) observer_->on_timer_armed(node.owner, node.deadline);
}

namespace detail {

timed_wait::~timed_wait() {
  // Deregister first: from then on no stop callback is running or will run.
  if (stop_mode_ == stop_mode::own) {
    std::destroy_at(&stop_hook_.own);
  } else if (stop_mode_ == stop_mode::shared) {
    rt_->shared_stops()->leave(*this);
  }
  if (in_heap()) rt_->disarm(*this);
  // A cancellation that won may still be queued for the loop (real_runtime, stop requested on
  // another thread): the runtime must drop it rather than touch this wait later.
  if (result() == outcome::canceled) rt_->forget_wait(*this);
}

bool timed_wait::try_complete(outcome how) noexcept {
  outcome expected = outcome::pending;
  return state_.compare_exchange_strong(expected, how, std::memory_order_acq_rel);
}

// Only suspend() calls it: in line there.
inline void timed_wait::watch_stop() {
  if (auto* shared = rt_->shared_stops(); shared != nullptr && shared->join(*this)) return;
  watch_stop_alone();
}

void timed_wait::suspend(std::coroutine_handle<> h, wait_kind kind, std::string_view what) {
  handle_ = h;
  owner = rt_->current_record();
  rt_->note_wait(kind, deadline, what);
  if (deadline == steady_time::max()) {
    // No deadline: only the stop token or a signal completes this wait.
  } else if (deadline <= rt_->now()) {
    // Already due: complete through the ready queue, never through a timer. The gate closes
    // now, so a set() or a stop before the coroutine runs cannot queue it again; the token is
    // looked at again on resume.
    try_complete(outcome::due);
    rt_->make_ready(h, owner);
    return;
  } else {
    rt_->arm(*this);
  }
  if (token_.stop_possible()) watch_stop();
}

void timed_wait::watch_stop_alone() {
  // Set first: if the token is already stopped the constructor runs the callback at once, and a
  // wait must know its hook is alive whatever that callback leads to.
  stop_mode_ = stop_mode::own;
  std::construct_at(&stop_hook_.own, token_, on_stop{this});
}

void timed_wait::cancel_by_stop() noexcept {
  if (try_complete(outcome::canceled)) rt_->cancel_wait(*this);
}

void timed_wait::fire_wait(timer_node& node) {
  auto& self = static_cast<timed_wait&>(node);
  if (!self.try_complete(outcome::fired)) return;  // a stop request won; its cancellation resumes us
  if (auto* obs = self.rt_->observer()) obs->on_timer_fired(self.owner, self.deadline);
  self.rt_->resume_slice(self.handle_, self.owner);
}

bool timed_wait::signal_on_loop() {
  if (!try_complete(outcome::signaled)) return false;
  rt_->disarm(*this);
  rt_->make_ready(handle_, owner);
  return true;
}

void timed_wait::cancel_on_loop() {
  rt_->disarm(*this);
  if (auto* obs = rt_->observer()) obs->on_timer_canceled(owner, deadline);
  rt_->make_ready(handle_, owner);
}

}  // namespace detail

}  // namespace clockwork
