// Runs a small periodic coroutine for a simulated hour: compiles, links and works.
#include <clockwork/virtual_runtime.hpp>

#include <chrono>
#include <cstdio>

namespace {
clockwork::task<int> count_ticks(clockwork::runtime& rt) {
  int ticks = 0;
  for (int i = 0; i < 60; ++i) {
    co_await rt.delay(std::chrono::minutes(1));
    ++ticks;
  }
  co_return ticks;
}
}  // namespace

int main() {
  clockwork::virtual_runtime rt;
  const int ticks = rt.block_on(count_ticks(rt));
  std::printf("%d ticks in %lld simulated seconds\n", ticks,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(rt.elapsed()).count()));
  return ticks == 60 && rt.elapsed() == std::chrono::hours(1) ? 0 : 1;
}
