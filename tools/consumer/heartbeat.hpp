// The consumer's service: logs "alive" every five minutes until its host stops it.
#pragma once

#include <clockwork/hosting/background_service.hpp>
#include <clockwork/runtime/periodic_timer.hpp>

#include <chrono>
#include <stop_token>

namespace consumer {

class heartbeat : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    clockwork::periodic_timer timer{rt(), std::chrono::minutes(5), "heartbeat"};
    for (;;) {
      // Awaited into a local, never in the condition (clockwork's docs/scenarios.md#await-into-a-local).
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
      log()->info("alive");
    }
  }
};

}  // namespace consumer
