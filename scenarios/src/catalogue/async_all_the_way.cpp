// Mistake 1, right: async all the way. The loop awaits `rt().delay(5 s, stopping)` — C#'s
// `await Task.Delay(5000, stoppingToken)` — instead of sleeping: the loop is free between
// iterations, the stop request ends the wait at once. Nothing found.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class delay_loop final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      co_await rt().delay(std::chrono::seconds(5), stopping);
      note_run();
    }
  }
};

}  // namespace

scenario async_all_the_way() {
  scenario s;
  s.name = "m1.async_all_the_way.right";
  s.section = "Mistake 1: Blocking ExecuteAsync";
  s.variant = "right";
  s.summary = "await delay(5 s, token) instead of blocking: the loop stays free, the stop is immediate";
  s.span = std::chrono::seconds(62) + std::chrono::milliseconds(500);
  s.resolution = std::chrono::seconds(1);  // iterations every 5 s, the stop 2.5 s from any of them
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<delay_loop>("sleeper"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("iterations", w.count_records("run", "sleeper"));
  };
  s.expected.count("iterations", 12);  // at +5 s ... +60 s
  return s;
}

}  // namespace clockwork::scenarios::entries
