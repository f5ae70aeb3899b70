// Pattern 1: scoped service access. A background service is a singleton; the repository and the
// unit of work are scoped.
//
// Wrong: the patterns document's BadService takes the scoped repository in its constructor. The host builds
// hosted services from the root provider, and scope validation (on in every environment)
// refuses: build() fails naming the hosted service and the repository, a scope_violation finding
// names the service, and the host never starts (exit code 1). .NET fails the same way, at
// start-up, with "Cannot consume scoped service 'IRepository' from singleton".
//
// Right: the patterns document's GoodService takes the scope_factory and opens one scope per unit of work:
// the scope's repository stages, its unit of work commits, and the scope ends with the run
// (C++'s `using var scope`: the scope is a local, ended at the closing brace). Six hourly runs,
// six committed rows, nothing found.
#include <memory>

#include "clockwork/di/service_scope.hpp"
#include "entries.hpp"
#include "scoped_services.hpp"

namespace clockwork::scenarios::entries {
namespace {

using pattern1::repository;
using pattern1::unit_of_work;

// ❌ public BadService(IRepository repo)
class bad_service final : public background_service {
 public:
  explicit bad_service(service_provider& sp) : repo_(sp.get<repository>()) {}  // scoped: refused
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }

 private:
  std::shared_ptr<repository> repo_;
};

// ✅ public GoodService(IServiceScopeFactory scopeFactory, ...)
class good_service final : public background_service {
 public:
  explicit good_service(service_provider& sp) : scopes_(sp.get<scope_factory>()), db_(sp.get<pattern1::database>()) {}

  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      co_await do_work(stopping);
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }

  std::size_t committed() const { return db_->processed.size(); }

 private:
  task<> do_work(std::stop_token token) {
    service_scope scope = scopes_->create_scope();  // using var scope = _scopeFactory.CreateScope();
    auto repo = scope.provider().get<repository>();
    auto unit = scope.provider().get<unit_of_work>();
    repo->mark_processed(++item_, name());  // work with the scoped services
    co_await unit->commit(token);
    note_run();
    log()->info("item {} committed in its own scope", item_);
  }  // the scope ends here: the unit of work, then the repository, are released

  std::shared_ptr<scope_factory> scopes_;
  std::shared_ptr<pattern1::database> db_;  // a singleton: fine to hold
  int item_ = 0;
};

}  // namespace

scenario captive_scope() {
  scenario s;
  s.name = "p1.captive_scope.wrong";
  s.section = "Pattern 1: Scoped Service Access";
  s.variant = "wrong";
  s.summary = "a hosted service takes a scoped repository in its constructor: build fails, naming it";
  s.span = std::chrono::hours(1);
  s.resolution = std::chrono::minutes(1);  // it never starts: nothing depends on time
  s.setup = [](testing::scenario_world& w) {
    pattern1::add_scoped_services(w.builder().services());
    w.builder().add_hosted_service<bad_service>("bad");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) { v.count("runs", w.count_records("run", "bad")); };
  s.expected.finding(finding_kind::scope_violation, "bad")
      .failure("host", failure_kind::start_failed)  // the host could not even be built
      .count("runs", 0);
  return s;
}

scenario scope_per_unit() {
  scenario s;
  s.name = "p1.scope_per_unit.right";
  s.section = "Pattern 1: Scoped Service Access";
  s.variant = "right";
  s.summary = "scope_factory::create_scope per unit of work: each run commits in its own scope, nothing leaks";
  s.span = std::chrono::hours(5) + std::chrono::minutes(30);
  s.resolution = std::chrono::minutes(10);  // runs on the hour, the stop 30 min from any of them
  s.setup = [](testing::scenario_world& w) {
    pattern1::add_scoped_services(w.builder().services());
    w.builder().add_hosted_service<good_service>("good");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "good"));
    v.count("committed",
            static_cast<std::int64_t>(std::dynamic_pointer_cast<good_service>(w.app().service("good"))->committed()));
  };
  s.expected.count("runs", 6).count("committed", 6);  // at +0 h ... +5 h
  return s;
}

}  // namespace clockwork::scenarios::entries
