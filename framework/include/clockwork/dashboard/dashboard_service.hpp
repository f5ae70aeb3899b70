// clockwork::dashboard::add_dashboard — the dashboard as a hosted service, added with one call:
// it starts serving as the host starts (a port that cannot be bound fails the start, naming the
// address), says where it listens in the log, and stops serving as the host stops (on the
// runtime's offload pool, so that requests still waiting for the loop get their answers).
//
// Inside a host it also shows the host's services (/services): their state and restarts from the
// host (host_status), their runs, findings and the host's recent events from a recent_history it
// attaches to the runtime when the host is built — beside the runtime's observer, if it has one
// (a trace, detectors), which keeps receiving everything. Install your own observer before
// building the host, not after: the dashboard puts the one it found back when it goes.
//
//   // production: beside the workers, in the same host
//   clockwork::jobs::add_job_worker(builder, store, registry, worker_options);
//   clockwork::dashboard::add_dashboard(builder, store, {.port = 8080});
//   // test (a real runtime): where it listens, once the host started
//   auto d = std::dynamic_pointer_cast<clockwork::dashboard::dashboard_service>(app.service("dashboard"));
//   const std::string url = d->listening().get();
//
// In a simulation (a virtual runtime) it serves nothing — a page over real sockets cannot run in
// virtual time — and says so in the log once.
//
// Thread safety: a hosted service (its hooks on the loop); listening() from any thread.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "clockwork/dashboard/dashboard.hpp"
#include "clockwork/diagnostics/observer_fanout.hpp"
#include "clockwork/diagnostics/recent_history.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/hosting/host_status.hpp"

namespace clockwork::dashboard {

class dashboard_service final : public background_service {
 public:
  dashboard_service(std::shared_ptr<jobs::job_store> store, dashboard_options options);
  ~dashboard_service() override;

  // Shows this host on the services page: keeps its recent events from now on (a recent_history
  // beside the runtime's observer). add_dashboard calls it while the host is built.
  void watch_host(runtime& rt, std::shared_ptr<const host_status> status);

  task<> starting(std::stop_token start) override;
  task<> execute(std::stop_token stopping) override;
  task<> stopping(std::stop_token shutdown) override;

  // The URL it listens on, once it does (never set in a simulation).
  std::shared_future<std::string> listening() const { return listening_; }

 private:
  std::shared_ptr<jobs::job_store> store_;
  dashboard_options options_;
  std::optional<dashboard_server> server_;
  std::promise<std::string> url_;
  std::shared_future<std::string> listening_;

  // What the services page shows, and how the history hears the runtime.
  std::shared_ptr<const host_status> status_;
  std::shared_ptr<recent_history> recent_;
  runtime* watched_ = nullptr;
  runtime_observer* previous_observer_ = nullptr;
  observer_fanout fanout_;
};

host_builder& add_dashboard(host_builder& builder, std::shared_ptr<jobs::job_store> store,
                            dashboard_options options = {}, std::string name = "dashboard");

}  // namespace clockwork::dashboard
