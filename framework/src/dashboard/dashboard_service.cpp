#include "clockwork/dashboard/dashboard_service.hpp"

#include <chrono>
#include <utility>

#include "clockwork/runtime/real_runtime.hpp"

namespace clockwork::dashboard {

dashboard_service::dashboard_service(std::shared_ptr<jobs::job_store> store, dashboard_options options)
    : store_(std::move(store)), options_(std::move(options)), listening_(url_.get_future().share()) {}

dashboard_service::~dashboard_service() {
  if (server_) server_->stop();
}

task<> dashboard_service::starting(std::stop_token) {
  auto* real = dynamic_cast<real_runtime*>(&rt());
  if (real == nullptr) {
    log()->info("the dashboard serves real sockets: nothing is served in a simulation");
    co_return;
  }
  server_.emplace(*real, store_, options_);  // std::invalid_argument for unsafe options
  server_->start();                          // std::runtime_error when the address cannot be bound
  log()->info("dashboard listening on {}{}", server_->url(), options_.actions ? "" : " (read-only)");
  url_.set_value(server_->url());
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
      std::move(name), [store = std::move(store), options = std::move(options)](service_provider&) {
        return std::make_shared<dashboard_service>(store, options);
      });
}

}  // namespace clockwork::dashboard
