// §1 Basic implementation: the simplest BackgroundService — log, work, wait five minutes with
// the stopping token. Nothing is wrong with it; the verdict is that nothing is found and it ran
// twelve times an hour.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class simple_background_service final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      log()->info("Worker running at: {}", format_utc(rt().clock().utc_now()));
      note_run();
      co_await rt().delay(std::chrono::minutes(5), stopping);
    }
  }
};

}  // namespace

scenario simple_loop() {
  scenario s;
  s.name = "s1.simple_loop";
  s.section = "1. Basic Implementation";
  s.summary = "log, work, wait 5 min with the token: runs every 5 min, stops cleanly";
  s.span = std::chrono::minutes(57) + std::chrono::seconds(30);  // ends between two runs
  s.resolution = std::chrono::minutes(1);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<simple_background_service>("worker"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) { v.count("runs", w.count_records("run", "worker")); };
  s.expected.count("runs", 12);  // at +0, +5 min, ... +55 min
  return s;
}

}  // namespace clockwork::scenarios::entries
