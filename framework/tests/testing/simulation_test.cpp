// The simulation harness: one object wires a virtual runtime, a host, a trace and a log
// capture; the fixture makes the common case one line.
#include "clockwork/testing/simulation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/testing/simulation_test.hpp"
#include "clockwork/testing/trace_matchers.hpp"
#include "clockwork/testing/verdict.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::testing::has_record;
using clockwork::testing::is_record;
using clockwork::testing::simulation;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

// TEST_F takes an unqualified fixture name.
using simulation_test = clockwork::testing::simulation_test;

class heartbeat : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), 5min, "heartbeat"};
    for (;;) {
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
      log()->info("beat at {}", clockwork::format_utc(rt().clock().utc_now()));
    }
  }
};

TEST_F(simulation_test, FixtureMakesTheCommonCaseOneLine) {
  sim.builder().add_hosted_service<heartbeat>("heartbeat");
  sim.start();
  sim.run_for(1h);
  EXPECT_EQ(sim.trace().count(clockwork::trace_kind::tick, "heartbeat"), 12u);
  EXPECT_TRUE(sim.logs().contains("beat at 2026-01-01T01:00:00.000Z"));
  sim.stop();
  EXPECT_TRUE(sim.result().ok());
}

class debug_logger : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    log()->debug("detail");
    co_await rt().delay(1h, stopping);
  }
};

TEST(Simulation, DebugRecordsReachTheCaptureAtTheDefaultLevel) {
  simulation sim;
  sim.builder().add_hosted_service<debug_logger>("detailed");
  sim.start();
  sim.run_until_idle();
  EXPECT_TRUE(sim.logs().contains(spdlog::level::debug, "detail"));
  sim.stop();
}

TEST(Simulation, RequestStopAtStopsTheHostAtExactlyThatInstant) {
  simulation sim;
  sim.builder().add_hosted_service<heartbeat>("heartbeat");
  sim.request_stop_at(t0 + 30min);
  const auto result = sim.run_until_stopped();
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_EQ(sim.now(), t0 + 30min);
  EXPECT_THAT(sim.trace().records(), has_record("stop_requested", "simulation"));
  EXPECT_THAT(sim.trace().records(), has_record(clockwork::trace_kind::service_stopped, "heartbeat"));
}

class midnight_reader : public clockwork::background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    for (;;) {
      co_await rt().delay(1h, stopping);
      log()->info("local {}", date::format("%F %H:%M %Z", rt().clock().local_now()));
    }
  }
};

TEST(Simulation, ScriptedWallClockAndZoneChangesHappenAtTheirInstants) {
  simulation sim;
  sim.builder().add_hosted_service<midnight_reader>("reader");
  sim.jump_wall_clock_at(t0 + 90min, -30min);
  sim.set_local_zone_at(t0 + 150min, "Asia/Tokyo");
  sim.start();
  sim.run_for(3h);
  EXPECT_TRUE(sim.logs().contains("local 2026-01-01 01:00 UTC"));
  EXPECT_TRUE(sim.logs().contains("local 2026-01-01 01:30 UTC"));  // 2 h, stepped back 30 min
  EXPECT_TRUE(sim.logs().contains("local 2026-01-01 11:30 JST"));  // 3 h in Tokyo
  EXPECT_THAT(sim.trace().records(), has_record(clockwork::trace_kind::clock_changed));
  sim.stop();
}

TEST(Simulation, TwoSimulationsRunSideBySide) {
  simulation a;
  simulation b;
  a.builder().add_hosted_service<heartbeat>("heartbeat");
  b.builder().add_hosted_service<heartbeat>("heartbeat");
  a.start();
  b.start();
  a.run_for(1h);
  b.run_for(10min);
  EXPECT_EQ(a.trace().count(clockwork::trace_kind::tick), 12u);
  EXPECT_EQ(b.trace().count(clockwork::trace_kind::tick), 2u);
  a.stop();
  b.stop();
}

TEST(Simulation, SameInputsGiveAByteIdenticalTrace) {
  auto run = [] {
    simulation sim;
    sim.builder().add_hosted_service<heartbeat>("heartbeat");
    sim.request_stop_at(t0 + 1h);
    sim.run_until_stopped();
    return sim.trace_text();
  };
  const std::string first = run();
  EXPECT_EQ(first, run());
  EXPECT_THAT(first, HasSubstr("heartbeat"));
}

TEST(Simulation, ReportListsFindingsAndTheResult) {
  class blocker : public clockwork::background_service {
   public:
    task<> execute(std::stop_token stopping) override {
      rt().work(2s);
      co_await rt().delay(1h, stopping);
    }
  };
  simulation sim;
  sim.builder().add_hosted_service<blocker>("blocker");
  sim.request_stop_at(t0 + 1min);
  sim.run_until_stopped();
  ASSERT_EQ(sim.findings(clockwork::finding_kind::blocking_call).size(), 1u);
  EXPECT_THAT(sim.report(), HasSubstr("[blocking_call] blocker"));
  EXPECT_THROW(sim.builder(), std::logic_error);
}

TEST(Verdict, AServiceNameThatIsNotUtf8IsWrittenWithReplacementCharactersNotThrown) {
  clockwork::testing::verdict v;
  v.finding(clockwork::finding_kind::missed_run, std::string("job\xff", 4))
      .failure(std::string("svc\xc3", 4), clockwork::failure_kind::faulted)
      .count(std::string("runs\xfe", 5), 2);
  EXPECT_EQ(v.to_json(),
            "{\"exit_code\":1,\"findings\":[{\"kind\":\"missed_run\",\"service\":\"job\xef\xbf\xbd\"}],"
            "\"failures\":[{\"service\":\"svc\xef\xbf\xbd\",\"kind\":\"faulted\"}],"
            "\"counts\":{\"runs\xef\xbf\xbd\":2}}");
}

TEST(Simulation, SchedulingInThePastIsRefused) {
  simulation sim;
  sim.run_for(1h);
  EXPECT_THROW(sim.request_stop_at(t0), std::invalid_argument);
  EXPECT_THROW(sim.set_local_zone_at(t0 + 2h, "Not/AZone"), std::invalid_argument);
}

}  // namespace
