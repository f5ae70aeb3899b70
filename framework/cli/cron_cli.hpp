// The clockwork-cron command, as a function: parse the arguments, print occurrences, return the
// exit status. main() is one line around it, so that the tests and the fuzzer run the command
// in-process — it never calls exit() and touches no global state.
//
//   clockwork-cron next EXPR [--dialect D] [--zone Z] [--from ISO-8601] [--inclusive] [-n N]
//                            [--dst-policy P] [--explain]
//   clockwork-cron prev ...   (the same options; occurrences before --from, latest first)
//
//   $ clockwork-cron next "30 2 * * *" --zone America/New_York
//                         --from 2016-03-13T00:00:00-05:00 -n 2 --explain       (one line)
//   30 2 * * *: at 02:30 (cronos5 in America/New_York, DST policy cronos)
//   2016-03-13T03:00:00-04:00
//     02:30 does not exist on 2016-03-13 in America/New_York (the clocks jump from 02:00 to
//     03:00): runs at 03:00, the first instant after the gap
//   2016-03-14T02:30:00-04:00
//
// --dialect defaults by the number of fields (five: cronos5, six: cronos6; quartz only when
// asked), --zone to UTC (the name in any case).
//
// Exit status, as every clockwork command's: 0 when occurrences were printed (a line "none"
// ends the list when fewer than N exist); 1 when there is none at all (the line "none" alone);
// 2 for any mistake in the command line: an invalid expression (with the field, the column and
// a caret under it), an unknown zone or dialect, a malformed --from, -n outside 1..100000.
//
// Thread safety: reentrant; `out` and `err` belong to the caller.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "clockwork/time/clock.hpp"

namespace clockwork::cli {

// args excludes the program name. `now` is the default for --from.
int run_cron_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, utc_time now);

}  // namespace clockwork::cli
