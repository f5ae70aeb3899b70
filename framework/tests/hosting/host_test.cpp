// The host's semantics, each a named test in virtual time with exact instants.
#include "clockwork/hosting/host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/log_capture.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::background_service;
using clockwork::host_builder;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

// What services did, in order, with the instant: "name:event@+hh:mm:ss.fff".
struct service_journal {
  std::vector<std::string> lines;
  void add(clockwork::runtime& rt, const std::string& who, const std::string& what) {
    lines.push_back(who + ":" + what + "@" + clockwork::format_offset(rt.now(), t0));
  }
};

// Waits for stop, honouring its token; records everything.
class polite_service : public background_service {
 public:
  explicit polite_service(service_journal& j) : journal_(&j) {}
  task<> execute(std::stop_token stopping) override {
    ++executions;
    journal_->add(rt(), name(), stopping.stop_requested() ? "execute(stopped)" : "execute");
    try {
      for (;;) co_await rt().delay(1h, stopping);
    } catch (const clockwork::operation_canceled&) {
      journal_->add(rt(), name(), "canceled");
      throw;
    }
  }
  task<> starting(std::stop_token) override {
    journal_->add(rt(), name(), "starting");
    co_return;
  }
  task<> started(std::stop_token) override {
    journal_->add(rt(), name(), "started");
    co_return;
  }
  task<> stopping(std::stop_token) override {
    journal_->add(rt(), name(), "stopping");
    co_return;
  }
  task<> stopped(std::stop_token) override {
    journal_->add(rt(), name(), "stopped");
    co_return;
  }
  int executions = 0;

 private:
  service_journal* journal_;
};

// Throws after `after`, every time it runs.
class faulty_service : public background_service {
 public:
  explicit faulty_service(std::chrono::nanoseconds after) : after_(after) {}
  task<> execute(std::stop_token stopping) override {
    runs.push_back(rt().now());
    co_await rt().delay(after_, stopping);
    throw std::runtime_error("database unreachable");
  }
  std::vector<steady_time> runs;

 private:
  std::chrono::nanoseconds after_;
};

// Mistake 2 of the patterns document: waits without the token.
class deaf_service : public background_service {
 public:
  task<> execute(std::stop_token) override {
    co_await rt().delay(1h);  // no token!
  }
};

using clockwork::test_support::add;

// ---- order -----------------------------------------------------------------------------------

TEST(Host, StartsInRegistrationOrderAndStopsInReverse) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "a", j);
  add<polite_service>(b, "b", j);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(10min);
  rt.block_on(app.stop());
  EXPECT_THAT(j.lines, ElementsAre("a:starting@+00:00:00.000", "b:starting@+00:00:00.000", "a:started@+00:00:00.000",
                                   "b:started@+00:00:00.000", "a:execute@+00:00:00.000", "b:execute@+00:00:00.000",
                                   "b:stopping@+00:10:00.000", "a:stopping@+00:10:00.000", "b:canceled@+00:10:00.000",
                                   "a:canceled@+00:10:00.000", "b:stopped@+00:10:00.000", "a:stopped@+00:10:00.000"));
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
  EXPECT_EQ(app.state_of("a"), clockwork::service_state::stopped);
}

// ---- execute is invoked exactly once --------------------------------------------------------

TEST(Host, ExecuteRunsOnceEvenWhenStopRacesStart) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  auto svc = add<polite_service>(b, "svc", j);
  auto app = b.build();
  auto start_then_stop = [](clockwork::host& h) -> task<> {
    co_await h.start();
    co_await h.stop();  // before execute had a turn
  };
  rt.block_on(start_then_stop(app));
  EXPECT_EQ(svc->executions, 1);
  EXPECT_THAT(j.lines, ::testing::Contains("svc:execute(stopped)@+00:00:00.000"));
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
}

TEST(Host, PreStoppedStartTokenMeansExecuteNeverRuns) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  auto svc = add<polite_service>(b, "svc", j);
  auto app = b.build();
  std::stop_source cancelled;
  cancelled.request_stop();
  EXPECT_THROW(rt.block_on(app.start(cancelled.get_token())), clockwork::operation_canceled);
  rt.run_for(1min);
  EXPECT_EQ(svc->executions, 0);
  rt.block_on(app.stop());
  EXPECT_FALSE(app.result().ok());
}

TEST(Host, StopBeforeStartRunsNothing) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  auto svc = add<polite_service>(b, "svc", j);
  auto app = b.build();
  rt.block_on(app.stop());
  EXPECT_EQ(svc->executions, 0);
  EXPECT_TRUE(j.lines.empty());
  EXPECT_TRUE(app.lifetime().stopped().stop_requested());
  EXPECT_THROW(rt.block_on(app.start()), std::logic_error);
}

TEST(Host, DoubleStopIsIdempotent) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "svc", j);
  auto app = b.build();
  rt.block_on(app.start());
  rt.block_on(app.stop());
  const auto lines = j.lines;
  rt.block_on(app.stop());
  EXPECT_EQ(j.lines, lines);
  EXPECT_TRUE(app.result().ok());
}

TEST(Host, DestroyingAHostThatWasNeverStoppedStopsItsServices) {
  virtual_runtime rt;
  service_journal j;
  {
    host_builder b{rt};
    add<polite_service>(b, "svc", j);
    auto app = b.build();
    rt.block_on(app.start());
    rt.run_for(1min);
  }
  rt.run_until_idle();
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(j.lines.back(), "svc:canceled@+00:01:00.000");
}

TEST(Host, StartingTwiceIsRefused) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "svc", j);
  auto app = b.build();
  rt.block_on(app.start());
  try {
    rt.block_on(app.start());
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("already started"));
  }
  EXPECT_THROW(rt.block_on(app.run()), std::logic_error);
  rt.block_on(app.stop());
}

// ---- exceptions ------------------------------------------------------------------------------

TEST(Host, StopHostPolicyStopsTheApplicationAndRunReportsFailure) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "steady", j);
  add<faulty_service>(b, "flaky", 5min);
  auto app = b.build();
  const auto result = rt.block_on(app.run());
  EXPECT_EQ(rt.now(), t0 + 5min);
  EXPECT_EQ(result.exit_code, 1);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].service, "flaky");
  EXPECT_EQ(result.failures[0].kind, clockwork::failure_kind::faulted);
  EXPECT_THAT(result.failures[0].message, HasSubstr("database unreachable"));
  EXPECT_EQ(result.failures[0].at, t0 + 5min);
  EXPECT_EQ(app.state_of("flaky"), clockwork::service_state::faulted);
  EXPECT_EQ(app.state_of("steady"), clockwork::service_state::stopped);
}

TEST(Host, IgnorePolicyKeepsTheHostRunningButStillReportsTheFault) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  b.options().on_service_exception = clockwork::service_exception_behavior::ignore;
  add<polite_service>(b, "steady", j);
  add<faulty_service>(b, "flaky", 5min);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(1h);
  EXPECT_FALSE(app.lifetime().stop_requested());
  EXPECT_EQ(app.state_of("flaky"), clockwork::service_state::faulted);
  rt.block_on(app.stop());
  EXPECT_EQ(app.result().exit_code, 1);  // a crash is never reported as success
}

TEST(Host, RestartPolicyBacksOffExponentiallyOnTheInjectedClock) {
  virtual_runtime rt;
  host_builder b{rt};
  b.options().on_service_exception = clockwork::service_exception_behavior::restart;
  b.options().restart.initial_delay = 1s;
  b.options().restart.max_delay = 5s;
  auto flaky = add<faulty_service>(b, "flaky", 0s);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(20s);
  // Runs at 0; fails at once; restarts after 1, 2, 4, 5 (capped), 5 s ...
  EXPECT_THAT(flaky->runs, ElementsAre(t0, t0 + 1s, t0 + 3s, t0 + 7s, t0 + 12s, t0 + 17s));
  EXPECT_EQ(app.restarts_of("flaky"), 5u);
  rt.block_on(app.stop());
  EXPECT_EQ(app.result().failures.size(), 6u);
}

TEST(Host, RestartPolicyHonoursMaxRestarts) {
  virtual_runtime rt;
  host_builder b{rt};
  b.options().on_service_exception = clockwork::service_exception_behavior::restart;
  b.options().restart.max_restarts = 2;
  auto flaky = add<faulty_service>(b, "flaky", 0s);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(1h);
  EXPECT_EQ(flaky->runs.size(), 3u);
  EXPECT_EQ(app.state_of("flaky"), clockwork::service_state::faulted);
  rt.block_on(app.stop());
}

class cancels_itself : public background_service {
 public:
  task<> execute(std::stop_token) override {
    co_await rt().delay(1min);
    throw clockwork::operation_canceled{};  // not caused by stop: an internal timeout leaked out
  }
};

TEST(Host, OperationCanceledBeforeStopIsAFaultAfterStopIsGraceful) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  b.options().on_service_exception = clockwork::service_exception_behavior::ignore;
  add<cancels_itself>(b, "leaky");
  add<polite_service>(b, "polite", j);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(2min);
  rt.block_on(app.stop());
  const auto result = app.result();
  ASSERT_EQ(result.failures.size(), 1u) << result.summary();
  EXPECT_EQ(result.failures[0].service, "leaky");
  EXPECT_EQ(app.state_of("polite"), clockwork::service_state::stopped);
}

class returns_early : public background_service {
 public:
  task<> execute(std::stop_token) override { co_await rt().delay(1min); }
};

TEST(Host, ExecuteReturningBeforeStopIsAFinding) {
  virtual_runtime rt;
  host_builder b{rt};
  add<returns_early>(b, "one-shot");
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(2min);
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::silent_death);
  EXPECT_THAT(rt.findings()[0].message, HasSubstr("silently"));
  rt.block_on(app.stop());
  EXPECT_TRUE(app.result().ok());
}

// ---- timeouts --------------------------------------------------------------------------------

TEST(Host, ShutdownTimeoutIsEnforcedOnTheInjectedClockAndNamesAbandonedServices) {
  virtual_runtime rt;
  service_journal j;
  clockwork::trace tr{rt.clock()};
  rt.set_observer(&tr);  // the host's lifecycle events reach the trace through the runtime
  host_builder b{rt};
  add<polite_service>(b, "polite", j);
  add<deaf_service>(b, "deaf");
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(1min);
  rt.block_on(app.stop());
  EXPECT_EQ(rt.now(), t0 + 1min + 30s);  // exactly the shutdown timeout, not a second more
  const auto result = app.result();
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].service, "deaf");
  EXPECT_EQ(result.failures[0].kind, clockwork::failure_kind::abandoned);
  EXPECT_EQ(app.state_of("polite"), clockwork::service_state::stopped);  // still stopped in time
  EXPECT_EQ(app.state_of("deaf"), clockwork::service_state::abandoned);
  ASSERT_FALSE(rt.findings().empty());
  EXPECT_EQ(rt.findings().back().kind, clockwork::finding_kind::cancellation_ignored);
  EXPECT_EQ(rt.findings().back().source, "deaf");
  // The abandoned service ends later by itself; the trace records by how much it overshot.
  rt.run_for(1h);
  const auto overshoot = tr.find("service_ended_after_abandon", "deaf");
  ASSERT_EQ(overshoot.size(), 1u);
  EXPECT_EQ(*overshoot[0].field("overshoot"), "00:58:30.000");  // it ran its full hour
  rt.set_observer(nullptr);
}

TEST(Host, StartupTimeoutRunsOnTheInjectedClock) {
  class slow_starter : public background_service {
   public:
    task<> execute(std::stop_token stopping) override { co_await rt().delay(1h, stopping); }
    task<> starting(std::stop_token token) override { co_await rt().delay(1min, token); }
  };
  virtual_runtime rt;
  host_builder b{rt};
  b.options().startup_timeout = 10s;
  add<slow_starter>(b, "slow");
  auto app = b.build();
  const auto result = rt.block_on(app.run());
  EXPECT_EQ(rt.now(), t0 + 10s);
  EXPECT_EQ(result.exit_code, 1);
  bool timed_out = false;
  for (const auto& f : result.failures) timed_out |= f.kind == clockwork::failure_kind::startup_timeout;
  EXPECT_TRUE(timed_out) << result.summary();
}

class slow_hooks : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    try {
      co_await rt().delay(24h, stopping);
    } catch (const clockwork::operation_canceled&) {
    }
    co_await rt().delay(5s);  // takes 5 s to wind down
  }
  task<> starting(std::stop_token token) override { co_await rt().delay(5s, token); }
};

TEST(Host, StartConcurrentlyRunsStartingHooksTogether) {
  for (const bool concurrently : {false, true}) {
    virtual_runtime rt;
    host_builder b{rt};
    b.options().start_concurrently = concurrently;
    add<slow_hooks>(b, "a");
    add<slow_hooks>(b, "b");
    auto app = b.build();
    rt.block_on(app.start());
    EXPECT_EQ(rt.now(), t0 + (concurrently ? 5s : 10s)) << "concurrently=" << concurrently;
    rt.block_on(app.stop());
  }
}

TEST(Host, StopConcurrentlyStopsEveryServiceAtOnce) {
  for (const bool concurrently : {false, true}) {
    virtual_runtime rt;
    host_builder b{rt};
    b.options().stop_concurrently = concurrently;
    add<slow_hooks>(b, "a");
    add<slow_hooks>(b, "b");
    auto app = b.build();
    rt.block_on(app.start());
    const steady_time began = rt.now();
    rt.block_on(app.stop());
    EXPECT_EQ(rt.now() - began, concurrently ? 5s : 10s) << "concurrently=" << concurrently;
    EXPECT_TRUE(app.result().ok());
  }
}

TEST(Host, EveryStopHookIsCalledAndEveryErrorCollected) {
  class bad_stopper : public background_service {
   public:
    task<> execute(std::stop_token stopping) override { co_await rt().delay(1h, stopping); }
    task<> stopping(std::stop_token) override {
      throw std::runtime_error(name() + " could not flush");
      co_return;
    }
  };
  virtual_runtime rt;
  host_builder b{rt};
  add<bad_stopper>(b, "first");
  add<bad_stopper>(b, "second");
  auto app = b.build();
  rt.block_on(app.start());
  rt.block_on(app.stop());
  const auto result = app.result();
  ASSERT_EQ(result.failures.size(), 2u);
  EXPECT_EQ(result.failures[0].service, "second");
  EXPECT_EQ(result.failures[1].service, "first");
  EXPECT_EQ(result.failures[1].kind, clockwork::failure_kind::stop_failed);
  EXPECT_EQ(app.state_of("first"), clockwork::service_state::stopped);
}

// ---- start-up mistakes -----------------------------------------------------------------------

class blocks_before_first_await : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    rt().work(5s);  // Thread.Sleep(5000) before the first await: the patterns document's mistake 1
    co_await rt().delay(1h, stopping);
  }
};

TEST(Host, InlineStartReplaysABlockingExecuteHoldingUpStartup) {
  virtual_runtime rt;
  host_builder b{rt};
  b.options().inline_start = true;
  add<blocks_before_first_await>(b, "blocker");
  auto app = b.build();
  rt.block_on(app.start());
  EXPECT_EQ(rt.now(), t0 + 5s);  // start itself took the blocking time
  bool startup_blocked = false;
  for (const auto& f : rt.findings()) startup_blocked |= f.kind == clockwork::finding_kind::startup_blocked;
  EXPECT_TRUE(startup_blocked);
  rt.block_on(app.stop());
}

TEST(Host, ScheduledStartReturnsAtOnceAndTheBlockIsABlockingCall) {
  virtual_runtime rt;
  host_builder b{rt};
  add<blocks_before_first_await>(b, "blocker");
  auto app = b.build();
  rt.block_on(app.start());
  EXPECT_EQ(rt.now(), t0);
  rt.run_until_idle();
  ASSERT_EQ(rt.findings().size(), 1u);
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::blocking_call);
  EXPECT_EQ(rt.findings()[0].source, "blocker");
  rt.block_on(app.stop());
}

// ---- lifetime and run ------------------------------------------------------------------------

TEST(Host, LifetimeTokensFollowTheHost) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "svc", j);
  auto app = b.build();
  auto& lifetime = app.lifetime();
  EXPECT_FALSE(lifetime.started().stop_requested());
  rt.block_on(app.start());
  EXPECT_TRUE(lifetime.started().stop_requested());
  EXPECT_FALSE(lifetime.stopping().stop_requested());
  rt.block_on(app.stop());
  EXPECT_TRUE(lifetime.stopping().stop_requested());
  EXPECT_TRUE(lifetime.stopped().stop_requested());
}

TEST(Host, RunStopsWhenStopApplicationIsCalled) {
  class stops_app_after_an_hour : public background_service {
   public:
    explicit stops_app_after_an_hour(clockwork::service_provider& sp)
        : lifetime_(sp.get<clockwork::application_lifetime>()) {}
    task<> execute(std::stop_token stopping) override {
      co_await rt().delay(1h, stopping);
      lifetime_->stop_application();
      lifetime_->stop_application();  // idempotent
    }

   private:
    std::shared_ptr<clockwork::application_lifetime> lifetime_;
  };
  virtual_runtime rt;
  host_builder b{rt};
  b.add_hosted_service<stops_app_after_an_hour>("stopper");
  auto app = b.build();
  const auto result = rt.block_on(app.run());
  EXPECT_EQ(rt.now(), t0 + 1h);
  EXPECT_TRUE(result.ok()) << result.summary();
}

TEST(Host, RunStopsWhenItsTokenIsStopped) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "svc", j);
  auto app = b.build();
  std::stop_source stop;
  clockwork::cancel_after at_3h{rt, stop, 3h};
  const auto result = rt.block_on(app.run(stop.get_token()));
  EXPECT_EQ(rt.now(), t0 + 3h);
  EXPECT_TRUE(result.ok());
}

// ---- logging, scopes, bad input ---------------------------------------------------------------

class chatty_service : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(90min, stopping);
    log()->info("worker running at {}", clockwork::format_utc(rt().clock().utc_now()));
    co_await rt().delay(24h, stopping);
  }
};

TEST(Host, ServicesLogThroughTheInjectedLoggerInSimulatedTime) {
  virtual_runtime rt;
  auto capture = std::make_shared<clockwork::testing::log_capture>();
  host_builder b{rt};
  b.add_log_sink(capture);
  add<chatty_service>(b, "chatty");
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(2h);
  rt.block_on(app.stop());
  EXPECT_TRUE(capture->contains(spdlog::level::info, "worker running at 2026-01-01T01:30:00.000Z"));
  bool stamped = false;
  for (const auto& r : capture->records()) {
    if (r.message.find("worker running") != std::string::npos) {
      stamped = r.time == rt.clock().utc_now() - 30min;
      EXPECT_EQ(r.logger, "chatty");
    }
  }
  EXPECT_TRUE(stamped);
}

struct repository {
  int id = 7;
};

class captive_service : public background_service {
 public:
  explicit captive_service(clockwork::service_provider& sp) : repo_(sp.get<repository>()) {}
  task<> execute(std::stop_token) override { co_return; }

 private:
  std::shared_ptr<repository> repo_;
};

TEST(Host, AServiceHoldingAScopedDependencyFailsAtBuildNamingIt) {
  virtual_runtime rt;
  host_builder b{rt};
  b.services().add_scoped<repository>([](clockwork::service_provider&) { return std::make_shared<repository>(); });
  b.add_hosted_service<captive_service>("captive");
  try {
    (void)b.build();
    FAIL() << "expected a scope validation error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("hosted service 'captive'"));
    EXPECT_THAT(e.what(), HasSubstr("cannot resolve scoped service"));
    EXPECT_THAT(e.what(), HasSubstr("repository"));
  }
  ASSERT_FALSE(rt.findings().empty());
  EXPECT_EQ(rt.findings()[0].kind, clockwork::finding_kind::scope_violation);
}

TEST(Host, RunOnARuntimeThatIsShuttingDownIsRefused) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  auto svc = add<polite_service>(b, "svc", j);
  auto app = b.build();
  rt.shutdown();
  auto run_it = [](clockwork::host& h) { return h.run(); };
  try {
    (void)rt.block_on(run_it(app));
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("shutting down"));
  }
  EXPECT_EQ(svc->executions, 0);
}

TEST(Host, BadInputIsRefusedWithClearMessages) {
  virtual_runtime rt;
  service_journal j;
  host_builder b{rt};
  add<polite_service>(b, "svc", j);
  try {
    add<polite_service>(b, "svc", j);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'svc'"));
  }
  clockwork::host_options bad;
  bad.shutdown_timeout = -1s;
  try {
    b.configure(bad);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("shutdown_timeout"));
  }
  bad = {};
  bad.startup_timeout = -1s;
  EXPECT_THROW(b.configure(bad), std::invalid_argument);
  auto app = b.build();
  EXPECT_THROW((void)b.build(), std::logic_error);
  EXPECT_THROW((void)app.state_of("nobody"), std::out_of_range);
}

}  // namespace
