#include "clockwork/testing/job_cluster.hpp"

#include <spdlog/logger.h>

#include <stdexcept>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/time/duration.hpp"

namespace clockwork::testing {
namespace {

// An instance's own wall clock: the simulation's, off by a fixed amount (skew). Monotonic time is
// shared: instances on one machine, or on machines whose clocks tick at the same rate.
class offset_clock final : public clockwork::clock {
 public:
  offset_clock(const clockwork::clock& base, std::chrono::nanoseconds offset) : base_(base), offset_(offset) {}
  steady_time steady_now() const override { return base_.steady_now(); }
  utc_time utc_now() const override { return saturating_add(base_.utc_now(), offset_); }
  utc_time stamp_utc() const override { return saturating_add(base_.stamp_utc(), offset_); }
  const date::time_zone& local_zone() const override { return base_.local_zone(); }

 private:
  const clockwork::clock& base_;
  std::chrono::nanoseconds offset_;
};

void add_counters(jobs::worker_counters& into, const jobs::worker_counters& c) {
  into.claimed += c.claimed;
  into.succeeded += c.succeeded;
  into.failed += c.failed;
  into.released += c.released;
  into.snoozed += c.snoozed;
  into.lease_lost += c.lease_lost;
  into.rescued += c.rescued;
  into.store_errors += c.store_errors;
}

}  // namespace

struct job_cluster::instance {
  instance(virtual_runtime& rt, cluster_instance s)
      : spec(std::move(s)), clock(rt.clock(), spec.clock_offset), done(rt, "instance '" + spec.name + "' stopped") {}
  cluster_instance spec;
  offset_clock clock;
  std::shared_ptr<jobs::simulated_job_store> connection;
  std::unique_ptr<jobs::job_worker> worker;
  std::unique_ptr<jobs::recurring_scheduler> scheduler;
  std::stop_source stop;
  async_event done;
  unsigned engines = 0;  // engines still running in this incarnation
  bool alive = false;
  unsigned incarnation = 0;
};

// The cluster as one hosted service.
class job_cluster::service final : public background_service {
 public:
  explicit service(std::shared_ptr<job_cluster> cluster) : cluster_(std::move(cluster)) {}
  task<> execute(std::stop_token stopping) override {
    cluster_->log_ = log();
    for (auto& i : cluster_->instances_) cluster_->start(*i);
    cluster_->started_ = true;
    const bool waited = co_await rt().try_delay(infinite, stopping);
    (void)waited;
    co_await cluster_->stop_all();
  }

 private:
  std::shared_ptr<job_cluster> cluster_;
};

job_cluster::job_cluster(virtual_runtime& rt, std::shared_ptr<jobs::simulated_job_store> db,
                         jobs::job_registry registry, jobs::recurring_scheduler_options recurring)
    : rt_(rt),
      db_(std::move(db)),
      registry_(std::make_shared<const jobs::job_registry>(std::move(registry))),
      recurring_(std::move(recurring)) {
  if (!db_) throw std::invalid_argument("clockwork::testing::job_cluster: no store");
  for (const auto& d : recurring_.definitions) jobs::validate_recurring(d);
}

job_cluster::~job_cluster() = default;

void job_cluster::add(cluster_instance spec) {
  if (started_) throw std::logic_error("clockwork::testing::job_cluster: add instances before the host starts");
  if (spec.name.empty()) throw std::invalid_argument("clockwork::testing::job_cluster: an instance needs a name");
  if (find_if(spec.name)) {
    throw std::invalid_argument("clockwork::testing::job_cluster: instance '" + spec.name + "' is added twice");
  }
  spec.worker.instance = spec.name;
  spec.worker.validate();
  instances_.push_back(std::make_unique<instance>(rt_, std::move(spec)));
}

void job_cluster::host_on(host_builder& builder, std::string service_name) {
  builder.add_hosted_service<service>(std::move(service_name), [self = shared_from_this()](service_provider& sp) {
    self->scopes_ = sp.get<scope_factory>();
    return std::make_shared<service>(self);
  });
}

job_cluster::instance& job_cluster::find(std::string_view name) {
  for (auto& i : instances_) {
    if (i->spec.name == name) return *i;
  }
  throw std::invalid_argument("clockwork::testing::job_cluster: no instance named '" + std::string(name) + "'");
}

const job_cluster::instance* job_cluster::find_if(std::string_view name) const {
  for (const auto& i : instances_) {
    if (i->spec.name == name) return i.get();
  }
  return nullptr;
}

task<> job_cluster::run_worker(instance& i, jobs::job_worker& w, std::stop_token stop) {
  co_await w.run(stop);
  if (--i.engines == 0) i.done.set();
}

task<> job_cluster::run_scheduler(instance& i, jobs::recurring_scheduler& s, std::stop_token stop) {
  co_await s.run(stop);
  if (--i.engines == 0) i.done.set();
}

void job_cluster::start(instance& i) {
  ++i.incarnation;
  const std::string& name = i.spec.name;
  // The first incarnation keeps a connection a test made early (to script its faults); a restart
  // gets a new one, as a new process does.
  if (!i.connection || i.connection->severed()) {
    i.connection = db_->connect(i.incarnation == 1 ? name : name + "#" + std::to_string(i.incarnation));
  }
  jobs::worker_options o = i.spec.worker;
  o.own_clock = &i.clock;
  // Each instance logs under its own name, as each process would.
  auto log = log_ ? log_->clone(name) : nullptr;
  i.worker = std::make_unique<jobs::job_worker>(rt_, i.connection, registry_, o, scopes_, log);
  i.stop = std::stop_source{};
  i.done.reset();
  i.alive = true;
  i.engines = 1;
  rt_.spawn_as(run_worker(i, *i.worker, i.stop.get_token()), name + " worker", name);
  if (i.spec.recurring) {
    i.scheduler = std::make_unique<jobs::recurring_scheduler>(rt_, i.connection, recurring_, log, name + " recurring");
    ++i.engines;
    rt_.spawn_as(run_scheduler(i, *i.scheduler, i.stop.get_token()), name + " recurring", name);
  }
}

void job_cluster::freeze(std::string_view name, std::chrono::nanoseconds d) {
  instance& i = find(name);
  if (!i.alive) return;
  rt_.emit("instance_frozen", i.spec.name, {{"for", std::to_string(d.count())}});
  rt_.freeze(i.spec.name, d);
}

void job_cluster::crash(std::string_view name) {
  instance& i = find(name);
  if (!i.alive) return;
  rt_.emit("instance_crashed", i.spec.name, {});
  i.connection->sever();
  rt_.crash(i.spec.name);  // its coroutines go first: they point into the worker
  if (i.worker) add_counters(retired_, i.worker->counters());
  i.worker.reset();
  i.scheduler.reset();
  i.alive = false;
  i.engines = 0;
  i.done.set();
  ++crashes_;
}

void job_cluster::restart(std::string_view name) {
  instance& i = find(name);
  if (i.alive) throw std::logic_error("clockwork::testing::job_cluster: instance '" + i.spec.name + "' is running");
  rt_.emit("instance_restarted", i.spec.name, {});
  start(i);
}

task<> job_cluster::stop_all() {
  for (auto& i : instances_) {
    if (i->alive) i->stop.request_stop();
  }
  for (auto& i : instances_) {
    if (!i->alive) continue;
    auto stopped = i->done.wait();
    co_await stopped;
  }
}

jobs::simulated_job_store& job_cluster::connection(std::string_view name) {
  instance& i = find(name);
  if (!i.connection) i.connection = db_->connect(i.spec.name);
  return *i.connection;
}

const jobs::job_worker* job_cluster::worker(std::string_view name) const {
  const instance* i = find_if(name);
  return i ? i->worker.get() : nullptr;
}

bool job_cluster::alive(std::string_view name) const {
  const instance* i = find_if(name);
  return i && i->alive;
}

jobs::worker_counters job_cluster::totals() const {
  jobs::worker_counters out = retired_;
  for (const auto& i : instances_) {
    if (i->worker) add_counters(out, i->worker->counters());
  }
  return out;
}

}  // namespace clockwork::testing
