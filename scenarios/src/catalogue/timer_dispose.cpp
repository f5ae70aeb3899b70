// Pattern 3: the patterns document's ModernTimerService, whole — the timer made in the constructor, a run at
// start-up and then one a tick, each in its own scope, errors caught and logged — and its
// Dispose(), which disposes the timer. C++ has no Dispose: a destructor runs when the last owner
// lets go, which for a service may be a coroutine frame at an unknown moment. The host gives the
// patterns document's Dispose a defined one: background_service::dispose(), called once, after the service's
// coroutine has ended (here, at the end of stop(), after service_stopped). The log line it
// writes is counted: exactly one.
#include <memory>

#include "clockwork/di/service_scope.hpp"
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class modern_timer_service final : public background_service {
 public:
  explicit modern_timer_service(service_provider& sp)
      : scopes_(sp.get<scope_factory>()), timer_(*sp.get<runtime>(), std::chrono::hours(1), "modern_timer") {}

  task<> execute(std::stop_token stopping) override {
    co_await do_work(stopping);  // run immediately on start-up, then on the timer
    for (;;) {
      const bool ticked = co_await timer_.next_tick(stopping);
      if (!ticked) break;
      try {
        co_await do_work(stopping);
      } catch (const operation_canceled&) {
        throw;
      } catch (const std::exception& e) {
        log()->error("Error in periodic job: {}", e.what());
      }
    }
  }

  // public override void Dispose() { _timer.Dispose(); base.Dispose(); }
  void dispose() override {
    timer_.dispose();
    log()->info("timer disposed");
  }

 private:
  task<> do_work(std::stop_token) {
    service_scope scope = scopes_->create_scope();
    note_run();  // work...
    co_return;
  }

  std::shared_ptr<scope_factory> scopes_;
  periodic_timer timer_;
};

}  // namespace

scenario timer_dispose() {
  scenario s;
  s.name = "p3.dispose";
  s.section = "Pattern 3: PeriodicTimer";
  s.summary =
      "the patterns document's ModernTimerService: dispose() disposes its periodic_timer once, after the service "
      "stopped";
  s.span = std::chrono::hours(3) + std::chrono::minutes(30);
  s.resolution = std::chrono::minutes(10);  // ticks on the hour, the stop 30 min from any of them
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<modern_timer_service>("modern_timer"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "modern_timer"));
    v.count("ticks", w.count_records("tick", "modern_timer"));
    v.count("disposed", w.count_logs("timer disposed"));
  };
  s.expected.count("runs", 4).count("ticks", 3).count("disposed", 1);  // +0 h, then ticks at +1, +2, +3 h
  return s;
}

}  // namespace clockwork::scenarios::entries
