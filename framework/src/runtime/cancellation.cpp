#include "clockwork/runtime/cancellation.hpp"

#include <stdexcept>
#include <string>

namespace clockwork {

void require_timeout(std::chrono::nanoseconds timeout, const char* who) {
  if (timeout.count() < 0) {
    throw std::invalid_argument(std::string("clockwork::") + who +
                                ": the timeout must not be negative (zero: at once, clockwork::infinite: never), got " +
                                format_duration(timeout));
  }
}

cancel_after::cancel_after(runtime& rt, std::stop_source source, std::chrono::nanoseconds delay)
    : timer_node(&cancel_after::on_deadline), rt_(&rt), source_(std::move(source)) {
  require_timeout(delay, "cancel_after");
  if (delay.count() == 0) {
    fired_ = true;
    source_.request_stop();
    return;
  }
  timer_node::deadline = rt.deadline_after(delay);
  // An infinite delay (or one past the end of time) is "never": no timer, so it cannot make a
  // virtual_runtime jump to the end of time, and a wait it guards can still be a deadlock.
  if (timer_node::deadline == steady_time::max()) return;
  timer_node::owner = rt.current_record();
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
