// The runs a trace shows, as a table beside a timeline's lanes: a service's `run` records, a
// recurring job's runs and their retries (`run` ... job_retry ... job_succeeded), and the
// attempts of durable jobs (job.claimed ... job.succeeded, job.retrying, job.failed, ...), each
// with when it was due, when it started, how long it took, how it ended and which attempt it was.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork::detail {

struct run_row {
  std::string source;     // the service or worker that ran it
  std::string what;       // "job 3", or empty for a service's own run
  std::string scheduled;  // when it was due (UTC), empty when the trace does not say
  steady_time started{};
  std::optional<steady_time> ended;  // empty: an instant (a service's run) or still running at the end
  std::string outcome;               // ran, succeeded, failed, retrying, ..., or unfinished
  std::string attempt;               // empty when not an attempt of anything
  std::string error;                 // what the attempt failed with, if it did
};

// The rows in the order they started.
std::vector<run_row> run_rows(const std::vector<trace_record>& records);

// The table (or nothing, when the trace has no runs); at most `limit` rows, with a note of how
// many more there were: the timeline draws every run, the table is for reading the first ones.
// Cells carry no classes (the stylesheet styles them by column) to keep busy pages small.
std::string run_table_html(const std::vector<trace_record>& records, steady_time origin, std::size_t limit = 200);

}  // namespace clockwork::detail
