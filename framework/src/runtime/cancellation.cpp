#include "clockwork/runtime/cancellation.hpp"

namespace clockwork {

cancel_after::cancel_after(runtime& rt, std::stop_source source, std::chrono::nanoseconds delay)
    : timer_node(&cancel_after::on_deadline), rt_(&rt), source_(std::move(source)) {
  if (delay.count() <= 0) {
    fired_ = true;
    source_.request_stop();
    return;
  }
  const steady_time now = rt.now();
  timer_node::deadline = delay >= steady_time::max() - now ? steady_time::max() : now + delay;
  rt.arm(*this);
}

void cancel_after::cancel() noexcept {
  if (in_heap()) rt_->disarm(*this);
}

void cancel_after::on_deadline(timer_node& node) {
  auto& self = static_cast<cancel_after&>(node);
  self.fired_ = true;
  if (auto* obs = self.rt_->observer()) obs->on_timer_fired(self.owner, self.timer_node::deadline);
  self.source_.request_stop();
}

}  // namespace clockwork
