// Instants as ISO-8601 text with an explicit UTC offset, the way cron occurrences are written in
// test vectors, logs and the clockwork-cron command:
//
//   parse_instant("2017-03-30T23:59:59.9999999+02:00")   -> 2017-03-30T21:59:59.9999999Z
//   parse_instant("2016-03-13T07:00:00Z")                -> the same instant as ...03:00:00-04:00
//   format_instant(t, find_zone("America/New_York"))     -> "2016-03-13T03:00:00-04:00"
//
// Accepted: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, then Z or an offset
// +HH:MM / -HH:MM (also +HHMM, +HH). 'T' and 'Z' may be lower case. Without an offset the text
// is not an instant, and is refused.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <date/tz.h>

#include "clockwork/time/clock.hpp"

namespace clockwork::cron {

// Throws std::invalid_argument with a short reason when the text is malformed, and
// std::out_of_range when the instant is outside utc_time (years 1677 to 2262).
utc_time parse_instant(std::string_view text);

// t in zone's offset at t; the fraction is shown only when t has one (up to 9 digits, without
// trailing zeros). Offsets with seconds (historical LMT) show them: +00:53:28.
std::string format_instant(utc_time t, const date::time_zone& zone);

}  // namespace clockwork::cron
