// What went wrong in a run, as a list under its verdict that needs no hovering: findings,
// faulted services and tasks, failed jobs and error-level log records, each with its time,
// source, kind and full message.
#pragma once

#include <string>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork::detail {

// The list (or nothing, when the run has none of these); at most `limit` entries, with a note of
// how many more there were.
std::string findings_list_html(const std::vector<trace_record>& records, steady_time origin, std::size_t limit = 200);

}  // namespace clockwork::detail
