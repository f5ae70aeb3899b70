// Pattern 1, wrong: a unit of work that is never committed. The service does everything else
// the patterns document's GoodService does — one scope per run, the scope's repository and unit of work — but
// forgets `await unitOfWork.CommitAsync(ct)`. Every run's writes are staged and then dropped
// when the scope ends: nothing reaches the database, and no exception says so. The fake unit of
// work (report_to) tells a forgotten commit from a rollback (no exception was propagating) and
// reports a scope_violation naming the service, once a run.
#include <memory>

#include "clockwork/di/service_scope.hpp"
#include "entries.hpp"
#include "scoped_services.hpp"

namespace clockwork::scenarios::entries {
namespace {

class forgetful_service final : public background_service {
 public:
  explicit forgetful_service(service_provider& sp)
      : scopes_(sp.get<scope_factory>()), db_(sp.get<pattern1::database>()) {}

  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      do_work();
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }

  std::size_t committed() const { return db_->processed.size(); }

 private:
  void do_work() {
    service_scope scope = scopes_->create_scope();
    auto repo = scope.provider().get<pattern1::repository>();
    auto unit = scope.provider().get<pattern1::unit_of_work>();
    repo->mark_processed(++item_, name());
    note_run();
    // ❌ co_await unit->commit(token) is missing: the staged write is dropped with the scope
  }

  std::shared_ptr<scope_factory> scopes_;
  std::shared_ptr<pattern1::database> db_;
  int item_ = 0;
};

}  // namespace

scenario unit_never_committed() {
  scenario s;
  s.name = "p1.unit_never_committed.wrong";
  s.section = "Pattern 1: Scoped Service Access";
  s.variant = "wrong";
  s.summary = "a scope per run, but the unit of work is never committed: every run's writes vanish";
  s.span = std::chrono::hours(2) + std::chrono::minutes(30);
  s.resolution = std::chrono::minutes(10);  // runs on the hour, the stop 30 min from any of them
  s.setup = [](testing::scenario_world& w) {
    pattern1::add_scoped_services(w.builder().services());
    w.builder().add_hosted_service<forgetful_service>("forgetful");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "forgetful"));
    v.count("forgotten_commits", w.count_records("finding", "forgetful"));
    v.count("committed", static_cast<std::int64_t>(
                             std::dynamic_pointer_cast<forgetful_service>(w.app().service("forgetful"))->committed()));
  };
  s.expected.finding(finding_kind::scope_violation, "forgetful")
      .count("runs", 3)
      .count("forgotten_commits", 3)  // one finding a run
      .count("committed", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
