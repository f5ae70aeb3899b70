// clockwork::testing::auto_advancing_clock — a face of a virtual_runtime's clock that moves
// virtual time forward by a fixed amount every time it is read: .NET's
// FakeTimeProvider.AutoAdvanceAmount, for code under test that polls the clock instead of
// waiting ("while (clock.utc_now() < deadline) ...").
//
// Each read returns the current time, then moves the runtime's time on by the amount: from the
// test thread as advance_by does (timers due meanwhile fire, each at its own instant); from
// inside the runtime's stepping (a coroutine or a timer callback polling in a loop) as modeled
// work does (the clock moves at once, so the loop ends; timers due meanwhile fire after the
// slice). The runtime's own clock — what the trace, the logs and every wait read — is left as
// it is: only code handed this clock makes time pass by reading it.
//
// Example — the same polling component, production and test:
//
//   class lease_keeper { public: explicit lease_keeper(const clockwork::clock& clk); ... };
//   // production: lease_keeper keeper{real_rt.clock()};
//   // test:
//   clockwork::virtual_runtime rt;
//   clockwork::testing::auto_advancing_clock polled{rt, std::chrono::seconds(1)};
//   lease_keeper keeper{polled};               // every read it makes moves time by 1 s
//   // hosted services resolve it as their clock when registered before build():
//   //   builder.services().add_singleton<clockwork::clock>(std::shared_ptr<clockwork::clock>(&polled, [](auto*) {}));
//
// Thread safety: like the virtual_runtime it wraps — its driving thread only. The runtime must
// outlive it.
#pragma once

#include <chrono>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::testing {

class auto_advancing_clock final : public clock {
 public:
  // Throws std::invalid_argument when amount is negative. Zero: reads move nothing.
  auto_advancing_clock(virtual_runtime& rt, std::chrono::nanoseconds amount);

  steady_time steady_now() const override;
  utc_time utc_now() const override;
  utc_time stamp_utc() const override { return rt_->clock().stamp_utc(); }  // stamps never move time
  const date::time_zone& local_zone() const override { return rt_->clock().local_zone(); }

  std::chrono::nanoseconds amount() const noexcept { return amount_; }
  void set_amount(std::chrono::nanoseconds amount);

 private:
  void advance() const;

  virtual_runtime* rt_;
  std::chrono::nanoseconds amount_;
};

}  // namespace clockwork::testing
