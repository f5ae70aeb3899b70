// host_status: the view of a host its services can resolve — states, restarts, last failures and
// the host's phase, in virtual time; and what it says once the host is gone.
#include "clockwork/hosting/host_status.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class crashes_every_minute final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);
    throw std::runtime_error("lost the connection");
  }
};

class waits final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) co_await rt().try_delay(1h, stopping);
  }
};

TEST(HostStatus, SaysEachServicesStateRestartsAndLastFailure) {
  virtual_runtime rt;
  host_builder builder{rt};
  builder.options().on_service_exception = service_exception_behavior::restart;
  builder.options().restart.initial_delay = 10s;
  builder.options().restart.multiplier = 1.0;
  builder.add_hosted_service<waits>("steady");
  builder.add_hosted_service<crashes_every_minute>("flaky");
  std::optional<host> app = builder.build();
  const auto status = app->services().get<host_status>();
  EXPECT_EQ(status->phase(), "created");
  ASSERT_EQ(status->services().size(), 2u);
  EXPECT_EQ(status->services()[0].state, service_state::created);

  rt.block_on(app->start());
  rt.advance_by(1min + 10s + 1min + 5s);  // two crashes, one restart done, the second pending
  const auto now = status->services();
  EXPECT_EQ(status->phase(), "running");
  EXPECT_EQ(now[0].name, "steady");
  EXPECT_EQ(now[0].state, service_state::running);
  EXPECT_TRUE(now[0].last_failure.empty());
  EXPECT_EQ(now[1].name, "flaky");
  EXPECT_EQ(now[1].restarts, app->restarts_of("flaky"));
  EXPECT_EQ(now[1].restarts, 1u);
  EXPECT_THAT(now[1].last_failure, HasSubstr("lost the connection"));
  EXPECT_THAT(now[1].last_failure, ::testing::StartsWith("faulted: "));
  EXPECT_EQ(now[1].last_failure_at, rt.now() - 5s);

  rt.block_on(app->stop());
  EXPECT_EQ(status->phase(), "stopped");
  EXPECT_EQ(status->services()[0].state, service_state::stopped);
  app.reset();
  EXPECT_EQ(status->phase(), "gone");
  EXPECT_TRUE(status->services().empty());
}

}  // namespace
}  // namespace clockwork
