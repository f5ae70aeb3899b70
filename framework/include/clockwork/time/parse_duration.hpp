// parse_duration — reads a duration the way people write one on a command line: a whole number
// and a unit, or several in a row from the largest unit down.
//
//   parse_duration("30s")      -> 30 s
//   parse_duration("1h30min")  -> 90 min
//   parse_duration("2d")       -> 48 h
//   parse_duration("250ms")    -> 250 ms          units: d h min s ms us ns
//   compact_duration(90min)    -> "1h30min"        the inverse, for command lines a program prints
//
// Bad input is refused with std::invalid_argument saying what was expected: an empty string, a
// number without a unit, an unknown unit, a sign, a fraction, or a value past the nanosecond
// range. Hand-written because the standard library has no parser for durations and the format
// is small.
//
// Thread safety: a pure function.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace clockwork {

std::chrono::nanoseconds parse_duration(std::string_view text);

// The shortest text parse_duration reads back as d: each unit from the largest down, those that
// are zero left out ("7d12h45min", "1s500ms", "0s"). d must not be negative
// (std::invalid_argument).
std::string compact_duration(std::chrono::nanoseconds d);

}  // namespace clockwork
