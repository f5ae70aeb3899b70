// Pattern 1, wrong: a scope that is never disposed. In .NET it is `var scope =
// _scopeFactory.CreateScope();` without `using`: the scope, and the DbContext in it, live on
// until the garbage collector finds them. In C++ a local scope ends at its closing brace by
// itself, so the mistake takes a deliberate step: this service keeps every run's scope in a
// member ("to look at later"). The scopes pile up, one an hour; when the host stops and disposes
// its container, five are still alive, and the container reports a leaked scope as a
// scope_violation naming the service that opened them. The host still stops cleanly (exit 0):
// a leak is a finding, not a failure of the run.
#include <memory>
#include <vector>

#include "clockwork/di/service_scope.hpp"
#include "entries.hpp"
#include "scoped_services.hpp"

namespace clockwork::scenarios::entries {
namespace {

class scope_keeper final : public background_service {
 public:
  explicit scope_keeper(service_provider& sp) : scopes_(sp.get<scope_factory>()) {}

  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      service_scope scope = scopes_->create_scope();
      auto repo = scope.provider().get<pattern1::repository>();  // read-only work: nothing staged
      note_run();
      kept_.push_back(std::move(scope));  // ❌ never disposed while the host runs
      log()->info("{} scope(s) kept open", kept_.size());
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }

  std::size_t kept() const { return kept_.size(); }

 private:
  std::shared_ptr<scope_factory> scopes_;
  std::vector<service_scope> kept_;
};

}  // namespace

scenario scope_never_disposed() {
  scenario s;
  s.name = "p1.scope_never_disposed.wrong";
  s.section = "Pattern 1: Scoped Service Access";
  s.variant = "wrong";
  s.summary = "a scope opened every run and kept: the container names the service when the host disposes it";
  s.span = std::chrono::hours(4) + std::chrono::minutes(30);
  s.resolution = std::chrono::minutes(10);  // runs on the hour, the stop 30 min from any of them
  s.setup = [](testing::scenario_world& w) {
    pattern1::add_scoped_services(w.builder().services());
    w.builder().add_hosted_service<scope_keeper>("keeper");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "keeper"));
    v.count("scopes_kept",
            static_cast<std::int64_t>(std::dynamic_pointer_cast<scope_keeper>(w.app().service("keeper"))->kept()));
  };
  s.expected.finding(finding_kind::scope_violation, "keeper").count("runs", 5).count("scopes_kept", 5);
  return s;
}

}  // namespace clockwork::scenarios::entries
