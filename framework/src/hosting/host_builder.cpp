#include "clockwork/hosting/host_builder.hpp"

#include <spdlog/logger.h>

#include <stdexcept>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/hosting/detail/host_state.hpp"

namespace clockwork {

host_builder::host_builder(runtime& rt) : rt_(&rt) {}

host_builder& host_builder::configure(const host_options& options) {
  options.validate();
  options_ = options;
  return *this;
}

host_builder& host_builder::add_log_sink(spdlog::sink_ptr sink) {
  if (!sink) throw std::invalid_argument("clockwork::host_builder::add_log_sink: null sink");
  sinks_.push_back(std::move(sink));
  return *this;
}

host_builder& host_builder::add_hosted_service(std::string name, service_factory factory) {
  if (name.empty()) throw std::invalid_argument("clockwork::host_builder: a hosted service needs a name");
  if (!factory) throw std::invalid_argument("clockwork::host_builder: hosted service '" + name + "' has no factory");
  for (const auto& r : hosted_) {
    if (r.name == name) {
      throw std::logic_error("clockwork::host_builder: a hosted service named '" + name +
                             "' is already registered; names must be unique");
    }
  }
  hosted_.push_back({std::move(name), std::move(factory)});
  return *this;
}

host host_builder::build() {
  if (built_) throw std::logic_error("clockwork::host_builder::build: a builder builds one host");
  options_.validate();
  built_ = true;

  auto st = std::make_shared<host::state>();
  st->rt = rt_;
  st->options = options_;
  st->tracer = trace_;
  st->logger = sinks_.empty() ? make_null_logger() : make_logger("host", rt_->clock(), sinks_);
  if (!sinks_.empty()) st->logger->set_level(log_level_);  // service loggers inherit it
  st->stop_done = std::make_unique<async_event>(*rt_, "host stopped");
  if (!sinks_.empty()) rt_->set_logger(logger_for(st->logger, "runtime"));

  // What the host itself offers to services. The runtime and clock are not owned.
  runtime* rt = rt_;
  services_.add_singleton<runtime>(std::shared_ptr<runtime>(rt, [](runtime*) {}));
  services_.add_singleton<clock>(std::shared_ptr<clock>(const_cast<clock*>(&rt->clock()), [](clock*) {}));
  // Not owning: the provider lives inside the state, so sharing the state's ownership here
  // would make a cycle and leak every host.
  services_.add_singleton<application_lifetime>(
      std::shared_ptr<application_lifetime>(&st->lifetime, [](application_lifetime*) {}));
  services_.add_singleton<spdlog::logger>(st->logger);

  service_provider_options provider_options;
  provider_options.validate_scopes = options_.validate_scopes;
  std::weak_ptr<host::state> weak = st;
  provider_options.on_violation = [weak](std::string_view message) {
    if (auto s = weak.lock()) s->rt->report(finding_kind::scope_violation, "service_provider", std::string(message));
  };
  st->provider.emplace(services_, std::move(provider_options));

  for (auto& r : hosted_) {
    std::shared_ptr<background_service> service;
    try {
      service = r.factory(*st->provider);
    } catch (const std::exception& e) {
      // Name the hosted service: the provider's message names only what it was asked for.
      throw std::logic_error("clockwork::host_builder: building hosted service '" + r.name + "' failed: " + e.what());
    }
    if (!service) throw std::logic_error("clockwork::host_builder: the factory of '" + r.name + "' returned null");
    service->attach(*rt_, sinks_.empty() ? st->logger : logger_for(st->logger, r.name), r.name);
    auto slot = std::make_unique<detail::service_slot>();
    slot->name = r.name;
    slot->service = std::move(service);
    slot->done = std::make_unique<async_event>(*rt_, "service '" + r.name + "' ended");
    st->slots.push_back(std::move(slot));
  }
  return host{std::move(st)};
}

}  // namespace clockwork
