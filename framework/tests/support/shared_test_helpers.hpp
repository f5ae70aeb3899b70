// Helpers that several test files write the same way, defined once.
//
// A module's test files are one program, compiled eight to a unit (CMAKE_UNITY_BUILD): two
// files defining the same helper in their anonymous namespaces would define it twice in one
// unit. A helper used alike by more than one file lives here instead, and each file says which
// it uses:
//
//   using clockwork::test_support::t0;
//   EXPECT_EQ(rt.now(), t0 + 5min);
//
// Everything here is a constant or a pure function of its arguments: safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/task.hpp"
#include "clockwork/time/clock.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::test_support {

// The steady instant a virtual_runtime starts at.
inline constexpr steady_time t0{};

// The UTC instant a virtual_runtime starts at unless told otherwise: 2026-01-01T00:00:00Z.
inline constexpr utc_time start_utc{std::chrono::seconds(1767225600)};

// The runtime's virtual time as an offset from its start ("+01:30:00.001"), for event logs.
inline std::string at(const virtual_runtime& rt) {
  return format_offset(rt.now(), rt.start_time());
}

// A task that waits `d`, then fails with "boom".
inline task<> fail_after(runtime& rt, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
  throw std::runtime_error("boom");
}

// A trace record at `at` after the default start (steady and UTC alike).
inline trace_record rec(std::uint64_t seq, std::chrono::nanoseconds at, std::string source, std::string kind,
                        trace_fields fields = {}) {
  trace_record r;
  r.seq = seq;
  r.steady = steady_time{} + at;
  r.utc = start_utc + at;
  r.source = std::move(source);
  r.kind = std::move(kind);
  r.fields = std::move(fields);
  return r;
}

// Registers a hosted service made from `args`, returning it to the test to look into.
template <class T, class... Args>
std::shared_ptr<T> add(host_builder& b, const std::string& name, Args&&... args) {
  auto service = std::make_shared<T>(std::forward<Args>(args)...);
  b.add_hosted_service<T>(name, [service](service_provider&) { return service; });
  return service;
}

// An instant written in ISO 8601 ("2024-03-10T07:00:00Z").
inline utc_time at(const char* iso) {
  return cron::parse_instant(iso);
}

// A schedule of a cron line in a zone.
inline cron::schedule make(const char* text, cron::dialect d, const char* zone,
                           cron::dst_policy p = cron::dst_policy::cronos) {
  return cron::schedule{cron::expression{text, d}, find_zone(zone), p};
}

}  // namespace clockwork::test_support
