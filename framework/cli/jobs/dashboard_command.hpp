// clockwork-jobs dashboard: the jobs' web dashboard (clockwork/dashboard/dashboard.hpp) as a
// command of its own, over a store given by --store, until SIGINT or SIGTERM.
//
//   $ clockwork-jobs dashboard --store sqlite:jobs.db
//   listening on http://127.0.0.1:41237
//   $ clockwork-jobs dashboard --store sqlite:jobs.db --listen 0.0.0.0:8080 --token-file /run/secrets/t --actions
//
// --listen ADDR:PORT (default 127.0.0.1:0: loopback, a free port; IPv6 as [::1]:8080). Another
// address than loopback, or --actions, needs --token or --token-file (exit 2 otherwise); prefer
// the file: a token on the command line shows in ps. The first line printed says where it listens.
//
// Thread safety: as jobs_cli.hpp's `work`: a real_runtime of its own, signals watched on the
// calling thread.
#pragma once

#include <iosfwd>
#include <stop_token>
#include <string>

#include "store_url.hpp"

namespace clockwork::dashboard {
struct dashboard_options;
}

namespace clockwork::cli {

struct dashboard_command_options {
  std::string listen = "127.0.0.1:0";
  std::string token;
  std::string token_file;
  bool actions = false;
  bool watch_signals = true;
  std::stop_token stop;
};

// The server's options the command line gives (usage_error for a malformed --listen, both
// --token and --token-file, an unreadable or empty token file). `clockwork-jobs work --dashboard`
// uses it too.
dashboard::dashboard_options server_options_of(const dashboard_command_options& options);

int dashboard_command(const store_url& url, const dashboard_command_options& options, std::ostream& out,
                      std::ostream& err);

}  // namespace clockwork::cli
