// A loop paced by instants it computes itself (delay_until start + k·period) keeps its phase
// whatever its work costs: no drift finding. The same loop written with a fixed delay after its
// work slides, and is reported.
#include <gtest/gtest.h>

#include "clockwork/testing/simulation.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;

class paced final : public background_service {
 public:
  explicit paced(bool aligned) : aligned_(aligned) {}
  task<> execute(std::stop_token stopping) override {
    steady_time next = rt().now();
    for (;;) {
      rt().work(3s);  // the same cost every run
      next += 1min;
      const bool waited =
          aligned_ ? co_await rt().try_delay_until(next, stopping) : co_await rt().try_delay(1min - 3s, stopping);
      if (!waited) break;
    }
  }

 private:
  bool aligned_;
};

std::size_t drift_findings(bool aligned) {
  testing::simulation sim;
  sim.builder().add_hosted_service<paced>("loop",
                                          [aligned](service_provider&) { return std::make_shared<paced>(aligned); });
  sim.start();
  sim.run_for(1h);
  sim.stop();
  return sim.findings(finding_kind::drift).size();
}

TEST(DriftDeadline, ALoopPacedByItsOwnDeadlinesDoesNotDrift) {
  EXPECT_EQ(drift_findings(true), 0u);
}

TEST(DriftDeadline, TheSameLoopWithAFixedDelayAfterItsWorkIsReported) {
  EXPECT_EQ(drift_findings(false), 1u);
}

}  // namespace
}  // namespace clockwork
