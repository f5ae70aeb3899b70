// `clockwork-jobs work`: a worker process on the real clock, serving the example kinds
// (example_kinds.hpp) from one store until SIGINT/SIGTERM or, with --until-empty, until no job of
// its queues and kinds is pending and none is running under anyone's lease (expired leases are
// rescued first, so a job a killed worker held is run, not waited for).
//
// Every worker also runs a recurring scheduler (recurring_scheduler.hpp), which fires the recurring
// jobs stored in the store (`clockwork-jobs recurring add`), once across every worker.
//
// Leases shorter than the worker's defaults are allowed (a test's 2 s, say): the trust margin,
// heartbeat and rescue intervals follow the lease.
//
// Thread safety: runs a real_runtime on the calling thread until it returns.
#pragma once

#include <chrono>
#include <iosfwd>
#include <stop_token>
#include <string>
#include <vector>

#include "dashboard_command.hpp"
#include "store_url.hpp"

namespace clockwork::cli {

struct work_options {
  std::string instance = "worker";
  unsigned concurrency = 10;
  std::string lease = "30s";  // parse_duration
  std::vector<std::string> queues{"default"};
  bool until_empty = false;
  // Serve the dashboard inside the worker's host (its services page then shows the worker).
  // Printed on `out` as "dashboard listening on URL" once it listens.
  bool with_dashboard = false;
  dashboard_command_options dashboard;
  bool watch_signals = true;
  std::stop_token stop;
};

// Exit status: 0 after a graceful stop, 1 when the worker failed; usage_error for bad options or
// a store that cannot be opened.
int work_command(const store_url& url, const work_options& options, std::ostream& out, std::ostream& err);

}  // namespace clockwork::cli
