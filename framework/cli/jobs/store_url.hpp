// The --store URL of clockwork-jobs: which backend, and where. Each scheme is one row of a table
// (store_url.cpp): its prefix, how its location is read, how a store is opened and migrated —
// a PostgreSQL row (postgresql://...) goes beside the SQLite one without touching the commands.
//
//   auto url = parse_store_url("sqlite:/var/lib/app/jobs.db");   // usage_error when malformed
//   auto store = open_store(url, rt, "worker-1");                 // usage_error when it cannot be opened
//
// Thread safety: pure functions, except open_store and migrate_store (they open files).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "clockwork/jobs/job_store.hpp"

namespace clockwork {
class runtime;
}

namespace clockwork::cli {

// Bad input to clockwork-jobs: exit status 2, the message on one line.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct store_url {
  std::string scheme;    // "sqlite"
  std::string location;  // the file's path for sqlite
  std::string text;      // as given
  // PostgreSQL: where the store LISTENs, when not at `text` (work --listen-store: straight to the
  // server while --store goes through a pooler). Empty: at `text`.
  std::string listen;
};

// usage_error naming the schemes this build knows.
store_url parse_store_url(std::string_view text);

// Opens the store; `name` is who the connection is in job history. A store that cannot be opened
// — or whose schema is missing, older or newer — is a usage_error with the store's own message.
std::shared_ptr<jobs::job_store> open_store(const store_url& url, runtime& rt, std::string name);

// Creates or upgrades the store's schema; returns one line saying what was done.
std::string migrate_store(const store_url& url);

}  // namespace clockwork::cli
