#include "clockwork/di/service_provider.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "clockwork/di/service_collection.hpp"
#include "clockwork/di/service_scope.hpp"

// The services of the patterns document's DailyLog example, and a few probes. In a named namespace so that
// messages read "app::daily_log_repository".
namespace app {

using journal = std::vector<std::string>;

class unit_of_work {
 public:
  virtual ~unit_of_work() = default;
  virtual void commit() = 0;
};

// dispose() is on the implementation only: the container finds it through the factory's
// return type although the service is registered as unit_of_work.
class journaled_unit_of_work final : public unit_of_work {
 public:
  explicit journaled_unit_of_work(journal& log) : log_(log) {}
  ~journaled_unit_of_work() override { log_.push_back("~unit_of_work"); }
  void commit() override {}
  void dispose() { log_.push_back("dispose unit_of_work"); }

 private:
  journal& log_;
};

struct daily_log_repository {
  std::shared_ptr<unit_of_work> work;
};

struct report_builder {
  std::shared_ptr<daily_log_repository> logs;
};

struct daily_log_service {
  std::shared_ptr<daily_log_repository> logs;
};

struct clock_source {};

// A service that records its dispose() and destruction under a name.
template <class Tag>
class traced {
 public:
  traced(journal& log, std::string name) : log_(log), name_(std::move(name)) {}
  traced(const traced&) = delete;
  traced& operator=(const traced&) = delete;
  ~traced() { log_.push_back("~" + name_); }
  void dispose() { log_.push_back("dispose " + name_); }
  const std::string& name() const { return name_; }

 private:
  journal& log_;
  std::string name_;
};

struct first_tag;
struct second_tag;
struct third_tag;
using first = traced<first_tag>;
using second = traced<second_tag>;
using third = traced<third_tag>;

struct cycle_a {};
struct cycle_b {};

}  // namespace app

namespace {

using clockwork::scope_factory;
using clockwork::service_collection;
using clockwork::service_provider;
using clockwork::service_provider_options;
using clockwork::service_scope;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::ThrowsMessage;

// The DailyLog registrations: a singleton service, scoped repository and unit of work.
void add_daily_log_repositories(service_collection& services, app::journal& log) {
  services.add_scoped<app::unit_of_work>([&log] { return std::make_shared<app::journaled_unit_of_work>(log); });
  services.add_scoped<app::daily_log_repository>([](service_provider& sp) {
    return std::make_shared<app::daily_log_repository>(app::daily_log_repository{sp.get<app::unit_of_work>()});
  });
}

// --- lifetimes ------------------------------------------------------------------------------

TEST(ServiceProvider, SingletonIsOneInstancePerRoot) {
  service_collection services;
  int made = 0;
  services.add_singleton<app::clock_source>([&made] {
    ++made;
    return std::make_shared<app::clock_source>();
  });
  auto provider = services.build();
  EXPECT_EQ(made, 0) << "singletons are created on first resolution";

  const auto from_root = provider.get<app::clock_source>();
  auto scope_a = provider.create_scope();
  auto scope_b = provider.create_scope();
  EXPECT_EQ(provider.get<app::clock_source>(), from_root);
  EXPECT_EQ(scope_a.provider().get<app::clock_source>(), from_root);
  EXPECT_EQ(scope_b.provider().get<app::clock_source>(), from_root);
  EXPECT_EQ(made, 1);

  auto other_root = services.build();
  EXPECT_NE(other_root.get<app::clock_source>(), from_root) << "one per root, not one per process";
}

TEST(ServiceProvider, ScopedIsOneInstancePerScope) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  auto provider = services.build();

  auto scope_a = provider.create_scope();
  auto scope_b = provider.create_scope();
  const auto in_a = scope_a.provider().get<app::daily_log_repository>();
  EXPECT_EQ(scope_a.provider().get<app::daily_log_repository>(), in_a);
  EXPECT_NE(scope_b.provider().get<app::daily_log_repository>(), in_a);
}

TEST(ServiceProvider, ScopedDependenciesComeFromTheSameScope) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  auto provider = services.build();

  auto scope_a = provider.create_scope();
  auto scope_b = provider.create_scope();
  const auto logs = scope_a.provider().get<app::daily_log_repository>();
  EXPECT_EQ(logs->work, scope_a.provider().get<app::unit_of_work>());
  EXPECT_NE(logs->work, scope_b.provider().get<app::unit_of_work>());
}

TEST(ServiceProvider, TransientIsNewOnEveryResolution) {
  service_collection services;
  services.add_transient<app::clock_source>([] { return std::make_shared<app::clock_source>(); });
  auto provider = services.build();
  auto scope = provider.create_scope();

  const auto a = provider.get<app::clock_source>();
  const auto b = provider.get<app::clock_source>();
  const auto c = scope.provider().get<app::clock_source>();
  const auto d = scope.provider().get<app::clock_source>();
  EXPECT_NE(a, b);
  EXPECT_NE(c, d);
  EXPECT_NE(a, c);
}

TEST(ServiceProvider, FactoriesMayReturnSharedUniqueOrValueOfADerivedType) {
  app::journal log;
  service_collection services;
  services.add_scoped<app::unit_of_work>(
      [&log](service_provider&) { return std::make_unique<app::journaled_unit_of_work>(log); });
  // A move-only factory is accepted too.
  services.add_transient<app::clock_source>([token = std::make_unique<int>(7)]() { return app::clock_source{}; });
  services.add_singleton<app::daily_log_service>(
      [](service_provider&) { return std::make_shared<app::daily_log_service>(); });
  // A generic lambda is handed the provider as well.
  services.add_scoped<app::daily_log_repository>(
      [](auto& sp) { return app::daily_log_repository{sp.template get<app::unit_of_work>()}; });
  auto provider = services.build();
  auto scope = provider.create_scope();

  EXPECT_NE(dynamic_cast<app::journaled_unit_of_work*>(scope.provider().get<app::unit_of_work>().get()), nullptr);
  EXPECT_EQ(scope.provider().get<app::daily_log_repository>()->work, scope.provider().get<app::unit_of_work>());
  EXPECT_NE(provider.get<app::clock_source>(), nullptr);
  EXPECT_NE(provider.get<app::daily_log_service>(), nullptr);
}

TEST(ServiceProvider, ReadyMadeSingletonIsReturnedAndNeverDisposed) {
  app::journal log;
  auto instance = std::make_shared<app::first>(log, "ready");
  {
    service_collection services;
    services.add_singleton<app::first>(instance);
    auto provider = services.build();
    EXPECT_EQ(provider.get<app::first>(), instance);
  }
  EXPECT_THAT(log, testing::IsEmpty()) << "the container did not make it, so it does not dispose it";
}

TEST(ServiceProvider, ScopeFactoryIsProvidedAndIsASingleton) {
  service_collection services;
  auto provider = services.build();
  const auto scopes = provider.get<scope_factory>();
  ASSERT_NE(scopes, nullptr);
  auto scope = scopes->create_scope();
  EXPECT_EQ(scope.provider().get<scope_factory>(), scopes);
  EXPECT_FALSE(scope.provider().is_root());
  EXPECT_TRUE(provider.is_root());
}

TEST(ServiceProvider, RegisteringScopeFactoryThrows) {
  service_collection services;
  services.add_singleton<scope_factory>([] { return std::shared_ptr<scope_factory>(); });
  EXPECT_THAT([&] { (void)services.build(); }, ThrowsMessage<std::logic_error>(HasSubstr("scope_factory")));
}

// --- registration and lookup errors ---------------------------------------------------------

TEST(ServiceProvider, DuplicateRegistrationThrowsNamingTheType) {
  service_collection services;
  services.add_singleton<app::clock_source>([] { return app::clock_source{}; });
  EXPECT_THAT([&] { services.add_transient<app::clock_source>([] { return app::clock_source{}; }); },
              ThrowsMessage<std::logic_error>(HasSubstr("'app::clock_source' is already registered")));
  EXPECT_EQ(services.size(), 1u);
  EXPECT_TRUE(services.contains<app::clock_source>());
  EXPECT_FALSE(services.contains<app::daily_log_service>());
}

TEST(ServiceProvider, UnregisteredTypeThrowsNamingIt) {
  service_collection services;
  auto provider = services.build();
  EXPECT_THAT([&] { provider.get<app::daily_log_repository>(); },
              ThrowsMessage<std::logic_error>(HasSubstr("no service registered for type 'app::daily_log_repository'")));
}

TEST(ServiceProvider, TryGetReturnsNullOnlyForUnregisteredTypes) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_singleton<app::clock_source>([] { return app::clock_source{}; });
  auto provider = services.build();
  EXPECT_EQ(provider.try_get<app::daily_log_service>(), nullptr);
  EXPECT_NE(provider.try_get<app::clock_source>(), nullptr);
  EXPECT_THROW(provider.try_get<app::daily_log_repository>(), std::logic_error) << "a violation is not a miss";
}

TEST(ServiceProvider, FactoryReturningNullThrows) {
  service_collection services;
  services.add_singleton<app::clock_source>([] { return std::shared_ptr<app::clock_source>(); });
  auto provider = services.build();
  EXPECT_THAT([&] { provider.get<app::clock_source>(); },
              ThrowsMessage<std::logic_error>(HasSubstr("factory of 'app::clock_source' (singleton) returned null")));
}

TEST(ServiceProvider, FactoryExceptionPropagatesAndTheNextResolutionRetries) {
  service_collection services;
  int calls = 0;
  services.add_singleton<app::clock_source>([&calls] {
    if (++calls == 1) throw std::runtime_error("database unreachable");
    return std::make_shared<app::clock_source>();
  });
  auto provider = services.build();
  EXPECT_THAT([&] { provider.get<app::clock_source>(); },
              ThrowsMessage<std::runtime_error>(testing::StrEq("database unreachable")));
  EXPECT_NE(provider.get<app::clock_source>(), nullptr);
  EXPECT_EQ(calls, 2);
}

TEST(ServiceProvider, DisplayNameIsUsedInMessages) {
  service_collection services;
  services.add_scoped<app::daily_log_repository>([] { return app::daily_log_repository{}; }, "daily_log_repository");
  services.add_singleton<app::daily_log_service>(
      [](service_provider& sp) { return app::daily_log_service{sp.get<app::daily_log_repository>()}; },
      "daily_log_service");
  auto provider = services.build();
  EXPECT_THAT([&] { provider.get<app::daily_log_service>(); },
              ThrowsMessage<std::logic_error>(HasSubstr(
                  "cannot resolve scoped service 'daily_log_repository' from singleton 'daily_log_service': ")));
}

// --- scope validation -----------------------------------------------------------------------

TEST(ServiceProvider, ScopedFromRootThrowsNamingTheService) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  auto provider = services.build();
  EXPECT_THAT(
      [&] { provider.get<app::daily_log_repository>(); },
      ThrowsMessage<std::logic_error>(HasSubstr(
          "cannot resolve scoped service 'app::daily_log_repository' from the root provider: scoped services live "
          "in a scope; open one with scope_factory::create_scope()")));
}

TEST(ServiceProvider, ScopedInsideSingletonThrowsNamingBoth) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_singleton<app::daily_log_service>(
      [](service_provider& sp) { return app::daily_log_service{sp.get<app::daily_log_repository>()}; });
  auto provider = services.build();
  const auto captive = HasSubstr(
      "cannot resolve scoped service 'app::daily_log_repository' from singleton 'app::daily_log_service': a "
      "singleton lives as long as the root provider");
  EXPECT_THAT([&] { provider.get<app::daily_log_service>(); }, ThrowsMessage<std::logic_error>(captive));
  // The usual way it happens: the singleton is first asked for from inside a scope.
  auto scope = provider.create_scope();
  EXPECT_THAT([&] { scope.provider().get<app::daily_log_service>(); }, ThrowsMessage<std::logic_error>(captive));
}

TEST(ServiceProvider, ScopedInsideSingletonThroughATransientThrowsNamingThePath) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_transient<app::report_builder>(
      [](service_provider& sp) { return app::report_builder{sp.get<app::daily_log_repository>()}; });
  services.add_singleton<app::daily_log_service>([](service_provider& sp) {
    sp.get<app::report_builder>();
    return app::daily_log_service{};
  });
  auto provider = services.build();
  auto scope = provider.create_scope();
  EXPECT_NE(scope.provider().get<app::report_builder>(), nullptr) << "the transient alone is fine in a scope";
  EXPECT_THAT([&] { scope.provider().get<app::daily_log_service>(); },
              ThrowsMessage<std::logic_error>(HasSubstr(
                  "cannot resolve scoped service 'app::daily_log_repository' from singleton 'app::daily_log_service' "
                  "(through 'app::report_builder' (transient)): ")));
}

TEST(ServiceProvider, ScopedFromRootThroughATransientNamesTheRequester) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_transient<app::report_builder>(
      [](service_provider& sp) { return app::report_builder{sp.get<app::daily_log_repository>()}; });
  auto provider = services.build();
  EXPECT_THAT([&] { provider.get<app::report_builder>(); },
              ThrowsMessage<std::logic_error>(
                  HasSubstr("cannot resolve scoped service 'app::daily_log_repository' from the root provider "
                            "(requested by 'app::report_builder' (transient)): ")));
}

TEST(ServiceProvider, ValidationCanBeSwitchedOff) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_singleton<app::daily_log_service>(
      [](service_provider& sp) { return app::daily_log_service{sp.get<app::daily_log_repository>()}; });
  service_provider_options options;
  options.validate_scopes = false;
  auto provider = services.build(options);

  // The root acts as one long scope: the captive gets the root's instance.
  const auto from_root = provider.get<app::daily_log_repository>();
  EXPECT_EQ(provider.get<app::daily_log_repository>(), from_root);
  EXPECT_EQ(provider.get<app::daily_log_service>()->logs, from_root);
  auto scope = provider.create_scope();
  EXPECT_NE(scope.provider().get<app::daily_log_repository>(), from_root);
}

TEST(ServiceProvider, OnViolationSeesTheMessageBeforeTheThrow) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  std::vector<std::string> violations;
  service_provider_options options;
  options.on_violation = [&violations](std::string_view message, std::string_view) {
    violations.emplace_back(message);
  };
  auto provider = services.build(options);

  std::string thrown;
  try {
    provider.get<app::daily_log_repository>();
  } catch (const std::logic_error& error) {
    thrown = error.what();
  }
  ASSERT_THAT(violations, ElementsAre(thrown));
  EXPECT_THAT(thrown, HasSubstr("from the root provider"));

  // Not violations: an unregistered type is a configuration error of its own.
  EXPECT_THROW(provider.get<app::daily_log_service>(), std::logic_error);
  EXPECT_EQ(violations.size(), 1u);
}

TEST(ServiceProvider, CircularDependencyThrowsNamingTheCycle) {
  service_collection services;
  services.add_singleton<app::cycle_a>([](service_provider& sp) {
    sp.get<app::cycle_b>();
    return app::cycle_a{};
  });
  services.add_transient<app::cycle_b>([](service_provider& sp) {
    sp.get<app::cycle_a>();
    return app::cycle_b{};
  });
  auto provider = services.build();
  const auto cycle = HasSubstr(
      "circular dependency: 'app::cycle_a' (singleton) -> 'app::cycle_b' (transient) -> 'app::cycle_a' (singleton)");
  EXPECT_THAT([&] { provider.get<app::cycle_a>(); }, ThrowsMessage<std::logic_error>(cycle));
  // Nothing stays locked or half-made: asking again reports the same cycle.
  EXPECT_THAT([&] { provider.get<app::cycle_a>(); }, ThrowsMessage<std::logic_error>(cycle));
}

TEST(ServiceProvider, ScopedSelfDependencyIsACycle) {
  service_collection services;
  services.add_scoped<app::cycle_a>([](service_provider& sp) {
    sp.get<app::cycle_a>();
    return app::cycle_a{};
  });
  auto provider = services.build();
  auto scope = provider.create_scope();
  EXPECT_THAT([&] { scope.provider().get<app::cycle_a>(); },
              ThrowsMessage<std::logic_error>(
                  HasSubstr("circular dependency: 'app::cycle_a' (scoped) -> 'app::cycle_a' (scoped)")));
}

// --- disposal -------------------------------------------------------------------------------

TEST(ServiceProvider, ScopeDisposesInReverseOrderOfCreationTransientsIncluded) {
  app::journal log;
  int transients = 0;
  service_collection services;
  services.add_scoped<app::first>([&log] { return std::make_shared<app::first>(log, "first"); });
  services.add_transient<app::second>(
      [&] { return std::make_shared<app::second>(log, "second#" + std::to_string(++transients)); });
  services.add_scoped<app::third>([&log](service_provider& sp) {
    // Created after its dependencies, so disposed before them.
    sp.get<app::first>();
    sp.get<app::second>();
    return std::make_shared<app::third>(log, "third");
  });
  auto provider = services.build();
  {
    auto scope = provider.create_scope();
    scope.provider().get<app::third>();
    scope.provider().get<app::second>();
    EXPECT_THAT(log, testing::IsEmpty());
  }
  EXPECT_THAT(log, ElementsAre("dispose second#2", "~second#2", "dispose third", "~third", "dispose second#1",
                               "~second#1", "dispose first", "~first"));
  EXPECT_EQ(provider.live_scopes(), 0u);
}

TEST(ServiceProvider, DisposeIsFoundOnTheImplementationType) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  auto provider = services.build();
  {
    auto scope = provider.create_scope();
    scope.provider().get<app::daily_log_repository>()->work->commit();
  }
  EXPECT_THAT(log, ElementsAre("dispose unit_of_work", "~unit_of_work"));
}

TEST(ServiceProvider, RootDisposesSingletonsInReverseOrderOfCreation) {
  app::journal log;
  {
    service_collection services;
    services.add_singleton<app::first>([&log] { return std::make_shared<app::first>(log, "first"); });
    services.add_singleton<app::second>([&log](service_provider& sp) {
      sp.get<app::first>();
      return std::make_shared<app::second>(log, "second");
    });
    services.add_singleton<app::third>([&log] { return std::make_shared<app::third>(log, "third"); });
    auto provider = services.build();
    provider.get<app::third>();
    provider.get<app::second>();  // creates first, then second
    EXPECT_THAT(log, testing::IsEmpty());
  }
  EXPECT_THAT(log, ElementsAre("dispose second", "~second", "dispose first", "~first", "dispose third", "~third"));
}

TEST(ServiceProvider, RootKeepsOnlyTheTransientsItMustDispose) {
  app::journal log;
  std::weak_ptr<app::clock_source> plain;
  {
    service_collection services;
    services.add_transient<app::clock_source>([] { return app::clock_source{}; });
    services.add_transient<app::first>([&log] { return std::make_shared<app::first>(log, "first"); });
    auto provider = services.build();
    plain = provider.get<app::clock_source>();
    EXPECT_TRUE(plain.expired()) << "a transient without dispose() belongs to the caller alone";
    provider.get<app::first>();
    EXPECT_THAT(log, testing::IsEmpty()) << "one with dispose() waits for the root to end";
  }
  EXPECT_THAT(log, ElementsAre("dispose first", "~first"));
}

TEST(ServiceProvider, ResolvingFromADisposedScopeThrows) {
  app::journal log;
  service_collection services;
  add_daily_log_repositories(services, log);
  services.add_singleton<app::clock_source>([] { return app::clock_source{}; });
  std::vector<std::string> violations;
  service_provider_options options;
  options.on_violation = [&violations](std::string_view message, std::string_view) {
    violations.emplace_back(message);
  };
  auto provider = services.build(options);

  auto scope = provider.create_scope();
  auto& scoped = scope.provider();
  scoped.get<app::daily_log_repository>();
  scope.dispose();
  EXPECT_TRUE(scope.disposed());
  EXPECT_THAT(log, ElementsAre("dispose unit_of_work", "~unit_of_work"));
  const auto use_after_dispose = HasSubstr("its service scope was disposed (use after dispose)");
  EXPECT_THAT([&] { scoped.get<app::daily_log_repository>(); }, ThrowsMessage<std::logic_error>(use_after_dispose));
  EXPECT_THAT([&] { scoped.get<app::clock_source>(); }, ThrowsMessage<std::logic_error>(use_after_dispose));
  EXPECT_THAT([&] { scoped.try_get<app::daily_log_service>(); }, ThrowsMessage<std::logic_error>(use_after_dispose));
  EXPECT_EQ(violations.size(), 3u);
  scope.dispose();  // idempotent
  EXPECT_EQ(log.size(), 2u);
}

TEST(ServiceProvider, ScopeOutlivingItsRootIsReportedAndCannotResolve) {
  app::journal log;
  service_collection services;
  services.add_singleton<app::clock_source>([] { return app::clock_source{}; });
  add_daily_log_repositories(services, log);
  std::vector<std::string> violations;
  service_provider_options options;
  options.on_violation = [&violations](std::string_view message, std::string_view) {
    violations.emplace_back(message);
  };

  std::optional<service_provider> provider;
  provider.emplace(services, options);
  auto scopes = provider->get<scope_factory>();
  auto leaked = provider->create_scope();
  leaked.provider().get<app::daily_log_repository>();
  provider.reset();

  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0], HasSubstr("disposed while 1 service scope(s) were still alive (leaked scope)"));
  EXPECT_THAT([&] { leaked.provider().get<app::clock_source>(); },
              ThrowsMessage<std::logic_error>(HasSubstr("the root service provider was disposed")));
  EXPECT_THAT([&] { (void)scopes->create_scope(); },
              ThrowsMessage<std::logic_error>(HasSubstr("cannot create a scope")));
  EXPECT_THAT(log, testing::IsEmpty()) << "the scope still owns its instances";
  leaked.dispose();
  EXPECT_THAT(log, ElementsAre("dispose unit_of_work", "~unit_of_work"));
}

TEST(ServiceProvider, ExplicitDisposeRethrowsTheFirstErrorAfterDisposingTheRest) {
  struct failing {
    void dispose() { throw std::runtime_error("flush failed"); }
  };
  app::journal log;
  service_collection services;
  services.add_scoped<app::first>([&log] { return std::make_shared<app::first>(log, "first"); });
  services.add_scoped<failing>([] { return failing{}; });
  services.add_scoped<app::third>([&log] { return std::make_shared<app::third>(log, "third"); });
  auto provider = services.build();
  auto scope = provider.create_scope();
  scope.provider().get<app::first>();
  scope.provider().get<failing>();
  scope.provider().get<app::third>();
  EXPECT_THAT([&] { scope.dispose(); }, ThrowsMessage<std::runtime_error>(testing::StrEq("flush failed")));
  EXPECT_THAT(log, ElementsAre("dispose third", "~third", "dispose first", "~first"));
  EXPECT_EQ(provider.live_scopes(), 0u);
}

TEST(ServiceProvider, DisposeErrorsGoToOnDisposeError) {
  struct failing {
    void dispose() { throw std::runtime_error("flush failed"); }
  };
  service_collection services;
  services.add_scoped<failing>([] { return failing{}; }, "outbox");
  std::vector<std::string> errors;
  service_provider_options options;
  options.on_dispose_error = [&errors](std::string_view service, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      errors.push_back(std::string(service) + ": " + e.what());
    }
  };
  auto provider = services.build(options);
  {
    auto scope = provider.create_scope();
    scope.provider().get<failing>();
  }  // ended by the destructor: the error is reported, not lost
  auto scope = provider.create_scope();
  scope.provider().get<failing>();
  EXPECT_NO_THROW(scope.dispose());
  EXPECT_THAT(errors, ElementsAre("outbox: flush failed", "outbox: flush failed"));
}

TEST(ServiceProvider, DisposeReturningNonVoidIsNotCalled) {
  struct async_disposer {
    int* calls;
    int dispose() { return ++*calls; }  // stands for an awaitable: cannot be run at scope end
  };
  int calls = 0;
  service_collection services;
  services.add_scoped<async_disposer>([&calls] { return async_disposer{&calls}; });
  auto provider = services.build();
  {
    auto scope = provider.create_scope();
    scope.provider().get<async_disposer>();
  }
  EXPECT_EQ(calls, 0);
}

// --- scopes ---------------------------------------------------------------------------------

TEST(ServiceProvider, LiveScopesCountsScopesNotYetEnded) {
  service_collection services;
  auto provider = services.build();
  const auto scopes = provider.get<scope_factory>();
  EXPECT_EQ(provider.live_scopes(), 0u);
  auto a = scopes->create_scope();
  auto b = provider.create_scope();
  EXPECT_EQ(provider.live_scopes(), 2u);
  EXPECT_EQ(scopes->live_scopes(), 2u);
  auto moved = std::move(a);
  EXPECT_EQ(provider.live_scopes(), 2u) << "moving a scope does not end it";
  EXPECT_TRUE(a.disposed());  // NOLINT(bugprone-use-after-move): moved-from is documented
  b.dispose();
  EXPECT_EQ(provider.live_scopes(), 1u);
  moved = provider.create_scope();  // ends the scope it replaces
  EXPECT_EQ(provider.live_scopes(), 1u);
  moved.dispose();
  EXPECT_EQ(provider.live_scopes(), 0u);
}

TEST(ServiceProvider, MovedFromScopeHasNoProvider) {
  service_collection services;
  auto provider = services.build();
  auto scope = provider.create_scope();
  auto& scoped = scope.provider();
  auto moved = std::move(scope);
  EXPECT_EQ(&moved.provider(), &scoped) << "a scope's provider does not move";
  EXPECT_THAT([&] { scope.provider(); },  // NOLINT(bugprone-use-after-move)
              ThrowsMessage<std::logic_error>(HasSubstr("moved-from scope")));
}

TEST(ServiceProvider, MoveAssignmentEndsTheReplacedScope) {
  app::journal log;
  service_collection services;
  services.add_scoped<app::first>([&log] { return std::make_shared<app::first>(log, "first"); });
  auto provider = services.build();
  auto scope = provider.create_scope();
  scope.provider().get<app::first>();
  scope = provider.create_scope();
  EXPECT_THAT(log, ElementsAre("dispose first", "~first"));
}

// --- threads (run under TSan in CI) ---------------------------------------------------------

TEST(ServiceProvider, ConcurrentSingletonResolutionCreatesExactlyOne) {
  constexpr int rounds = 50;
  constexpr int threads = 8;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> made{0};
    service_collection services;
    services.add_singleton<app::clock_source>([&made] {
      made.fetch_add(1, std::memory_order_relaxed);
      return std::make_shared<app::clock_source>();
    });
    auto provider = services.build();
    std::latch start(threads);
    std::vector<std::shared_ptr<app::clock_source>> seen(threads);
    {
      std::vector<std::jthread> workers;
      for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&, i] {
          start.arrive_and_wait();
          seen[static_cast<std::size_t>(i)] = provider.get<app::clock_source>();
        });
      }
    }
    ASSERT_EQ(made.load(), 1) << "round " << round;
    for (const auto& instance : seen) ASSERT_EQ(instance, seen.front());
  }
}

TEST(ServiceProvider, ConcurrentScopedResolutionInOneScopeCreatesExactlyOne) {
  constexpr int threads = 8;
  std::atomic<int> made{0};
  service_collection services;
  services.add_scoped<app::daily_log_repository>([&made] {
    made.fetch_add(1, std::memory_order_relaxed);
    return app::daily_log_repository{};
  });
  auto provider = services.build();
  auto scope = provider.create_scope();
  std::latch start(threads);
  std::vector<std::shared_ptr<app::daily_log_repository>> seen(threads);
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < threads; ++i) {
      workers.emplace_back([&, i] {
        start.arrive_and_wait();
        seen[static_cast<std::size_t>(i)] = scope.provider().get<app::daily_log_repository>();
      });
    }
  }
  EXPECT_EQ(made.load(), 1);
  for (const auto& instance : seen) EXPECT_EQ(instance, seen.front());
}

TEST(ServiceProvider, ScopesOnManyThreadsShareSingletonsAndEndCleanly) {
  constexpr int threads = 4;
  constexpr int scopes_per_thread = 100;
  std::atomic<int> disposed{0};
  struct counted {
    std::atomic<int>* disposed;
    void dispose() { disposed->fetch_add(1, std::memory_order_relaxed); }
  };
  service_collection services;
  services.add_singleton<app::clock_source>([] { return app::clock_source{}; });
  services.add_scoped<counted>([&disposed] { return counted{&disposed}; });
  services.add_transient<app::report_builder>([] { return app::report_builder{}; });
  auto provider = services.build();
  const auto clock = provider.get<app::clock_source>();
  const auto scopes = provider.get<scope_factory>();
  std::latch start(threads);
  std::atomic<int> mismatches{0};
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < threads; ++i) {
      workers.emplace_back([&] {
        start.arrive_and_wait();
        for (int n = 0; n < scopes_per_thread; ++n) {
          auto scope = scopes->create_scope();
          if (scope.provider().get<app::clock_source>() != clock) mismatches.fetch_add(1);
          scope.provider().get<counted>();
          scope.provider().get<app::report_builder>();
        }
      });
    }
  }
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(disposed.load(), threads * scopes_per_thread);
  EXPECT_EQ(provider.live_scopes(), 0u);
}

}  // namespace
