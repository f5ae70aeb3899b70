// The cron benchmark's workload, shared with the Node.js peer (cron_peer.js computes the same):
// the expressions, and 1024 start instants drawn with xorshift32 from 2020-01-01 to
// 2029-12-31 UTC, so that every contender answers the same questions.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/schedule/cron_schedule.hpp"

namespace clockwork_bench {

struct cron_case {
  const char* name;
  const char* expression;
  clockwork::cron::dialect dialect;
  const char* zone;
  bool typical;  // the ">= 10x the fastest peer" target applies
};

inline constexpr std::array<cron_case, 6> cron_cases = {{
    {"every_5_minutes", "*/5 * * * *", clockwork::cron::dialect::cronos5, "UTC", true},
    {"daily_midnight", "0 0 * * *", clockwork::cron::dialect::cronos5, "UTC", true},
    {"daily_0230_berlin", "0 30 2 * * *", clockwork::cron::dialect::cronos6, "Europe/Berlin", true},
    {"quartz_last_day", "0 0 0 L * ?", clockwork::cron::dialect::quartz, "UTC", true},
    {"feb29_monday", "0 0 0 29 2 MON", clockwork::cron::dialect::cronos6, "UTC", false},
    {"impossible_feb30", "0 0 0 30 2 *", clockwork::cron::dialect::cronos6, "UTC", false},
}};

inline constexpr std::int64_t cron_from_base = 1577836800;  // 2020-01-01T00:00:00Z
inline constexpr std::int64_t cron_from_span = 315619200;   // ten years, three of them leap

inline std::vector<std::int64_t> cron_from_seconds() {
  std::vector<std::int64_t> out(1024);
  std::uint32_t x = 0x9e3779b9u;
  for (auto& v : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = cron_from_base + static_cast<std::int64_t>(x % static_cast<std::uint32_t>(cron_from_span));
  }
  return out;
}

// What a contender's answers add up to, so that the report can tell whether two contenders
// answered the same questions the same way: the sum of (answer in seconds mod 1000003), 0 for
// "none".
inline std::int64_t cron_checksum_term(std::optional<std::int64_t> answer) {
  return answer ? *answer % 1000003 : 0;
}

}  // namespace clockwork_bench
