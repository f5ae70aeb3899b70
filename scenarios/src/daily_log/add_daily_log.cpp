#include "clockwork/scenarios/daily_log/add_daily_log.hpp"

#include <stdexcept>
#include <utility>

#include "clockwork/scenarios/daily_log/in_memory_repositories.hpp"

namespace clockwork::scenarios {

host_builder& add_daily_log_service(host_builder& builder, daily_log_options options, std::string name) {
  options.validate();  // here, naming the field, rather than later when the host is built
  return builder.add_hosted_service<daily_log_maintenance_service>(std::move(name), [options](service_provider& sp) {
    return std::make_shared<daily_log_maintenance_service>(sp.get<scope_factory>(), options);
  });
}

service_collection& add_in_memory_daily_log_store(service_collection& services,
                                                  std::shared_ptr<daily_log_store> store) {
  if (!store) throw std::invalid_argument("clockwork::scenarios::add_in_memory_daily_log_store: null daily_log_store");
  services.add_scoped<in_memory_unit_of_work>(
      [store](service_provider& sp) { return std::make_shared<in_memory_unit_of_work>(store, *sp.get<runtime>()); });
  // The interface resolves to the scope's one instance, which the repository stages into.
  services.add_scoped<unit_of_work>([](service_provider& sp) { return sp.get<in_memory_unit_of_work>(); });
  services.add_scoped<user_profile_repository>([store](service_provider& sp) {
    return std::make_shared<in_memory_user_profile_repository>(store, *sp.get<runtime>());
  });
  services.add_scoped<daily_log_repository>([](service_provider& sp) {
    return std::make_shared<in_memory_daily_log_repository>(sp.get<in_memory_unit_of_work>(), *sp.get<runtime>());
  });
  return services;
}

host_builder& add_daily_log(host_builder& builder, std::shared_ptr<daily_log_store> store, daily_log_options options,
                            std::string name) {
  if (!store) throw std::invalid_argument("clockwork::scenarios::add_daily_log: null daily_log_store");
  options.validate();
  add_in_memory_daily_log_store(builder.services(), std::move(store));
  return add_daily_log_service(builder, options, std::move(name));
}

std::shared_ptr<daily_log_maintenance_service> daily_log_service_of(const host& app, const std::string& name) {
  std::shared_ptr<background_service> service;
  try {
    service = app.service(name);
  } catch (const std::out_of_range&) {
  }
  auto daily = std::dynamic_pointer_cast<daily_log_maintenance_service>(service);
  if (!daily) {
    throw std::logic_error(
        "clockwork::scenarios::daily_log_service_of: the host has no daily_log_maintenance_service "
        "named '" +
        name + "'");
  }
  return daily;
}

}  // namespace clockwork::scenarios
