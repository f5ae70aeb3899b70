#include "clockwork/time/time_format.hpp"

#include <cstdio>
#include <cstdlib>

#include "clockwork/time/duration.hpp"

namespace clockwork {
namespace {

// "SS.fff" / "SS.ffffff" / "SS.fffffffff": the shortest of the three that is exact.
std::string seconds_with_fraction(std::int64_t whole_seconds, std::int64_t sub_ns) {
  char buf[32];
  if (sub_ns % 1'000'000 == 0) {
    std::snprintf(buf, sizeof buf, "%02lld.%03lld", static_cast<long long>(whole_seconds),
                  static_cast<long long>(sub_ns / 1'000'000));
  } else if (sub_ns % 1'000 == 0) {
    std::snprintf(buf, sizeof buf, "%02lld.%06lld", static_cast<long long>(whole_seconds),
                  static_cast<long long>(sub_ns / 1'000));
  } else {
    std::snprintf(buf, sizeof buf, "%02lld.%09lld", static_cast<long long>(whole_seconds),
                  static_cast<long long>(sub_ns));
  }
  return buf;
}

}  // namespace

std::string format_duration(std::chrono::nanoseconds d) {
  if (d == infinite) return "infinite";
  std::string out;
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  std::uint64_t ns = static_cast<std::uint64_t>(d.count());
  if (d.count() < 0) {
    out += '-';
    ns = 0 - ns;
  }
  constexpr std::uint64_t ns_per_s = 1'000'000'000;
  const std::uint64_t total_s = ns / ns_per_s;
  const std::uint64_t days = total_s / 86400;
  const std::uint64_t hours = total_s / 3600 % 24;
  const std::uint64_t minutes = total_s / 60 % 60;
  char buf[48];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%llud", static_cast<unsigned long long>(days));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%02llu:%02llu:", static_cast<unsigned long long>(hours),
                static_cast<unsigned long long>(minutes));
  out += buf;
  out += seconds_with_fraction(static_cast<std::int64_t>(total_s % 60), static_cast<std::int64_t>(ns % ns_per_s));
  return out;
}

std::string format_offset(steady_time t, steady_time origin) {
  const auto d = saturating_sub(t, origin);
  return d.count() < 0 ? format_duration(d) : "+" + format_duration(d);
}

std::string format_utc(utc_time t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const auto in_day = std::chrono::duration_cast<std::chrono::nanoseconds>(t - day);
  const std::int64_t ns = in_day.count();
  const std::int64_t total_s = ns / 1'000'000'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(total_s / 3600), static_cast<long long>(total_s / 60 % 60));
  return buf + seconds_with_fraction(total_s % 60, ns % 1'000'000'000) + "Z";
}

}  // namespace clockwork
