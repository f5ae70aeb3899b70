// Internal: what Pattern 5's scenarios share — the rest of the application, and whether it came up
// before the warming ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/testing/scenario.hpp"
#include "clockwork/time/duration.hpp"

namespace clockwork::scenarios::entries::pattern5 {

// The rest of the application, registered after the service under test: ready once the host has
// started (its started hook), then idle until stopped.
class web_front final : public background_service {
 public:
  task<> started(std::stop_token) override {
    log()->info("web front ready");
    co_return;
  }
  task<> execute(std::stop_token stopping) override { co_await rt().delay(infinite, stopping); }
};

// 1 when the host logged "application started" before the service logged "cache warm": the
// application came up without waiting for the warming. 0 when it waited.
inline std::int64_t started_before_cache_warm(testing::scenario_world& w) {
  for (const auto& r : w.trace().records()) {
    const auto* message = r.field("message");
    if (r.kind != "log" || message == nullptr) continue;
    if (r.source == "host" && *message == "application started") return 1;
    if (*message == "cache warm") return 0;
  }
  return -1;
}

}  // namespace clockwork::scenarios::entries::pattern5
