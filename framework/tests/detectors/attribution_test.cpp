// The findings the runtime, the host and the container raise name the service responsible —
// not the container, not an anonymous task: each fires on the wrong variant and stays silent on
// the right one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "clockwork/di/service_scope.hpp"
#include "clockwork/testing/simulation.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::finding_kind;
using clockwork::task;
using clockwork::testing::simulation;
using ::testing::HasSubstr;

struct scoped_repository {};

// ---- fire and forget (Mistake 3) --------------------------------------------------------------

task<> fails_later(clockwork::runtime& rt) {
  co_await rt.delay(1s);
  throw std::runtime_error("mail server down");
}

task<> fails_later_logged(clockwork::runtime& rt, std::shared_ptr<spdlog::logger> log) {
  try {
    co_await rt.delay(1s);
    throw std::runtime_error("mail server down");
  } catch (const std::exception& e) {
    log->error("Fire-and-forget task failed: {}", e.what());
  }
}

class forgets : public clockwork::background_service {
 public:
  explicit forgets(bool logs) : logs_(logs) {}
  task<> execute(std::stop_token stopping) override {
    if (logs_) {
      rt().spawn(fails_later_logged(rt(), log()), "send mail");
    } else {
      rt().spawn(fails_later(rt()), "send mail");
    }
    co_await rt().delay(clockwork::infinite, stopping);
  }

 private:
  bool logs_;
};

TEST(Attribution, AnUnobservedExceptionNamesTheServiceThatSpawnedTheWork) {
  simulation sim;
  sim.builder().add_hosted_service<forgets>(
      "mailer", [](clockwork::service_provider&) { return std::make_shared<forgets>(false); });
  sim.start();
  sim.run_for(1min);
  const auto found = sim.findings(finding_kind::unobserved_exception);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "mailer");
  EXPECT_THAT(found[0].message, HasSubstr("'send mail' (spawned by 'mailer')"));
  sim.stop();
}

TEST(Attribution, FireAndForgetThatLogsItsErrorIsNotAFinding) {
  simulation sim;
  sim.builder().add_hosted_service<forgets>(
      "mailer", [](clockwork::service_provider&) { return std::make_shared<forgets>(true); });
  sim.start();
  sim.run_for(1min);
  EXPECT_TRUE(sim.findings().empty()) << sim.report();
  EXPECT_TRUE(sim.logs().contains(spdlog::level::err, "Fire-and-forget task failed: mail server down"));
  sim.stop();
}

// ---- scopes at run time (Pattern 1) -----------------------------------------------------------

class resolves_from_root : public clockwork::background_service {
 public:
  explicit resolves_from_root(clockwork::service_provider& sp) : sp_(&sp) {}
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);
    try {
      (void)sp_->get<scoped_repository>();  // scoped, from the root: a violation at run time
    } catch (const std::logic_error&) {
    }
    co_await rt().delay(clockwork::infinite, stopping);
  }

 private:
  clockwork::service_provider* sp_;
};

TEST(Attribution, AScopedServiceResolvedFromTheRootAtRunTimeNamesTheHostedService) {
  simulation sim;
  sim.services().add_scoped<scoped_repository>(
      [](clockwork::service_provider&) { return std::make_shared<scoped_repository>(); });
  sim.builder().add_hosted_service<resolves_from_root>("reporter");
  sim.start();
  sim.run_for(2min);
  const auto found = sim.findings(finding_kind::scope_violation);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "reporter");
  sim.stop();
}

class leaks_a_scope : public clockwork::background_service {
 public:
  explicit leaks_a_scope(clockwork::service_provider& sp, bool leak)
      : factory_(sp.get<clockwork::scope_factory>()), leak_(leak) {}
  task<> execute(std::stop_token stopping) override {
    auto scope = factory_->create_scope();
    (void)scope.provider().get<scoped_repository>();
    if (leak_) kept_.emplace(std::move(scope));  // never disposed: the patterns document's Pattern 1 mistake
    co_await rt().delay(clockwork::infinite, stopping);
  }

 private:
  std::shared_ptr<clockwork::scope_factory> factory_;
  bool leak_;
  std::optional<clockwork::service_scope> kept_;
};

std::vector<clockwork::finding> leak_findings(bool leak) {
  simulation sim;
  sim.services().add_scoped<scoped_repository>(
      [](clockwork::service_provider&) { return std::make_shared<scoped_repository>(); });
  sim.builder().add_hosted_service<leaks_a_scope>(
      "worker", [leak](clockwork::service_provider& sp) { return std::make_shared<leaks_a_scope>(sp, leak); });
  sim.start();
  sim.run_for(1min);
  sim.stop();  // the container is disposed at the end of stop
  return sim.findings(finding_kind::scope_violation);
}

TEST(Attribution, AScopeNeverDisposedNamesTheServiceThatOpenedIt) {
  const auto found = leak_findings(true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, "worker");
  EXPECT_THAT(found[0].message, HasSubstr("leaked scope), opened by 'worker'"));
  EXPECT_TRUE(leak_findings(false).empty());
}

}  // namespace
