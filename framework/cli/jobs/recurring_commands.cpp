#include "recurring_commands.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <ostream>
#include <stdexcept>
#include <utility>

#include "clockwork/jobs/job_json.hpp"
#include "clockwork/jobs/recurring_scheduler.hpp"
#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/schedule/recurring_job.hpp"
#include "store_url.hpp"

namespace clockwork::cli {
namespace {

cron::dialect dialect_named(const std::string& name) {
  for (const auto d : std::array{cron::dialect::cronos5, cron::dialect::cronos6, cron::dialect::quartz}) {
    if (cron::to_string(d) == name) return d;
  }
  throw usage_error("--dialect " + name + ": give cronos5, cronos6 or quartz");
}

std::string in_words(const jobs::recurring_definition& r) {
  try {
    return cron::describe(cron::expression{r.expression, r.dialect});
  } catch (const std::exception&) {
    return "(not an expression of its dialect)";
  }
}

}  // namespace

jobs::recurring_definition recurring_definition_of(const recurring_add_options& o) {
  jobs::recurring_definition r;
  r.name = o.name;
  r.expression = o.cron;
  r.dialect = dialect_named(o.dialect);
  r.zone = o.zone;
  r.kind = o.kind;
  r.queue = o.queue;
  const auto policy = parse_misfire_policy(o.misfire);
  if (!policy) throw usage_error("--misfire " + o.misfire + ": give relaxed, strict or ignorable");
  r.misfire.policy = *policy;
  if (!o.payload.empty()) {
    try {
      r.payload = nlohmann::json::parse(o.payload);
    } catch (const nlohmann::json::parse_error& e) {
      throw usage_error("--payload is not JSON: " + std::string(e.what()));
    }
  }
  try {
    jobs::validate_recurring(r);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return r;
}

task<int> recurring_add_command(jobs::job_store& store, recurring_add_options options, std::ostream& out) {
  const jobs::recurring_definition r = recurring_definition_of(options);  // before anything is written
  co_await store.put_recurring(r);
  out << r.name << ": " << in_words(r) << ", in " << r.zone << " (misfire policy " << to_string(r.misfire.policy)
      << ")\n";
  co_return 0;
}

task<int> recurring_list_command(jobs::job_store& store, bool json, std::ostream& out) {
  const auto all = co_await store.recurring();
  if (json) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& r : all) array.push_back(jobs::to_json(r));
    out << array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    co_return 0;
  }
  if (all.empty()) out << "no recurring job is stored\n";
  for (const auto& r : all) {
    out << r.name << "  " << r.expression << " (" << cron::to_string(r.dialect) << ", " << in_words(r) << ") in "
        << r.zone << "  kind " << r.kind << "  queue " << r.queue << "  last fired "
        << (r.last_fired ? jobs::format_utc_micros(*r.last_fired) : std::string("never")) << "  misfires " << r.misfires
        << "\n";
  }
  co_return 0;
}

task<int> recurring_remove_command(jobs::job_store& store, std::string name, std::ostream& out, std::ostream& err) {
  // Awaited into a variable, not inside the condition: GCC 12 miscompiles an if whose condition
  // is a co_await (the program reaches an illegal instruction).
  const bool removed = co_await store.remove_recurring(name);
  if (!removed) {
    err << "clockwork-jobs: no recurring job named '" << name << "'\n";
    co_return 1;
  }
  out << name << ": removed\n";
  co_return 0;
}

task<int> recurring_trigger_command(jobs::job_store& store, std::string name, std::ostream& out, std::ostream& err) {
  const auto id = co_await store.trigger_recurring(name);
  if (!id) {
    err << "clockwork-jobs: no recurring job named '" << name << "'\n";
    co_return 1;
  }
  out << *id << "\n";
  co_return 0;
}

}  // namespace clockwork::cli
