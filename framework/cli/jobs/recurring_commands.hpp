// `clockwork-jobs recurring ...`: the recurring jobs kept in a store — add (or change) one, list
// them, remove one, trigger one now. Every worker (`clockwork-jobs work`) runs a recurring
// scheduler that fires the stored definitions, once across every instance.
//
//   $ clockwork-jobs recurring add --store sqlite:jobs.db digest --cron '*/5 * * * *' --kind example.sleep
//         --payload '{"ms": 20}' --zone Europe/Berlin                  (one line)
//   digest: every 5 minutes, in Europe/Berlin (misfire policy relaxed)
//   $ clockwork-jobs recurring list --store sqlite:jobs.db
//   $ clockwork-jobs recurring trigger --store sqlite:jobs.db digest    prints the new job's id
//   $ clockwork-jobs recurring remove --store sqlite:jobs.db digest
//
// A definition is checked before anything is written (usage_error, exit 2): an expression that
// does not parse in its dialect, an unknown zone, dialect or misfire policy, a payload that is not
// JSON, no kind. Adding a name that exists replaces its schedule (it then starts from now).
//
// Thread safety: the coroutines run on the store's runtime.
#pragma once

#include <iosfwd>
#include <string>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/task.hpp"

namespace clockwork::cli {

struct recurring_add_options {
  std::string name;
  std::string cron;
  std::string dialect = "cronos5";
  std::string zone = "UTC";
  std::string kind;
  std::string payload;  // JSON text; empty: {}
  std::string queue = "default";
  std::string misfire = "relaxed";
};

// The definition the options describe, checked (usage_error naming what is wrong).
jobs::recurring_definition recurring_definition_of(const recurring_add_options& options);

task<int> recurring_add_command(jobs::job_store& store, recurring_add_options options, std::ostream& out);
task<int> recurring_list_command(jobs::job_store& store, bool json, std::ostream& out);
// 1 when there is no definition by that name.
task<int> recurring_remove_command(jobs::job_store& store, std::string name, std::ostream& out, std::ostream& err);
task<int> recurring_trigger_command(jobs::job_store& store, std::string name, std::ostream& out, std::ostream& err);

}  // namespace clockwork::cli
