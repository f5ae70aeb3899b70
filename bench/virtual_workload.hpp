// The virtual-time throughput workload, shared by every contender (the floor loop, clockwork's
// virtual_runtime and the @sinonjs/fake-timers peer in fake_timers_peer.js, which computes
// the very same periods).
//
// N sleepers; sleeper i waits period(i) again and again. Periods are whole milliseconds,
// spread log-uniformly over [1 ms, 60 s] so that every decade holds the same number of
// sleepers, drawn from a fixed xorshift32 sequence: same seed, same periods, in C++ and in
// JavaScript. period_sum_ms() is a checksum the report compares across languages.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace clockwork_bench {

inline constexpr std::uint32_t workload_seed = 0x9E3779B9u;
inline constexpr double max_period_ms = 60'000.0;

inline std::vector<std::int64_t> workload_periods_ms(std::size_t n) {
  std::vector<std::int64_t> out;
  out.reserve(n);
  std::uint32_t x = workload_seed;
  const double log_max = std::log(max_period_ms);
  for (std::size_t i = 0; i < n; ++i) {
    // xorshift32 (13, 17, 5).
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const double u = static_cast<double>(x) / 4294967296.0;  // [0, 1)
    auto ms = static_cast<std::int64_t>(std::floor(std::exp(u * log_max)));
    out.push_back(ms < 1 ? 1 : ms);
  }
  return out;
}

inline std::int64_t period_sum_ms(const std::vector<std::int64_t>& periods) {
  std::int64_t sum = 0;
  for (auto p : periods) sum += p;
  return sum;
}

// Simulated time advanced per benchmark iteration, sized so that one iteration holds tens of
// thousands of timer events (about 0.091 events per timer per simulated millisecond).
inline std::chrono::milliseconds workload_slice(std::size_t timers) {
  if (timers <= 1'000) return std::chrono::milliseconds(200);
  if (timers <= 10'000) return std::chrono::milliseconds(20);
  if (timers <= 100'000) return std::chrono::milliseconds(5);
  return std::chrono::milliseconds(1);
}

}  // namespace clockwork_bench
