#include "clockwork/dashboard/dashboard_service.hpp"

#include <chrono>
#include <utility>

#include "clockwork/runtime/real_runtime.hpp"

namespace clockwork::dashboard {

dashboard_service::dashboard_service(std::shared_ptr<jobs::job_store> store, dashboard_options options)
    : store_(std::move(store)), options_(std::move(options)), listening_(url_.get_future().share()) {}

dashboard_service::~dashboard_service() {
  if (server_) server_->stop();
  // Put back the observer found, unless someone replaced ours since (then ours is not in use).
  if (watched_ != nullptr && watched_->observer() == &fanout_) watched_->set_observer(previous_observer_);
}

void dashboard_service::watch_host(runtime& rt, std::shared_ptr<const host_status> status) {
  if (watched_ != nullptr) return;
  status_ = std::move(status);
  // Job records stay out: the store keeps every job's history, and a busy worker's records would
  // push the services' own out of the ring.
  recent_ = std::make_shared<recent_history>(rt.clock(), recent_history_options{.ignore_kind_prefixes = {"job."}});
  previous_observer_ = rt.observer();
  if (previous_observer_ != nullptr) fanout_.add(*previous_observer_);
  fanout_.add(*recent_);
  rt.set_observer(&fanout_);
  watched_ = &rt;
}

task<> dashboard_service::starting(std::stop_token) {
  auto* real = dynamic_cast<real_runtime*>(&rt());
  if (real == nullptr) {
    log()->info("the dashboard serves real sockets: nothing is served in a simulation");
    co_return;
  }
  server_.emplace(*real, store_, options_);  // std::invalid_argument for unsafe options
  if (status_) server_->show_host(status_, recent_);
  server_->start();  // std::runtime_error when the address cannot be bound
  log()->info("dashboard listening on {}{}", server_->url(), options_.actions ? "" : " (read-only)");
  url_.set_value(server_->url());
  if (options_.on_listening) options_.on_listening(server_->url());
}

task<> dashboard_service::execute(std::stop_token stopping) {
  // Nothing to do on the loop: the server has threads of its own. Wait for the stop quietly.
  while (!stopping.stop_requested()) co_await rt().try_delay(std::chrono::hours(24), stopping);
}

task<> dashboard_service::stopping(std::stop_token) {
  if (!server_) co_return;
  // Off the loop: a request waiting for the loop's answer gets it while the server winds down.
  co_await rt().offload([this] { server_->stop(); });
}

host_builder& add_dashboard(host_builder& builder, std::shared_ptr<jobs::job_store> store, dashboard_options options,
                            std::string name) {
  return builder.add_hosted_service<dashboard_service>(
      std::move(name), [store = std::move(store), options = std::move(options)](service_provider& sp) {
        auto d = std::make_shared<dashboard_service>(store, options);
        d->watch_host(*sp.get<runtime>(), sp.get<host_status>());
        return d;
      });
}

}  // namespace clockwork::dashboard
