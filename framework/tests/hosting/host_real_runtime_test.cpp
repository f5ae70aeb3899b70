// The key host semantics again, on the real runtime: order and counts, never exact times, no
// sleeps to wait for something.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/runtime/real_runtime.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::background_service;
using clockwork::host_builder;
using clockwork::real_runtime;
using clockwork::task;
using ::testing::ElementsAre;

class recording_service : public background_service {
 public:
  explicit recording_service(std::vector<std::string>& journal) : journal_(&journal) {}
  task<> execute(std::stop_token stopping) override {
    journal_->push_back(name() + ":execute");
    try {
      for (;;) co_await rt().delay(1h, stopping);
    } catch (const clockwork::operation_canceled&) {
      journal_->push_back(name() + ":canceled");
      throw;
    }
  }
  task<> starting(std::stop_token) override {
    journal_->push_back(name() + ":starting");
    co_return;
  }
  task<> stopped(std::stop_token) override {
    journal_->push_back(name() + ":stopped");
    co_return;
  }

 private:
  std::vector<std::string>* journal_;
};

class fails_soon : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(5ms, stopping);
    throw std::runtime_error("lost connection");
  }
};

class ignores_its_token : public background_service {
 public:
  task<> execute(std::stop_token) override { co_await rt().delay(1h); }
};

template <class T, class... Args>
void add(host_builder& b, const std::string& name, Args&... args) {
  b.add_hosted_service<T>(name, [&args...](clockwork::service_provider&) { return std::make_shared<T>(args...); });
}

TEST(HostOnRealRuntime, StartsInOrderStopsInReverseAndEndsOk) {
  real_runtime rt;
  std::vector<std::string> journal;
  host_builder b{rt};
  add<recording_service>(b, "a", journal);
  add<recording_service>(b, "b", journal);
  auto app = b.build();
  std::stop_source stop;
  clockwork::cancel_after stop_soon{rt, stop, 20ms};
  const auto result = rt.block_on(app.run(stop.get_token()));
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_THAT(journal, ElementsAre("a:starting", "b:starting", "a:execute", "b:execute", "b:canceled", "a:canceled",
                                   "b:stopped", "a:stopped"));
}

class notes_the_lifetime : public background_service {
 public:
  notes_the_lifetime(std::vector<std::string>& journal, clockwork::application_lifetime*& lifetime)
      : journal_(&journal), lifetime_(&lifetime) {}
  task<> execute(std::stop_token stopping) override {
    try {
      for (;;) co_await rt().delay(1h, stopping);
    } catch (const clockwork::operation_canceled&) {
      journal_->push_back("execute canceled");
      throw;
    }
  }
  task<> stopping(std::stop_token) override {
    journal_->push_back(std::string("stopping hook (application stopping: ") +
                        ((*lifetime_)->stopping().stop_requested() ? "yes)" : "no)"));
    co_return;
  }
  task<> stopped(std::stop_token) override {
    journal_->push_back(std::string("stopped hook (application stopped: ") +
                        ((*lifetime_)->stopped().stop_requested() ? "yes)" : "no)"));
    co_return;
  }

 private:
  std::vector<std::string>* journal_;
  clockwork::application_lifetime** lifetime_;
};

TEST(HostOnRealRuntime, StopRunsInDotNetOrderHooksBeforeTheLifetimeNotifications) {
  real_runtime rt;
  std::vector<std::string> journal;
  clockwork::application_lifetime* lifetime = nullptr;
  host_builder b{rt};
  add<notes_the_lifetime>(b, "svc", journal, lifetime);
  auto app = b.build();
  lifetime = &app.lifetime();
  std::stop_callback on_stopping{app.lifetime().stopping(), [&] { journal.push_back("application stopping"); }};
  std::stop_callback on_stopped{app.lifetime().stopped(), [&] { journal.push_back("application stopped"); }};
  std::stop_source stop;
  clockwork::cancel_after stop_soon{rt, stop, 10ms};
  const auto result = rt.block_on(app.run(stop.get_token()));
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_THAT(journal, ElementsAre("stopping hook (application stopping: no)", "application stopping",
                                   "execute canceled", "stopped hook (application stopped: no)",
                                   "application stopped"));
}

class slow_to_start : public background_service {
 public:
  explicit slow_to_start(std::vector<std::string>& journal) : journal_(&journal) {}
  task<> starting(std::stop_token token) override {
    journal_->push_back("starting");
    try {
      co_await rt().delay(1h, token);
    } catch (const clockwork::operation_canceled&) {
      journal_->push_back("starting canceled");
      throw;
    }
  }
  task<> execute(std::stop_token stopping) override {
    journal_->push_back("execute");  // must never happen: the start was cancelled
    co_await rt().delay(1h, stopping);
  }

 private:
  std::vector<std::string>* journal_;
};

task<> start_then_note(clockwork::host& app, std::vector<std::string>& journal) {
  try {
    co_await app.start();
    journal.push_back("start returned");
  } catch (const clockwork::operation_canceled&) {
    journal.push_back("start cancelled");
  }
}

task<> stop_soon_then_note(clockwork::host& app, clockwork::runtime& rt, std::vector<std::string>& journal) {
  co_await rt.delay(10ms);
  co_await app.stop();
  journal.push_back("stop returned");
}

TEST(HostOnRealRuntime, StopDuringStartCancelsTheStartAndLaunchesNothing) {
  real_runtime rt;
  std::vector<std::string> journal;
  host_builder b{rt};
  add<slow_to_start>(b, "slow", journal);
  auto app = b.build();
  rt.spawn(start_then_note(app, journal), "starter");
  rt.block_on(stop_soon_then_note(app, rt, journal));
  EXPECT_THAT(journal, ElementsAre("starting", "starting canceled", "start cancelled", "stop returned"));
  EXPECT_TRUE(app.result().ok()) << app.result().summary();
  EXPECT_TRUE(app.lifetime().stopped().stop_requested());
}

TEST(HostOnRealRuntime, AFaultedServiceStopsTheHostWithANonZeroExitCode) {
  real_runtime rt;
  std::vector<std::string> journal;
  host_builder b{rt};
  add<recording_service>(b, "steady", journal);
  b.add_hosted_service<fails_soon>("flaky");
  auto app = b.build();
  const auto result = rt.block_on(app.run());  // ends by itself: the fault stops the host
  EXPECT_EQ(result.exit_code, 1);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].service, "flaky");
  EXPECT_EQ(app.state_of("steady"), clockwork::service_state::stopped);
}

TEST(HostOnRealRuntime, TheShutdownTimeoutAbandonsAServiceThatIgnoresItsToken) {
  real_runtime rt;
  host_builder b{rt};
  b.options().shutdown_timeout = 50ms;
  b.add_hosted_service<ignores_its_token>("deaf");
  auto app = b.build();
  rt.block_on(app.start());
  rt.block_on(app.stop());  // returns after the timeout, not after the hour
  const auto result = app.result();
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].kind, clockwork::failure_kind::abandoned);
  EXPECT_EQ(app.state_of("deaf"), clockwork::service_state::abandoned);
}

TEST(HostOnRealRuntime, StopApplicationFromAnotherThreadStopsRun) {
  real_runtime rt;
  std::vector<std::string> journal;
  host_builder b{rt};
  add<recording_service>(b, "svc", journal);
  auto app = b.build();
  std::thread stopper;
  rt.post([&] {
    // Started from the loop once the host runs; stop_application is thread-safe.
    stopper = std::thread([&app] { app.lifetime().stop_application(); });
  });
  const auto result = rt.block_on(app.run());
  stopper.join();
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_THAT(journal, ElementsAre("svc:starting", "svc:execute", "svc:canceled", "svc:stopped"));
}

TEST(HostOnRealRuntime, SigtermStopsTheHostGracefully) {
  std::vector<std::string> journal;
  {
    real_runtime rt;
    host_builder b{rt};
    add<recording_service>(b, "svc", journal);
    auto app = b.build();
    rt.stop_on_signals(app.lifetime().stop_source());  // blocks SIGINT/SIGTERM on this thread
    std::thread sender;
    rt.post([&sender] {
      // Created on the loop thread, so it inherits the blocked mask: the signal can only be
      // taken by the runtime's signalfd, never by a default handler.
      sender = std::thread([] { ::kill(::getpid(), SIGTERM); });
    });
    const auto result = rt.block_on(app.run());
    sender.join();
    EXPECT_TRUE(result.ok()) << result.summary();
  }
  EXPECT_THAT(journal, ElementsAre("svc:starting", "svc:execute", "svc:canceled", "svc:stopped"));
}

}  // namespace
