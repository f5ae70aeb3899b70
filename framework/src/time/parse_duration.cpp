#include "clockwork/time/parse_duration.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace clockwork {
namespace {

[[noreturn]] void refuse(std::string_view text, const std::string& why) {
  throw std::invalid_argument("'" + std::string(text) + "' is not a duration: " + why +
                              " (write a whole number and a unit, e.g. 30s, 5min, 1h30min; units: d h min s ms us ns)");
}

// Longest names first, so that "ms" is not read as "m" + "s" and "min" is found whole.
constexpr std::array<std::pair<std::string_view, std::int64_t>, 7> units{{
    {"min", 60'000'000'000},
    {"ms", 1'000'000},
    {"us", 1'000},
    {"ns", 1},
    {"d", 86'400'000'000'000},
    {"h", 3'600'000'000'000},
    {"s", 1'000'000'000},
}};

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  if (text.empty()) refuse(text, "it is empty");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t digits_start = i;
    std::int64_t number = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      const int digit = text[i] - '0';
      if (number > (std::numeric_limits<std::int64_t>::max() - digit) / 10) refuse(text, "it is too large");
      number = number * 10 + digit;
      ++i;
    }
    if (i == digits_start) {
      if (text[i] == '-' || text[i] == '+') refuse(text, "durations here have no sign");
      refuse(text, "expected a number at '" + std::string(text.substr(i)) + "'");
    }
    if (i < text.size() && (text[i] == '.' || text[i] == ','))
      refuse(text, "fractions are not accepted; use a smaller unit");
    std::int64_t scale = 0;
    for (const auto& [name, ns] : units) {
      if (text.substr(i, name.size()) == name) {
        scale = ns;
        i += name.size();
        break;
      }
    }
    if (scale == 0) {
      if (i == text.size()) refuse(text, "the number " + std::to_string(number) + " has no unit");
      refuse(text, "unknown unit at '" + std::string(text.substr(i)) + "'");
    }
    if (number > (std::numeric_limits<std::int64_t>::max() - total) / scale) refuse(text, "it is too large");
    total += number * scale;
  }
  return std::chrono::nanoseconds{total};
}

std::string compact_duration(std::chrono::nanoseconds d) {
  if (d.count() < 0) throw std::invalid_argument("clockwork::compact_duration: a negative duration has no such text");
  if (d.count() == 0) return "0s";
  struct unit {
    std::int64_t ns;
    const char* name;
  };
  static constexpr unit units[] = {{86'400'000'000'000, "d"},
                                   {3'600'000'000'000, "h"},
                                   {60'000'000'000, "min"},
                                   {1'000'000'000, "s"},
                                   {1'000'000, "ms"},
                                   {1'000, "us"},
                                   {1, "ns"}};
  std::string out;
  std::int64_t left = d.count();
  for (const auto& u : units) {
    if (left >= u.ns) {
      out += std::to_string(left / u.ns) + u.name;
      left %= u.ns;
    }
  }
  return out;
}

}  // namespace clockwork
