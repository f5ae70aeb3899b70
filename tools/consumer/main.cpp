// A downstream program: a hosted service run for a simulated hour in the simulation harness,
// a bare coroutine on a virtual_runtime, and a cron schedule across a DST gap. Proves that every
// module's public headers compile from the installed or build-tree package, link, and work.
#include <clockwork/hosting/background_service.hpp>
#include <clockwork/runtime/periodic_timer.hpp>
#include <clockwork/runtime/virtual_runtime.hpp>
#include <clockwork/schedule/cron_schedule.hpp>
#include <clockwork/schedule/iso8601.hpp>
#include <clockwork/testing/simulation.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace {
clockwork::task<int> count_ticks(clockwork::runtime& rt) {
  int ticks = 0;
  for (int i = 0; i < 60; ++i) {
    co_await rt.delay(std::chrono::minutes(1));
    ++ticks;
  }
  co_return ticks;
}

class heartbeat : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), std::chrono::minutes(5), "heartbeat"};
    while (co_await timer.next_tick(stopping)) log()->info("alive");
  }
};
}  // namespace

int main() {
  clockwork::virtual_runtime rt;
  const int ticks = rt.block_on(count_ticks(rt));
  std::printf("%d ticks in %lld simulated seconds\n", ticks,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(rt.elapsed()).count()));

  clockwork::testing::simulation sim;
  sim.builder().add_hosted_service<heartbeat>("heartbeat");
  sim.start();
  sim.run_for(std::chrono::hours(1));
  const auto beats = sim.trace().count(clockwork::trace_kind::tick, "heartbeat");
  sim.stop();
  std::printf("%zu heartbeats in a simulated hour\n", beats);

  const clockwork::cron::schedule nightly{clockwork::cron::expression{"30 2 * * *", clockwork::cron::dialect::cronos5},
                                          clockwork::find_zone("America/New_York")};
  const auto next = nightly.next(clockwork::cron::parse_instant("2016-03-13T00:00:00-05:00"));
  const std::string when = next ? clockwork::cron::format_instant(*next, nightly.zone()) : "none";
  std::printf("02:30 nightly, on the spring-forward day: %s\n", when.c_str());
  return ticks == 60 && rt.elapsed() == std::chrono::hours(1) && beats == 12 && when == "2016-03-13T03:00:00-04:00" ? 0
                                                                                                                    : 1;
}
