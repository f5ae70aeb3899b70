#include "clockwork/runtime/callback_timer.hpp"

#include <optional>
#include <stdexcept>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {
void require_not_negative(std::chrono::nanoseconds d, const char* what, const std::string& name) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::callback_timer '" + name + "': " + what +
                                " must not be negative (zero: at once, clockwork::infinite: never), got " +
                                format_duration(d));
  }
}
}  // namespace

callback_timer::callback_timer(runtime& rt, std::function<void()> callback, std::chrono::nanoseconds due,
                               std::chrono::nanoseconds period, std::string name)
    : timer_node(&callback_timer::on_fire), rt_(&rt), callback_(std::move(callback)), name_(std::move(name)) {
  if (!callback_) throw std::invalid_argument("clockwork::callback_timer '" + name_ + "': empty callback");
  change(due, period);
}

bool callback_timer::change(std::chrono::nanoseconds due, std::chrono::nanoseconds period) {
  require_not_negative(due, "due time", name_);
  require_not_negative(period, "period", name_);
  if (disposed_) return false;
  ++generation_;
  if (in_heap()) rt_->disarm(*this);
  period_ = period;
  if (due != infinite) arm_at(rt_->deadline_after(due));
  return true;
}

void callback_timer::dispose() noexcept {
  if (disposed_) return;
  disposed_ = true;
  ++generation_;
  if (in_heap()) rt_->disarm(*this);
}

void callback_timer::arm_at(steady_time due) {
  if (due == steady_time::max()) return;  // never: no timer
  timer_node::deadline = due;
  timer_node::owner = nullptr;  // a callback belongs to no spawned coroutine
  rt_->arm(*this);
}

void callback_timer::on_fire(timer_node& node) {
  auto& self = static_cast<callback_timer&>(node);
  const steady_time due = self.timer_node::deadline;
  const std::uint64_t generation = self.generation_;
  ++self.calls_;
  runtime& rt = *self.rt_;
  if (auto* obs = rt.observer()) obs->on_timer_fired(nullptr, due);
  // The callback may change() or dispose() its own timer: a bumped generation says so, and the
  // call then leaves the schedule to what the callback decided.
  try {
    self.callback_();
  } catch (...) {
    rt.record_unobserved("callback_timer '" + self.name_ + "'", std::current_exception());
  }
  if (self.generation_ != generation || self.disposed_) return;
  const bool periodic = self.period_.count() > 0 && self.period_ != infinite;
  if (!periodic) return;
  // A callback that advanced time itself (a nested advance_by on virtual time) is next due one
  // period after where it moved time to, as .NET's FakeTimeProvider re-phases it: due + period
  // would fall inside that advance, and a callback advancing by its own period would trigger
  // itself forever.
  const std::optional<steady_time> advanced_to = rt.advance_asked_while_firing();
  if (advanced_to && *advanced_to > due) {
    self.arm_at(saturating_add(*advanced_to, self.period_));
  } else {
    self.arm_at(saturating_add(due, self.period_));
  }
}

}  // namespace clockwork
