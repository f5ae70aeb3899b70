// What clockwork-jobs prints: jobs and store counts as JSON for scripts (the shapes of
// clockwork/jobs/job_json.hpp, which the dashboard's API serves too) and as aligned text for
// people. Instants are ISO-8601 UTC with microseconds and a Z, as the stores keep them.
//
//   print_jobs_json(out, jobs);   // [{"id": 12, "kind": "example.sleep", "state": "available", ...}]
//   print_stats_json(out, stats); // {"states": {...}, "counters": {...}, "store": {...}, ...}
//
// Thread safety: pure functions over their arguments.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "clockwork/jobs/job.hpp"
#include "clockwork/jobs/job_json.hpp"

namespace clockwork::cli {

void print_jobs_json(std::ostream& out, const std::vector<jobs::job>& jobs);
void print_jobs_text(std::ostream& out, const std::vector<jobs::job>& jobs);
void print_stats_json(std::ostream& out, const jobs::store_stats& s);
void print_stats_text(std::ostream& out, const jobs::store_stats& s);

}  // namespace clockwork::cli
