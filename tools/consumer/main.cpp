// A downstream program, linking clockwork::framework alone: a hosted service run for an hour on
// a host over a virtual_runtime, a bare coroutine on a virtual_runtime, and a cron schedule
// across a DST gap. Proves that every module's public headers compile from the package, link and
// work; prints the version it was compiled against.
#include <clockwork/hosting/host_builder.hpp>
#include <clockwork/runtime/virtual_runtime.hpp>
#include <clockwork/schedule/cron_schedule.hpp>
#include <clockwork/schedule/iso8601.hpp>
#include <clockwork/version.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>

#include "heartbeat.hpp"

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

  std::stringstream log;
  clockwork::virtual_runtime host_rt;
  clockwork::host_builder builder{host_rt};
  builder.add_hosted_service<consumer::heartbeat>("heartbeat");
  builder.add_log_sink(std::make_shared<spdlog::sinks::ostream_sink_st>(log));
  clockwork::host app = builder.build();
  host_rt.block_on(app.start());
  host_rt.run_for(std::chrono::hours(1));
  host_rt.block_on(app.stop());
  std::size_t beats = 0;
  for (std::string line; std::getline(log, line);) beats += line.find("alive") != std::string::npos ? 1 : 0;
  std::printf("%zu heartbeats in a simulated hour\n", beats);

  const clockwork::cron::schedule nightly{clockwork::cron::expression{"30 2 * * *", clockwork::cron::dialect::cronos5},
                                          clockwork::find_zone("America/New_York")};
  const auto next = nightly.next(clockwork::cron::parse_instant("2016-03-13T00:00:00-05:00"));
  const std::string when = next ? clockwork::cron::format_instant(*next, nightly.zone()) : "none";
  std::printf("02:30 nightly, on the spring-forward day: %s\n", when.c_str());
  std::printf("built with clockwork %s\n", CLOCKWORK_VERSION_STRING);
  return ticks == 60 && rt.elapsed() == std::chrono::hours(1) && app.result().ok() && beats == 12 &&
                 when == "2016-03-13T03:00:00-04:00"
             ? 0
             : 1;
}
