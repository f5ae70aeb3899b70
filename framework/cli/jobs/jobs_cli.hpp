// The clockwork-jobs command, as a function: a command over a job store for people and for
// scripts. main() is one line around it, so that the tests run the command in-process; it never
// calls exit().
//
//   clockwork-jobs migrate  --store URL
//   clockwork-jobs enqueue  --store URL KIND [--payload JSON] [--in DURATION | --at ISO-8601]
//                           [--queue Q] [--unique KEY] [--count N]        prints the ids, one a line
//   clockwork-jobs list     --store URL [--state S] [--json]
//   clockwork-jobs stats    --store URL [--json]
//   clockwork-jobs retry    --store URL ID
//   clockwork-jobs cancel   --store URL ID
//   clockwork-jobs work     --store URL [--instance NAME] [--concurrency N] [--lease DURATION]
//                           [--queue Q]... [--until-empty] [--dashboard ADDR:PORT
//                           [--dashboard-token T | --dashboard-token-file F] [--dashboard-actions]]
//   clockwork-jobs recurring add --store URL NAME --cron EXPR --kind KIND [--dialect D] [--zone Z]
//                           [--payload JSON] [--queue Q] [--misfire P]     (recurring_commands.hpp)
//   clockwork-jobs recurring list --store URL [--json]
//   clockwork-jobs recurring remove|trigger --store URL NAME
//   clockwork-jobs dashboard --store URL [--listen ADDR:PORT] [--token T | --token-file F]
//                           [--actions]            (dashboard_command.hpp; builds with the dashboard)
//
//   $ clockwork-jobs migrate --store sqlite:jobs.db
//   sqlite:jobs.db: schema created (version 1)
//   $ clockwork-jobs enqueue --store sqlite:jobs.db example.fenced_increment
//         --payload '{"counter": "visits", "ms": 10}' --count 3        (one line)
//   1
//   2
//   3
//   $ clockwork-jobs work --store sqlite:jobs.db --until-empty
//   $ clockwork-jobs stats --store sqlite:jobs.db --json
//   {"counters":{"visits":3},"states":{"available":0,...,"succeeded":3},"store":{"rescued":0,...}}
//
// URL: sqlite:PATH (a file; sqlite:///abs/path is read as /abs/path). Other schemes are refused,
// naming the ones this build knows.
//
// `work` runs a worker on the real clock until SIGINT or SIGTERM (a graceful stop: running jobs
// finish, or are released when the host's stop grace runs out) or, with --until-empty, until no
// job of its queues and kinds is pending and none is running under anyone's lease. It serves the
// example kinds (example_kinds.hpp), so that anyone can try a store without writing code.
//
// Exit status: 0 done; 1 the store refused (an unknown id, a transition the job's state does not
// allow) or failed while working; 2 bad input, one line on stderr saying why: an unknown
// subcommand or option, a bad URL, a store that cannot be opened (the path and why) or whose
// schema is missing, older (run migrate) or newer, a payload that is not JSON, a bad duration or
// instant, --count with --unique, an unknown state.
//
// Thread safety: reentrant; `out` and `err` belong to the caller. `work` creates a real_runtime
// and (unless told not to) watches SIGINT and SIGTERM on the calling thread while it runs.
#pragma once

#include <iosfwd>
#include <stop_token>
#include <string>
#include <vector>

namespace clockwork {
class runtime;
}

namespace clockwork::cli {

struct jobs_cli_context {
  // Where store calls run for every subcommand but `work`: none makes a real_runtime of the
  // call's own (the store's clock is then the real one). Tests pass a virtual_runtime.
  runtime* rt = nullptr;
  // work: SIGINT and SIGTERM stop the worker gracefully.
  bool watch_signals = true;
  // work: a stop requested here stops the worker as a signal would.
  std::stop_token stop;
};

// args excludes the program name.
int run_jobs_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                 const jobs_cli_context& context = {});

}  // namespace clockwork::cli
