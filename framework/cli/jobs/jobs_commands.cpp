#include "jobs_commands.hpp"

#include <charconv>
#include <ostream>

#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/time/parse_duration.hpp"
#include "jobs_output.hpp"
#include "store_url.hpp"

namespace clockwork::cli {
namespace {

constexpr int max_count = 100'000;
constexpr std::size_t batch_size = 1000;  // jobs per transaction: a long --count commits as it goes

std::string state_names() {
  std::string names;
  for (const jobs::job_state s : jobs::all_job_states)
    names += (names.empty() ? "" : ", ") + std::string(jobs::to_string(s));
  return names;
}

// The job as enqueue will add it, every field checked first.
jobs::new_job job_of(const enqueue_options& o) {
  jobs::new_job j;
  j.kind = o.kind;
  j.queue = o.queue;
  if (!o.payload.empty()) {
    try {
      j.payload = nlohmann::json::parse(o.payload);
    } catch (const nlohmann::json::exception& e) {
      throw usage_error("--payload is not JSON: " + std::string(e.what()));
    }
  }
  if (!o.in.empty() && !o.at.empty()) throw usage_error("--in and --at cannot be used together");
  if (!o.in.empty()) {
    try {
      j.delay = parse_duration(o.in);
    } catch (const std::invalid_argument& e) {
      throw usage_error("--in: " + std::string(e.what()));
    }
  }
  if (!o.at.empty()) {
    try {
      j.at = cron::parse_instant(o.at);
    } catch (const std::exception& e) {
      throw usage_error("--at: " + std::string(e.what()));
    }
  }
  if (!o.unique.empty()) j.unique = jobs::unique_options{o.unique};
  if (o.count < 1 || o.count > max_count) {
    throw usage_error("--count must be between 1 and " + std::to_string(max_count) + " (got " +
                      std::to_string(o.count) + ")");
  }
  if (o.count > 1 && j.unique) {
    throw usage_error("--count cannot be used with --unique: one unique key names one job");
  }
  try {
    jobs::validate_new_job(j);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return j;
}

}  // namespace

jobs::job_id parse_job_id(const std::string& text) {
  jobs::job_id id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw usage_error("'" + text + "' is not a job id (a positive integer)");
  }
  return id;
}

task<int> enqueue_command(jobs::job_store& store, enqueue_options options, std::ostream& out, std::ostream& err) {
  const jobs::new_job job = job_of(options);
  for (int done = 0; done < options.count;) {
    const auto n = std::min<std::size_t>(batch_size, static_cast<std::size_t>(options.count - done));
    const auto results = co_await store.enqueue(std::vector<jobs::new_job>(n, job));
    for (const jobs::enqueue_result& r : results) {
      out << r.id << "\n";
      if (r.duplicate) {
        err << "clockwork-jobs: job " << r.id << " with unique key '" << options.unique
            << "' exists already: nothing enqueued\n";
      }
    }
    done += static_cast<int>(n);
  }
  co_return 0;
}

task<int> list_command(jobs::job_store& store, std::string state, bool json, std::ostream& out) {
  jobs::job_query query;
  if (!state.empty()) {
    query.state = jobs::parse_job_state(state);
    if (!query.state) throw usage_error("--state '" + state + "' is not a state (one of " + state_names() + ")");
  }
  query.page_size = 1000;
  std::vector<jobs::job> all;
  for (;; ++query.page) {
    jobs::job_page page = co_await store.list(query);
    const bool last = page.jobs.size() < query.page_size;
    for (auto& j : page.jobs) all.push_back(std::move(j));
    if (last || all.size() >= page.total) break;
  }
  if (json) {
    print_jobs_json(out, all);
  } else {
    print_jobs_text(out, all);
  }
  co_return 0;
}

task<int> stats_command(jobs::job_store& store, bool json, std::ostream& out) {
  const jobs::store_stats s = co_await store.stats();
  if (json) {
    print_stats_json(out, s);
  } else {
    print_stats_text(out, s);
  }
  co_return 0;
}

namespace {

// The answer to an operator's action, for people; 0 when applied.
task<int> report(jobs::job_store& store, jobs::job_id id, jobs::write_outcome outcome, const char* done,
                 const char* allowed, std::ostream& out, std::ostream& err) {
  switch (outcome) {
    case jobs::write_outcome::applied: out << "job " << id << ": " << done << "\n"; co_return 0;
    case jobs::write_outcome::not_found: err << "clockwork-jobs: no job " << id << "\n"; co_return 1;
    default: break;
  }
  const auto j = co_await store.get(id);
  err << "clockwork-jobs: job " << id << " is " << (j ? jobs::to_string(j->state) : "gone") << ": " << allowed << "\n";
  co_return 1;
}

}  // namespace

task<int> retry_command(jobs::job_store& store, jobs::job_id id, std::ostream& out, std::ostream& err) {
  const auto outcome = co_await store.retry(id);
  co_return co_await report(store, id, outcome, "available again (one more attempt allowed)",
                            "only a succeeded, failed or cancelled job can be retried", out, err);
}

task<int> cancel_command(jobs::job_store& store, jobs::job_id id, std::ostream& out, std::ostream& err) {
  const auto outcome = co_await store.cancel(id);
  co_return co_await report(store, id, outcome, "cancelled", "a finished job cannot be cancelled", out, err);
}

}  // namespace clockwork::cli
