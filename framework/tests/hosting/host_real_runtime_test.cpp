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
