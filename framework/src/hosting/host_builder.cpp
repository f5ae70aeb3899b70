#include "clockwork/hosting/host_builder.hpp"

#include <spdlog/logger.h>

#include <stdexcept>
#include <typeinfo>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/errors.hpp"
#include "clockwork/hosting/detail/host_state.hpp"
#include "clockwork/hosting/host_status.hpp"

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

  auto st = std::make_shared<host::state>();
  st->rt = rt_;
  st->options = options_;
  st->logger = sinks_.empty() ? make_null_logger() : make_logger("host", rt_->clock(), sinks_);
  if (!sinks_.empty()) st->logger->set_level(log_level_);  // service loggers inherit it
  st->start_done = std::make_unique<async_event>(*rt_, "host started");
  st->stop_done = std::make_unique<async_event>(*rt_, "host stopped");

  // What the host itself offers to services, added to a copy so that a failed build can be
  // retried. The runtime and clock outlive every host by contract and are not owned; the
  // lifetime is shared, so a singleton may keep it past the host.
  service_collection services = services_;
  runtime* rt = rt_;
  services.add_singleton<runtime>(std::shared_ptr<runtime>(rt, [](runtime*) {}));
  // A test may hand services a clock of its own (an auto_advancing_clock, say).
  if (!services.contains<clock>()) {
    services.add_singleton<clock>(std::shared_ptr<clock>(const_cast<clock*>(&rt->clock()), [](clock*) {}));
  }
  services.add_singleton<application_lifetime>(st->lifetime);
  services.add_singleton<spdlog::logger>(st->logger);
  // A view of the host for services that show it (the dashboard); weak, so it never keeps the
  // host's state alive from inside that state's own container.
  services.add_singleton<host_status>(std::make_shared<host_status>(std::weak_ptr<host::state>(st)));

  service_provider_options provider_options;
  provider_options.validate_scopes = options_.validate_scopes;
  std::weak_ptr<host::state> weak = st;
  // Who calls the container: the hosted service being built, or the service whose work is
  // running. Violations and leaked scopes name it.
  auto building = std::make_shared<std::string>();
  runtime* loop = rt_;
  provider_options.owner_of_call = [building, loop]() -> std::string {
    if (!building->empty()) return *building;
    const task_info* task = loop->current_task();
    return task != nullptr ? task->root : std::string();
  };
  provider_options.on_violation = [weak, building](std::string_view message, std::string_view owner) {
    auto s = weak.lock();
    if (!s) return;
    const std::string source = owner.empty() ? std::string("service_provider") : std::string(owner);
    const std::string text =
        !building->empty() ? "hosted service '" + *building + "': " + std::string(message) : std::string(message);
    s->rt->report(finding_kind::scope_violation, source, text);
  };
  // Raw pointer, not the weak one: the provider ends inside the state's destructor, when no
  // weak_ptr can be locked any more, and its disposal errors must still be logged.
  host::state* raw = st.get();
  provider_options.on_dispose_error = [raw](std::string_view service, std::exception_ptr error) {
    raw->disposal_failed(service, error, raw->disposal_in_result);
  };
  st->provider.emplace(services, std::move(provider_options));

  for (auto& r : hosted_) {
    std::shared_ptr<background_service> service;
    *building = r.name;
    try {
      service = r.factory(*st->provider);
    } catch (const std::logic_error& e) {
      // The container's own errors (a captive dependency, a missing registration) are exactly
      // std::logic_error: naming the hosted service keeps their type. Anything else is rethrown
      // unchanged, so that callers can catch what the factory threw.
      st->logger->error("building hosted service '{}' failed: {}", r.name, e.what());
      if (typeid(e) == typeid(std::logic_error)) {
        throw std::logic_error("clockwork::host_builder: building hosted service '" + r.name + "' failed: " + e.what());
      }
      throw;
    } catch (...) {
      st->logger->error("building hosted service '{}' failed: {}", r.name,
                        describe_exception(std::current_exception()));
      throw;
    }
    building->clear();
    if (!service) throw std::logic_error("clockwork::host_builder: the factory of '" + r.name + "' returned null");
    service->attach(*rt_, sinks_.empty() ? st->logger : logger_for(st->logger, r.name), r.name);
    auto slot = std::make_unique<detail::service_slot>();
    slot->name = r.name;
    slot->service = std::move(service);
    slot->done = std::make_unique<async_event>(*rt_, "service '" + r.name + "' ended");
    st->slots.push_back(std::move(slot));
  }
  built_ = true;
  if (!sinks_.empty()) rt_->set_logger(logger_for(st->logger, "runtime"));
  return host{std::move(st)};
}

}  // namespace clockwork
