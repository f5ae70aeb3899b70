// clockwork logging — spdlog loggers that read time from the injected clock.
//
// A service logs through the std::shared_ptr<spdlog::logger> its host injected, never through
// spdlog's global registry or default logger. make_logger builds such a logger around a
// clockwork::clock: every record it emits carries clk.utc_now() as its time, so a simulated
// year logs simulated dates, and a stepped wall clock shows up in the log exactly as it would
// in production. logger_for derives a per-service logger that shares the sinks and the clock.
// Where nothing was injected, clockwork uses make_null_logger(): level off, no sinks, free.
//
// Example — one service, both worlds:
//
//   clockwork::task<> cleanup(clockwork::runtime& rt, std::shared_ptr<spdlog::logger> log,
//                             std::stop_token stop) {
//     for (;;) {
//       co_await rt.delay(std::chrono::hours(24), stop);
//       log->info("removed {} rows", remove_old_rows());
//     }
//   }
//   // production: stamped with real wall time.
//   clockwork::real_runtime rt;
//   auto sink = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
//   sink->set_formatter(clockwork::make_log_formatter());
//   auto root = clockwork::make_logger("app", rt.clock(), {sink});
//   rt.spawn(cleanup(rt, clockwork::logger_for(root, "cleanup"), stop), "cleanup");
//   // test: stamped with virtual time; the capture keeps records for assertions.
//   clockwork::virtual_runtime rt;
//   auto capture = std::make_shared<clockwork::testing::log_capture>();
//   auto root = clockwork::make_logger("app", rt.clock(), {capture});
//   rt.spawn(cleanup(rt, clockwork::logger_for(root, "cleanup"), stop), "cleanup");
//   rt.advance_by(std::chrono::hours(24));
//   // capture->records()[0].time == 2026-01-02T00:00:00Z, capture->records()[0].logger == "cleanup"
//
// Contract:
//   - A record's time is clk.utc_now() read when the record reaches the logger's sinks, after
//     level filtering. spdlog's own timestamp is discarded. A backtrace dump
//     (spdlog::logger::dump_backtrace) therefore carries the time of the dump.
//   - The clock must outlive the logger and every logger derived from it.
//   - No function here registers anything with spdlog: spdlog::get(name) stays null.
//   - Thread safety: the loggers are as thread-safe as spdlog's (and their sinks'), provided
//     the clock may be read from the logging thread. real_clock may; virtual_clock belongs to
//     the thread driving its virtual_runtime, so log from that thread in simulation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>

#include "clockwork/time/clock.hpp"

namespace clockwork {

// A logger named name writing to sinks, whose records carry clk.utc_now(). Its level is
// spdlog's default (info); set it on the returned logger.
std::shared_ptr<spdlog::logger> make_logger(std::string name, const clock& clk, std::vector<spdlog::sink_ptr> sinks);

// A logger for one service (or component) under parent: same sinks, clock, level, flush level
// and error handler, its own name. Later changes to either logger's level do not affect the
// other; the sinks stay shared. A null parent yields make_null_logger().
std::shared_ptr<spdlog::logger> logger_for(const std::shared_ptr<spdlog::logger>& parent, std::string name);

// The default logger: named "clockwork", level off, no sinks, registered nowhere.
std::shared_ptr<spdlog::logger> make_null_logger();

// A formatter for sinks that print clockwork's records:
//   2026-01-01T00:01:00.000Z warning  daily_log: message
// It renders the record's time in UTC. spdlog's default pattern renders it in the machine's
// zone, which makes simulated time look shifted.
std::unique_ptr<spdlog::formatter> make_log_formatter();

}  // namespace clockwork
