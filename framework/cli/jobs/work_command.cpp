#include "work_command.hpp"

#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <ostream>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/jobs/recurring_scheduler.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/time/parse_duration.hpp"
#include "example_kinds.hpp"
#ifdef CLOCKWORK_HAS_DASHBOARD
#include "clockwork/dashboard/dashboard.hpp"
#include "clockwork/dashboard/dashboard_service.hpp"
#endif

namespace clockwork::cli {
namespace {

using namespace std::chrono_literals;

jobs::worker_options worker_options_of(const work_options& o) {
  jobs::worker_options w;
  w.instance = o.instance;
  w.queues = o.queues;
  w.concurrency = o.concurrency;
  try {
    w.lease = parse_duration(o.lease);
  } catch (const std::invalid_argument& e) {
    throw usage_error("--lease: " + std::string(e.what()));
  }
  if (w.lease < 100ms) throw usage_error("--lease must be at least 100ms (got " + o.lease + ")");
  // Short leases (a test's) bring the rest along: stop trusting a quarter of a lease early, look
  // for expired leases twice per lease.
  w.trust_margin = std::min(w.trust_margin, w.lease / 4);
  w.rescue_interval = std::min(w.rescue_interval, w.lease / 2);
  try {
    w.validate();
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return w;
}

// What a snapshot of the store (one read transaction) says of our queues.
struct queue_load {
  std::uint64_t pending = 0;  // scheduled, available or retrying, of any kind
  std::uint64_t running = 0;
};

queue_load load_of(const jobs::store_stats& s, const std::vector<std::string>& queues) {
  queue_load load;
  for (const jobs::queue_info& q : s.queues) {
    if (std::find(queues.begin(), queues.end(), q.name) == queues.end()) continue;
    load.pending += q.pending;
    load.running += q.running;
  }
  return load;
}

// Stops the application once nothing of ours is pending and nothing is running under anyone's
// lease. A rescue first: a job whose worker was killed becomes ours to run, not a reason to wait.
// "Nothing" is decided on one snapshot of the store, never on two reads (a job that moves from
// running to retrying between a read of the running and a read of the pending ones is in
// neither). Pending jobs of kinds we do not serve do not keep us: that takes a second read, and
// it counts only when no claim happened meanwhile (the store's claim total did not move).
task<> stop_when_empty(jobs::job_store& store, runtime& rt, std::vector<std::string> queues,
                       std::vector<std::string> kinds, application_lifetime& lifetime) {
  const std::stop_token stopping = lifetime.stopping();
  while (!stopping.stop_requested()) {
    try {
      co_await store.rescue(100);
      const jobs::store_stats before = co_await store.stats();
      const queue_load load = load_of(before, queues);
      bool empty = load.running == 0 && load.pending == 0;
      if (!empty && load.running == 0) {
        const auto ours = co_await store.next_due(queues, kinds);
        const jobs::store_stats after = co_await store.stats();
        empty = !ours && after.claimed == before.claimed && load_of(after, queues).running == 0;
      }
      if (empty) {
        lifetime.stop_application();
        co_return;
      }
    } catch (const jobs::store_unavailable&) {
      // The worker reports it; look again later.
    }
    const bool waited = co_await rt.try_delay(100ms, stopping);
    if (!waited) co_return;
  }
}

task<> watch_until_empty(jobs::job_store& store, runtime& rt, std::vector<std::string> queues,
                         std::vector<std::string> kinds, application_lifetime& lifetime, async_event& ended) {
  try {
    co_await stop_when_empty(store, rt, std::move(queues), std::move(kinds), lifetime);
  } catch (...) {
    lifetime.stop_application();  // a watcher that cannot watch must not leave the process running forever
  }
  ended.set();
}

task<> wait_for(async_event& event) {
  co_await event.wait();
}

}  // namespace

int work_command(const store_url& url, const work_options& o, std::ostream& out, std::ostream& err) {
  const jobs::worker_options w = worker_options_of(o);
  real_runtime rt;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(err, /*force_flush=*/true);
  host_builder builder{rt};
  builder.add_log_sink(sink);
  std::shared_ptr<jobs::job_store> store = open_store(url, rt, o.instance);
  const std::string service = "jobs." + o.instance;
  jobs::add_job_worker(builder, store, example_registry(), w, service);
  jobs::add_recurring_scheduler(builder, store, {}, "recurring." + o.instance);
  if (o.with_dashboard) {
#ifdef CLOCKWORK_HAS_DASHBOARD
    dashboard::dashboard_options d = server_options_of(o.dashboard);
    d.on_listening = [&out](const std::string& where) { out << "dashboard listening on " << where << std::endl; };
    try {
      dashboard::dashboard_server check{rt, store, d};  // unsafe options refused before anything starts
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
    dashboard::add_dashboard(builder, store, std::move(d));
#else
    throw usage_error("--dashboard: this clockwork-jobs was built without the dashboard");
#endif
  }
  host app = builder.build();
  if (o.watch_signals) rt.stop_on_signals(app.lifetime().stop_source());
  std::stop_callback on_stop(o.stop, [source = app.lifetime().stop_source()]() mutable { source.request_stop(); });
  async_event watcher_ended{rt, "until-empty watcher ended"};
  if (o.until_empty) {
    rt.spawn(watch_until_empty(*store, rt, w.queues, example_registry().kinds(), app.lifetime(), watcher_ended),
             "until-empty");
  } else {
    watcher_ended.set();
  }
  const host_result result = rt.block_on(app.run());
  // The watcher may be inside a store call: the store outlives it.
  rt.block_on(wait_for(watcher_ended));
  if (const auto svc = std::dynamic_pointer_cast<jobs::job_worker_service>(app.service(service));
      svc && svc->worker()) {
    const jobs::worker_counters& c = svc->worker()->counters();
    out << "worker " << svc->worker()->instance() << ": claimed " << c.claimed << ", succeeded " << c.succeeded
        << ", failed " << c.failed << ", released " << c.released << ", lease_lost " << c.lease_lost << ", rescued "
        << c.rescued << ", store_errors " << c.store_errors << "\n";
  }
  if (!result.ok()) {
    err << "clockwork-jobs: the worker did not stop cleanly: " << result.summary() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace clockwork::cli
