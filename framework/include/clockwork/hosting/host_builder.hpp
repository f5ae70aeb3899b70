// clockwork::host_builder — collects services, options, log sinks and a trace, then builds a
// clockwork::host on a runtime (.NET's HostApplicationBuilder).
//
// Example — the same registrations in production and in a test:
//
//   clockwork::host_builder builder{rt};                      // real_runtime or virtual_runtime
//   builder.services()
//       .add_scoped<daily_log_repository>([](clockwork::service_provider&) { ... })
//       .add_scoped<unit_of_work>([](clockwork::service_provider&) { ... });
//   builder.add_hosted_service<daily_log_service>("daily_log", [](clockwork::service_provider& sp) {
//     return std::make_shared<daily_log_service>(sp.get<clockwork::scope_factory>());
//   });
//   builder.options().shutdown_timeout = std::chrono::seconds(10);
//   builder.add_log_sink(console_sink);                       // test: a log_capture
//   clockwork::host app = builder.build();
//
// The host's provider also resolves: clockwork::runtime, clockwork::clock (the runtime's, unless
// the services registered one — a test's auto_advancing_clock),
// clockwork::application_lifetime, spdlog::logger (the host's root logger) and
// clockwork::scope_factory. Hosted services are built by build(), from the root provider, so a
// service that takes a scoped dependency in its constructor fails there, naming both (the
// patterns document's Pattern 1 mistake), when scope validation is on (the default).
//
// Misuse throws: two hosted services under one name (std::logic_error), invalid options
// (std::invalid_argument naming the field), build() twice (std::logic_error). A factory that
// throws makes build() rethrow its exception unchanged (the host's log names the service); the
// builder is left as it was, so build() may be called again.
//
// Thread safety: none; build on one thread, before the runtime runs the host.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <spdlog/common.h>

#include "clockwork/di/service_collection.hpp"
#include "clockwork/hosting/host.hpp"

namespace clockwork {

class host_builder {
 public:
  explicit host_builder(runtime& rt);

  service_collection& services() noexcept { return services_; }
  // The runtime the host will run on.
  runtime& rt() const noexcept { return *rt_; }
  host_options& options() noexcept { return options_; }
  host_builder& configure(const host_options& options);
  // Every record of the host and its services goes to these sinks, stamped with the runtime's
  // clock. None: logging is off.
  host_builder& add_log_sink(spdlog::sink_ptr sink);
  // The least severe level the host's loggers pass to their sinks (default info, as .NET's
  // default "Information").
  host_builder& set_log_level(spdlog::level::level_enum level) noexcept {
    log_level_ = level;
    return *this;
  }

  using service_factory = std::function<std::shared_ptr<background_service>(service_provider&)>;
  host_builder& add_hosted_service(std::string name, service_factory factory);

  template <std::derived_from<background_service> T, class Factory>
  requires std::is_invocable_r_v<std::shared_ptr<T>, Factory&, service_provider&> host_builder& add_hosted_service(
      std::string name, Factory factory) {
    return add_hosted_service(std::move(name), service_factory{[f = std::move(factory)](service_provider& sp) mutable {
                                return std::shared_ptr<background_service>(f(sp));
                              }});
  }

  // T is built from the root provider if it has a T(service_provider&) constructor, else
  // default-constructed.
  template <std::derived_from<background_service> T>
  host_builder& add_hosted_service(std::string name) {
    return add_hosted_service(std::move(name), service_factory{[](service_provider& sp) {
                                if constexpr (std::is_constructible_v<T, service_provider&>) {
                                  return std::shared_ptr<background_service>(std::make_shared<T>(sp));
                                } else {
                                  return std::shared_ptr<background_service>(std::make_shared<T>());
                                }
                              }});
  }

  host build();

 private:
  struct registration {
    std::string name;
    service_factory factory;
  };
  runtime* rt_;
  service_collection services_;
  host_options options_;
  std::vector<spdlog::sink_ptr> sinks_;
  std::vector<registration> hosted_;
  spdlog::level::level_enum log_level_ = spdlog::level::info;
  bool built_ = false;
};

}  // namespace clockwork
