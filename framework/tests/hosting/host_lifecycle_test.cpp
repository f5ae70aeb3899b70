// The host's lifecycle at its edges: stop during start, hooks that ignore their token, children
// that outlive a failed start, disposal, and the order .NET's hosting gives these events. Virtual
// time, exact instants.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/log_capture.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::background_service;
using clockwork::failure_kind;
using clockwork::host_builder;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

struct journal {
  std::vector<std::string> lines;
  void add(clockwork::runtime& rt, const std::string& what) {
    lines.push_back(what + "@" + clockwork::format_offset(rt.now(), t0));
  }
};

using clockwork::test_support::add;

bool has_failure(const clockwork::host_result& r, const std::string& service, failure_kind kind) {
  for (const auto& f : r.failures) {
    if (f.service == service && f.kind == kind) return true;
  }
  return false;
}

// A starting hook that takes an hour, or that ignores its token altogether.
class slow_starting_hook : public background_service {
 public:
  slow_starting_hook(journal& j, bool honours_token) : journal_(&j), honours_(honours_token) {}
  task<> starting(std::stop_token token) override {
    journal_->add(rt(), name() + ":starting");
    if (honours_) {
      co_await rt().delay(1h, token);
    } else {
      co_await rt().delay(1h);  // ignores the token
    }
    journal_->add(rt(), name() + ":starting done");
  }
  task<> started(std::stop_token) override {
    journal_->add(rt(), name() + ":started");
    co_return;
  }
  task<> execute(std::stop_token stopping) override {
    ++executions;
    journal_->add(rt(), name() + ":execute");
    co_await rt().delay(clockwork::infinite, stopping);
  }
  int executions = 0;

 private:
  journal* journal_;
  bool honours_;
};

task<> stop_after(clockwork::host& app, clockwork::runtime& rt, std::chrono::nanoseconds d, journal& j) {
  co_await rt.delay(d);
  j.add(rt, "stop requested");
  co_await app.stop();
  j.add(rt, "stop returned");
}

task<> start_and_note(clockwork::host& app, clockwork::runtime& rt, journal& j) {
  try {
    co_await app.start();
    j.add(rt, "start returned");
  } catch (const clockwork::operation_canceled&) {
    j.add(rt, "start cancelled");
  }
}

// ---- stop during start -------------------------------------------------------------------------

TEST(HostLifecycle, StopDuringAStartingHookCancelsTheStartAndNothingIsLaunchedAfterTheStop) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  auto svc = add<slow_starting_hook>(b, "svc", j, true);
  auto app = b.build();
  bool started_fired = false;
  std::stop_callback on_started{app.lifetime().started(), [&] { started_fired = true; }};
  rt.spawn(start_and_note(app, rt, j), "starter");
  rt.spawn(stop_after(app, rt, 10min, j), "stopper");
  rt.run_for(2h);
  EXPECT_THAT(j.lines, ElementsAre("svc:starting@+00:00:00.000", "stop requested@+00:10:00.000",
                                   "start cancelled@+00:10:00.000", "stop returned@+00:10:00.000"));
  EXPECT_EQ(svc->executions, 0);
  EXPECT_FALSE(started_fired);
  EXPECT_TRUE(app.lifetime().stopped().stop_requested());
  EXPECT_TRUE(app.result().ok()) << app.result().summary();  // a stop is not a failure
  EXPECT_EQ(rt.live_tasks(), 0u);
}

TEST(HostLifecycle, StopDuringAStartingHookThatIgnoresItsTokenAbandonsItAtTheShutdownDeadline) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  b.options().shutdown_timeout = 5s;
  auto svc = add<slow_starting_hook>(b, "deaf", j, false);
  auto app = b.build();
  rt.spawn(start_and_note(app, rt, j), "starter");
  rt.spawn(stop_after(app, rt, 10min, j), "stopper");
  rt.run_for(2h);
  EXPECT_THAT(j.lines, ElementsAre("deaf:starting@+00:00:00.000", "stop requested@+00:10:00.000",
                                   "start cancelled@+00:10:05.000", "stop returned@+00:10:05.000",
                                   "deaf:starting done@+01:00:00.000"));
  EXPECT_EQ(svc->executions, 0);
  const auto result = app.result();
  EXPECT_TRUE(has_failure(result, "deaf", failure_kind::abandoned)) << result.summary();
  EXPECT_THAT(result.summary(), HasSubstr("starting hook still running at the shutdown deadline"));
}

// ---- hook deadlines ----------------------------------------------------------------------------

TEST(HostLifecycle, AStartingHookThatIgnoresItsTokenIsAbandonedAtTheStartupDeadline) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  b.options().startup_timeout = 5s;
  add<slow_starting_hook>(b, "deaf", j, false);
  auto app = b.build();
  try {
    rt.block_on(app.start());
    FAIL() << "start succeeded";
  } catch (const clockwork::timeout_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("did not start within startup_timeout (00:00:05.000)"));
  }
  EXPECT_EQ(rt.now(), t0 + 5s) << "the startup timeout is enforced, not waited out";
  const auto result = app.result();
  EXPECT_TRUE(has_failure(result, "deaf", failure_kind::startup_timeout)) << result.summary();
  EXPECT_TRUE(has_failure(result, "host", failure_kind::startup_timeout)) << result.summary();
  rt.block_on(app.stop());
}

class slow_stopping_hook : public background_service {
 public:
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }
  task<> stopping(std::stop_token) override { co_await rt().delay(1h); }  // ignores the token
};

TEST(HostLifecycle, AStoppingHookThatIgnoresItsTokenIsAbandonedAtTheShutdownDeadline) {
  virtual_runtime rt;
  host_builder b{rt};
  b.options().shutdown_timeout = 5s;
  add<slow_stopping_hook>(b, "deaf");
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(1min);
  rt.block_on(app.stop());
  EXPECT_EQ(rt.now(), t0 + 1min + 5s) << "stop() must not wait out the hook's hour";
  const auto result = app.result();
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(has_failure(result, "deaf", failure_kind::abandoned)) << result.summary();
  EXPECT_THAT(result.summary(), HasSubstr("stopping hook still running at the shutdown deadline"));
  bool found = false;
  for (const auto& f : rt.findings())
    found |= f.kind == clockwork::finding_kind::cancellation_ignored && f.source == "deaf";
  EXPECT_TRUE(found);
}

// ---- children of a failed start ----------------------------------------------------------------

class waits_for_a_gate : public background_service {
 public:
  explicit waits_for_a_gate(clockwork::async_event& gate) : gate_(&gate) {}
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }
  task<> starting(std::stop_token) override {
    co_await gate_->wait();  // nothing in the simulation sets it: block_on(start()) deadlocks
  }

 private:
  clockwork::async_event* gate_;
};

TEST(HostLifecycle, ConcurrentStartingHooksOutliveTheStartFrameSafely) {
  virtual_runtime rt;
  clockwork::async_event gate{rt, "gate"};
  host_builder b{rt};
  b.options().start_concurrently = true;
  add<waits_for_a_gate>(b, "a", gate);
  add<waits_for_a_gate>(b, "b", gate);
  auto app = b.build();
  EXPECT_THROW(rt.block_on(app.start()), clockwork::deadlock_error);
  // The start coroutine is gone; its hooks are still suspended. Finishing them now must write
  // only into state they share ownership of (the asan preset checks it).
  gate.set();
  rt.run_until_idle();
  EXPECT_EQ(rt.live_tasks(), 0u);
}

// ---- disposal ----------------------------------------------------------------------------------

class flushing_singleton {
 public:
  explicit flushing_singleton(journal& j) : journal_(&j) {}
  void dispose() {
    journal_->lines.push_back("singleton disposed");
    throw std::runtime_error("could not flush 3 records");
  }

 private:
  journal* journal_;
};

class disposable_service : public background_service {
 public:
  explicit disposable_service(journal& j) : journal_(&j) {}
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }
  void dispose() override {
    ++disposals;
    journal_->lines.push_back(name() + " disposed");
  }
  int disposals = 0;

 private:
  journal* journal_;
};

TEST(HostLifecycle, ASingletonWhoseDisposeThrowsFailsTheResultAndIsLogged) {
  virtual_runtime rt;
  journal j;
  auto logs = std::make_shared<clockwork::testing::log_capture>();
  host_builder b{rt};
  b.add_log_sink(logs);
  b.services().add_singleton<flushing_singleton>(
      [&j](clockwork::service_provider&) { return std::make_shared<flushing_singleton>(j); }, "flushing_singleton");
  b.add_hosted_service<disposable_service>("svc", [&j](clockwork::service_provider& sp) {
    (void)sp.get<flushing_singleton>();
    return std::make_shared<disposable_service>(j);
  });
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(1min);
  rt.block_on(app.stop());
  EXPECT_THAT(j.lines, ElementsAre("svc disposed", "singleton disposed"));  // services first, then the container
  const auto result = app.result();
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(has_failure(result, "flushing_singleton", failure_kind::dispose_failed)) << result.summary();
  EXPECT_TRUE(logs->contains("could not flush 3 records"));
}

TEST(HostLifecycle, HostedServicesAreDisposedOnceAfterTheyStoppedInReverseRegistrationOrder) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  auto first = add<disposable_service>(b, "first", j);
  auto second = add<disposable_service>(b, "second", j);
  {
    auto app = b.build();
    rt.block_on(app.start());
    rt.run_for(1h);
    EXPECT_TRUE(j.lines.empty());
    rt.block_on(app.stop());
    EXPECT_THAT(j.lines, ElementsAre("second disposed", "first disposed"));
    rt.block_on(app.stop());  // a second stop disposes nothing again
  }
  EXPECT_EQ(first->disposals, 1);
  EXPECT_EQ(second->disposals, 1);
}

class deaf_disposable : public disposable_service {
 public:
  using disposable_service::disposable_service;
  task<> execute(std::stop_token) override { co_await rt().delay(1h); }  // ignores stop
};

TEST(HostLifecycle, AnAbandonedServiceIsDisposedWhenItsCoroutineFinallyEnds) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  b.options().shutdown_timeout = 5s;
  auto deaf = add<deaf_disposable>(b, "deaf", j);
  {
    auto app = b.build();
    rt.block_on(app.start());
    rt.block_on(app.stop());
    EXPECT_TRUE(j.lines.empty()) << "still running: not disposed under its feet";
  }
  rt.run_for(2h);  // its hour ends; the host is gone by then
  EXPECT_THAT(j.lines, ElementsAre("deaf disposed"));
  EXPECT_EQ(deaf->disposals, 1);
}

// ---- .NET's orders -----------------------------------------------------------------------------

class failing_starting_hook : public background_service {
 public:
  explicit failing_starting_hook(journal& j) : journal_(&j) {}
  task<> starting(std::stop_token) override {
    journal_->add(rt(), name() + ":starting");
    if (name() == "second") throw std::runtime_error("no configuration");
    co_return;
  }
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }

 private:
  journal* journal_;
};

TEST(HostLifecycle, StartingOneByOneStopsAtTheFirstFailure) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  add<failing_starting_hook>(b, "first", j);
  add<failing_starting_hook>(b, "second", j);
  add<failing_starting_hook>(b, "third", j);
  auto app = b.build();
  EXPECT_THROW(rt.block_on(app.start()), std::runtime_error);
  EXPECT_THAT(j.lines, ElementsAre("first:starting@+00:00:00.000", "second:starting@+00:00:00.000"));
  rt.block_on(app.stop());
  EXPECT_TRUE(has_failure(app.result(), "second", failure_kind::start_failed));
}

TEST(HostLifecycle, StartingConcurrentlyRunsEveryHookAndRethrowsTheFirstError) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  b.options().start_concurrently = true;
  add<failing_starting_hook>(b, "first", j);
  add<failing_starting_hook>(b, "second", j);
  add<failing_starting_hook>(b, "third", j);
  auto app = b.build();
  EXPECT_THROW(rt.block_on(app.start()), std::runtime_error);
  EXPECT_EQ(j.lines.size(), 3u);
  rt.block_on(app.stop());
}

TEST(HostLifecycle, StopApplicationDuringAStartCancelsTheStart) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  auto svc = add<slow_starting_hook>(b, "svc", j, true);
  auto app = b.build();
  rt.spawn(start_and_note(app, rt, j), "starter");
  rt.run_for(10min);
  app.lifetime().stop_application();
  rt.run_until_idle();
  EXPECT_THAT(j.lines, ElementsAre("svc:starting@+00:00:00.000", "start cancelled@+00:10:00.000"));
  EXPECT_EQ(svc->executions, 0);
  rt.block_on(app.stop());
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
}

// .NET's HostTests.HostStopsApplicationWithOneBackgroundServiceErrorAndOthersWithoutError, ported:
// a service faults while the host is still starting (here: while a started hook is running);
// the start finishes — the other service runs, its started hook completes, the application is
// notified as started — and then the host stops.
class throws_when_released : public background_service {
 public:
  explicit throws_when_released(clockwork::async_event& release) : release_(&release) {}
  task<> execute(std::stop_token) override {
    auto released = release_->wait();
    co_await released;
    throw std::runtime_error("lost its connection");
  }

 private:
  clockwork::async_event* release_;
};

class releases_the_other : public background_service {
 public:
  releases_the_other(journal& j, clockwork::async_event& release) : journal_(&j), release_(&release) {}
  task<> execute(std::stop_token stopping) override {
    journal_->add(rt(), name() + ":execute");
    release_->set();
    co_await rt().delay(clockwork::infinite, stopping);
  }
  task<> started(std::stop_token token) override {
    co_await rt().delay(1s, token);  // the host is still starting when the other service faults
    journal_->add(rt(), name() + ":started");
  }

 private:
  journal* journal_;
  clockwork::async_event* release_;
};

TEST(HostLifecycle, AServiceFaultingDuringStartLetsTheStartFinishThenStopsTheHost) {
  virtual_runtime rt;
  journal j;
  clockwork::async_event release{rt, "release"};
  host_builder b{rt};  // on_service_exception = stop_host
  add<throws_when_released>(b, "throwing", release);
  add<releases_the_other>(b, "other", j, release);
  auto app = b.build();
  std::stop_callback on_started{app.lifetime().started(), [&] { j.add(rt, "application started"); }};
  std::stop_callback on_stopping{app.lifetime().stopping(), [&] { j.add(rt, "application stopping"); }};
  const auto result = rt.block_on(app.run());
  EXPECT_THAT(j.lines, ElementsAre("other:execute@+00:00:00.000", "other:started@+00:00:01.000",
                                   "application started@+00:00:01.000", "application stopping@+00:00:01.000"));
  EXPECT_TRUE(has_failure(result, "throwing", failure_kind::faulted)) << result.summary();
  EXPECT_EQ(result.failures.size(), 1u) << result.summary();
  EXPECT_EQ(app.state_of("other"), clockwork::service_state::stopped);
  EXPECT_TRUE(app.lifetime().stopped().stop_requested());
  EXPECT_EQ(rt.live_tasks(), 0u);
}

class notes_stopping : public background_service {
 public:
  explicit notes_stopping(journal& j) : journal_(&j) {}
  task<> execute(std::stop_token stopping) override { co_await rt().delay(clockwork::infinite, stopping); }
  task<> stopping(std::stop_token) override {
    journal_->add(rt(), std::string("stopping hook, application stopping=") +
                            (lifetime_->stopping().stop_requested() ? "yes" : "no"));
    co_return;
  }
  task<> stopped(std::stop_token) override {
    journal_->add(rt(), std::string("stopped hook, application stopped=") +
                            (lifetime_->stopped().stop_requested() ? "yes" : "no"));
    co_return;
  }
  clockwork::application_lifetime* lifetime_ = nullptr;

 private:
  journal* journal_;
};

TEST(HostLifecycle, StoppingHooksRunBeforeApplicationStoppingAndStoppedHooksBeforeApplicationStopped) {
  for (const bool through_run : {false, true}) {
    virtual_runtime rt;
    journal j;
    host_builder b{rt};
    auto svc = add<notes_stopping>(b, "svc", j);
    auto app = b.build();
    svc->lifetime_ = &app.lifetime();
    std::stop_callback on_stopping{app.lifetime().stopping(), [&] { j.add(rt, "application stopping"); }};
    std::stop_callback on_stopped{app.lifetime().stopped(), [&] { j.add(rt, "application stopped"); }};
    if (through_run) {
      std::stop_source quit;
      rt.spawn(
          [](clockwork::runtime& r, std::stop_source q) -> task<> {
            co_await r.delay(1min);
            q.request_stop();
          }(rt, quit),
          "quitter");
      (void)rt.block_on(app.run(quit.get_token()));
    } else {
      rt.block_on(app.start());
      rt.run_for(1min);
      rt.block_on(app.stop());
    }
    EXPECT_THAT(
        j.lines,
        ElementsAre("stopping hook, application stopping=no@+00:01:00.000", "application stopping@+00:01:00.000",
                    "stopped hook, application stopped=no@+00:01:00.000", "application stopped@+00:01:00.000"))
        << "through run(): " << through_run;
  }
}

class throws_before_first_await : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    throw std::runtime_error("bad configuration");
    co_await rt().delay(1h, stopping);
  }
};

TEST(HostLifecycle, WithInlineStartAnExecuteThatThrowsBeforeItsFirstSuspensionFailsStart) {
  virtual_runtime rt;
  host_builder b{rt};
  b.options().inline_start = true;
  add<throws_before_first_await>(b, "eager");
  auto app = b.build();
  try {
    rt.block_on(app.start());
    FAIL() << "start succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "bad configuration");
  }
  rt.block_on(app.stop());
  EXPECT_TRUE(has_failure(app.result(), "eager", failure_kind::faulted));
}

// ---- zero and infinite timeouts ----------------------------------------------------------------

TEST(HostLifecycle, AZeroShutdownTimeoutAbandonsAtOnceAndAZeroStartupTimeoutFailsAtOnce) {
  {
    virtual_runtime rt;
    host_builder b{rt};
    b.options().shutdown_timeout = 0s;
    journal unused;
    add<deaf_disposable>(b, "deaf", unused);
    auto app = b.build();
    rt.block_on(app.start());
    rt.block_on(app.stop());
    EXPECT_EQ(rt.now(), t0);
    EXPECT_TRUE(has_failure(app.result(), "deaf", failure_kind::abandoned));
    rt.shutdown();
  }
  {
    virtual_runtime rt;
    journal j;
    host_builder b{rt};
    b.options().startup_timeout = 0s;
    add<disposable_service>(b, "svc", j);
    auto app = b.build();
    EXPECT_THROW(rt.block_on(app.start()), clockwork::timeout_error);
    rt.block_on(app.stop());
    EXPECT_TRUE(has_failure(app.result(), "host", failure_kind::startup_timeout));
  }
}

TEST(HostLifecycle, AnInfiniteShutdownTimeoutWaitsAsLongAsItTakesWithoutOverflow) {
  virtual_runtime rt;
  journal j;
  host_builder b{rt};
  b.options().shutdown_timeout = clockwork::infinite;
  b.options().startup_timeout = clockwork::infinite;
  add<deaf_disposable>(b, "slow", j);
  auto app = b.build();
  rt.block_on(app.start());
  rt.run_for(10min);
  rt.block_on(app.stop());
  EXPECT_EQ(rt.now(), t0 + 1h) << "waited for the service's own hour";
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
}

TEST(HostLifecycle, NegativeTimeoutsAreRefused) {
  clockwork::host_options options;
  options.shutdown_timeout = -1ns;
  EXPECT_THROW(options.validate(), std::invalid_argument);
  options = {};
  options.startup_timeout = -1s;
  EXPECT_THROW(options.validate(), std::invalid_argument);
}

// ---- build -------------------------------------------------------------------------------------

struct config_missing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(HostLifecycle, AFactoryErrorKeepsItsTypeAndTheBuildCanBeRetried) {
  virtual_runtime rt;
  host_builder b{rt};
  bool fail = true;
  b.add_hosted_service<disposable_service>(
      "svc", [&fail](clockwork::service_provider&) -> std::shared_ptr<disposable_service> {
        if (fail) throw config_missing("no connection string");
        static journal j;
        return std::make_shared<disposable_service>(j);
      });
  EXPECT_THROW((void)b.build(), config_missing);
  fail = false;
  auto app = b.build();
  EXPECT_EQ(app.service_names(), std::vector<std::string>{"svc"});
}

TEST(HostLifecycle, TheLifetimeHandedToServicesMayOutliveTheHost) {
  virtual_runtime rt;
  std::shared_ptr<clockwork::application_lifetime> kept;
  {
    host_builder b{rt};
    auto app = b.build();
    kept = app.services().get<clockwork::application_lifetime>();
    rt.block_on(app.stop());
  }
  EXPECT_TRUE(kept->stopped().stop_requested());  // alive, and says what happened
}

}  // namespace
