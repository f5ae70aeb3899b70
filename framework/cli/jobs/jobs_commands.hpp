// The subcommands of clockwork-jobs over an open store, one function each (jobs_cli.cpp parses
// the command line and opens the store; work_command.hpp runs a worker). Each returns the exit
// status; bad input throws usage_error before anything is written.
//
// Thread safety: the coroutines run on the store's runtime.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/task.hpp"

namespace clockwork::cli {

struct enqueue_options {
  std::string kind;
  std::string payload;  // JSON text; empty: {}
  std::string in;       // a duration (parse_duration), or empty
  std::string at;       // an ISO-8601 instant with an offset, or empty
  std::string queue = "default";
  std::string unique;  // a unique key, or empty
  int count = 1;
};

// Prints the new jobs' ids (a duplicate's existing id, with a note on err), one a line.
task<int> enqueue_command(jobs::job_store& store, enqueue_options options, std::ostream& out, std::ostream& err);
// Every job, newest first, with --state only those in it (state: empty or a job_state name).
task<int> list_command(jobs::job_store& store, std::string state, bool json, std::ostream& out);
task<int> stats_command(jobs::job_store& store, bool json, std::ostream& out);
// 1 for an unknown id or a transition the job's state does not allow.
task<int> retry_command(jobs::job_store& store, jobs::job_id id, std::ostream& out, std::ostream& err);
task<int> cancel_command(jobs::job_store& store, jobs::job_id id, std::ostream& out, std::ostream& err);

// A job id as given on the command line (a positive integer), or usage_error.
jobs::job_id parse_job_id(const std::string& text);

}  // namespace clockwork::cli
