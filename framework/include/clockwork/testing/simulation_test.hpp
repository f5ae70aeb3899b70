// clockwork::testing::simulation_test — a GoogleTest fixture with a fresh simulation per test,
// so the common case is one line:
//
//   using clockwork::testing::simulation_test;    // TEST_F needs an unqualified name
//   TEST_F(simulation_test, HeartbeatEveryFiveMinutes) {
//     sim.builder().add_hosted_service<heartbeat>("heartbeat");
//     sim.start();
//     sim.run_for(std::chrono::hours(1));
//     EXPECT_EQ(sim.trace().count(clockwork::trace_kind::tick, "heartbeat"), 12u);
//   }
//   // production runs the same heartbeat on a real_runtime host.
//
// Other options: derive, and pass them to the constructor:
//   struct berlin_test : clockwork::testing::simulation_test {
//     berlin_test() : simulation_test(berlin_options()) {}
//   };
//
// Thread safety: as simulation.
#pragma once

#include <gtest/gtest.h>

#include "clockwork/testing/simulation.hpp"

namespace clockwork::testing {

class simulation_test : public ::testing::Test {
 protected:
  simulation_test() = default;
  explicit simulation_test(const simulation_options& options) : sim(options) {}

  simulation sim;
};

}  // namespace clockwork::testing
