// clockwork-replay: checks of its command line's values, before anything runs.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "clockwork/time/parse_duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "replay.hpp"

namespace clockwork::replay {

CLI::Validator whole_number_in(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& value) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || end == nullptr || *end != '\0' || errno == ERANGE) return value + " is not a number";
        if (v < lo || v > hi) return value + " is not in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        return {};
      },
      "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void say_wrote(const std::string& what, const std::filesystem::path& where) {
  std::printf("wrote %s: %s\n", what.c_str(), where.string().c_str());
}

void check_span_fits(const testing::scenario& s, std::chrono::nanoseconds span, const std::string& as_typed,
                     std::chrono::nanoseconds clock_step) {
  // The clock's instants are int64 nanoseconds since 1970: its range ends on 2262-04-11. A run
  // must end a day before that, since schedules and detectors look up to a day ahead (the next
  // midnight); the drain after the stop and a chaos clock step forward count too.
  const utc_time range_end = utc_time::max();
  const auto margin = std::chrono::nanoseconds(std::chrono::hours(24)) + s.drain_after_stop + clock_step;
  // (From a start before 1970 the room is counted from 1970: less than there is, never an overflow.)
  const auto start = s.start_utc.time_since_epoch();
  const auto room = range_end.time_since_epoch() - std::max(start, decltype(start){0});
  if (room > margin && span <= room - margin) return;
  const auto longest = room > margin ? std::chrono::floor<std::chrono::days>(room - margin) : std::chrono::days(0);
  throw std::invalid_argument("--span " + as_typed + ": " + s.name + " would run past the end of the clock's range (" +
                              format_utc(range_end).substr(0, 10) + "); from its start, " + format_utc(s.start_utc) +
                              ", the longest span is " + compact_duration(longest));
}

}  // namespace clockwork::replay
