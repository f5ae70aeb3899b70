// parse_duration — reads a duration the way people write one on a command line: a whole number
// and a unit, or several in a row from the largest unit down.
//
//   parse_duration("30s")      -> 30 s
//   parse_duration("1h30min")  -> 90 min
//   parse_duration("2d")       -> 48 h
//   parse_duration("250ms")    -> 250 ms          units: d h min s ms us ns
//
// Bad input is refused with std::invalid_argument saying what was expected: an empty string, a
// number without a unit, an unknown unit, a sign, a fraction, or a value past the nanosecond
// range. Hand-written because the standard library has no parser for durations and the format
// is small.
//
// Thread safety: a pure function.
#pragma once

#include <chrono>
#include <string_view>

namespace clockwork {

std::chrono::nanoseconds parse_duration(std::string_view text);

}  // namespace clockwork
