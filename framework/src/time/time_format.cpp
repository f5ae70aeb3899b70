#include "clockwork/time/time_format.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iterator>

#include "clockwork/time/duration.hpp"

namespace clockwork {
namespace {

// Digits written by hand rather than with snprintf or fmt: a chaos fault's description formats a
// duration, some 500 times an explored seed, and either of those cost a few thousand
// instructions a duration there (their format strings are parsed on every call); these are a
// division per digit.

// Writes v in decimal at out, zero-padded to at least width digits; returns the end.
char* write_digits(char* out, std::uint64_t v, int width) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) digits[n++] = '0';
  while (n > 0) *out++ = digits[--n];
  return out;
}

// Writes "SS.fff" / "SS.ffffff" / "SS.fffffffff", the shortest of the three that is exact (at
// most 23 characters); returns the end.
char* write_seconds_with_fraction(char* out, std::uint64_t whole_seconds, std::uint64_t sub_ns) {
  out = write_digits(out, whole_seconds, 2);
  *out++ = '.';
  if (sub_ns % 1'000'000 == 0) return write_digits(out, sub_ns / 1'000'000, 3);
  if (sub_ns % 1'000 == 0) return write_digits(out, sub_ns / 1'000, 6);
  return write_digits(out, sub_ns, 9);
}

}  // namespace

std::string format_duration(std::chrono::nanoseconds d) {
  if (d == infinite) return "infinite";
  char text[64];  // "-" + 20 digits of days + "d" + "HH:MM:" + 23: 51 at most
  char* end = text;
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  std::uint64_t ns = static_cast<std::uint64_t>(d.count());
  if (d.count() < 0) {
    *end++ = '-';
    ns = 0 - ns;
  }
  constexpr std::uint64_t ns_per_s = 1'000'000'000;
  const std::uint64_t total_s = ns / ns_per_s;
  const std::uint64_t days = total_s / 86400;
  if (days > 0) {
    end = write_digits(end, days, 1);
    *end++ = 'd';
  }
  end = write_digits(end, total_s / 3600 % 24, 2);
  *end++ = ':';
  end = write_digits(end, total_s / 60 % 60, 2);
  *end++ = ':';
  end = write_seconds_with_fraction(end, total_s % 60, ns % ns_per_s);
  return std::string(text, end);
}

std::string format_offset(steady_time t, steady_time origin) {
  const auto d = saturating_sub(t, origin);
  return d.count() < 0 ? format_duration(d) : "+" + format_duration(d);
}

std::string format_utc(utc_time t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const auto in_day = std::chrono::duration_cast<std::chrono::nanoseconds>(t - day);
  const auto ns = static_cast<std::uint64_t>(in_day.count());  // within the day: not negative
  const std::uint64_t total_s = ns / 1'000'000'000;
  std::string out;
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:", static_cast<int>(ymd.year()),
                 static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), total_s / 3600,
                 total_s / 60 % 60);
  char seconds[32];
  char* const end = write_seconds_with_fraction(seconds, total_s % 60, ns % 1'000'000'000);
  out.append(seconds, end);
  out += 'Z';
  return out;
}

}  // namespace clockwork
