// Pattern 5, right: wait for the application to start before doing heavy work. The service
// first awaits a 30 s delay (with the token), then does its 30 s of warming in slices of 25 ms
// with a suspension between them — each slice well under the loop's 50 ms blocking budget — and
// enters its loop. Start-up completes at once, nothing blocks the loop: nothing found.
#include "entries.hpp"
#include "startup_services.hpp"

namespace clockwork::scenarios::entries {
namespace {

class patient_warmer final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(std::chrono::seconds(30), stopping);  // let the application start first
    log()->info("warming the cache");
    for (int slice = 0; slice < 1200; ++slice) {  // 30 s of work, 25 ms at a time
      rt().work(std::chrono::milliseconds(25));
      co_await rt().yield();
    }
    log()->info("cache warm");
    note_run();
    while (!stopping.stop_requested()) {
      co_await rt().delay(std::chrono::minutes(5), stopping);
    }
  }
};

}  // namespace

scenario startup_delay() {
  scenario s;
  s.name = "p5.startup_delay.right";
  s.section = "Pattern 5: Startup Delay";
  s.variant = "right";
  s.summary = "await a 30 s start-up delay, then work in slices under the blocking budget: nothing blocks";
  s.span = std::chrono::minutes(2);
  s.resolution = std::chrono::seconds(10);  // the warming ends at +60 s, the stop is at +120 s
  s.setup = [](testing::scenario_world& w) {
    w.builder().add_hosted_service<patient_warmer>("warmer");
    w.builder().add_hosted_service<pattern5::web_front>("web");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("warmed", w.count_records("run", "warmer"));
    v.count("started_before_cache_warm", pattern5::started_before_cache_warm(w));
  };
  s.expected.count("warmed", 1).count("started_before_cache_warm", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
