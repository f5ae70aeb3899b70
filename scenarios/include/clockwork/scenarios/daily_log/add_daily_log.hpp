// Registering the DailyLog scenario on a host: the maintenance service, the in-memory
// repositories, or both. Tests, the replay demo and the benchmarks all go through here.
//
//   // test or demo: everything, on an in-memory store
//   auto store = std::make_shared<clockwork::scenarios::daily_log_store>();
//   clockwork::scenarios::add_daily_log(sim.builder(), store);
//   ...
//   auto service = clockwork::scenarios::daily_log_service_of(sim.app());
//   EXPECT_EQ(service->stats().succeeded, 1u);
//   // production: the service alone; the three repository interfaces are registered (scoped)
//   // with database-backed implementations.
//   clockwork::scenarios::add_daily_log_service(builder, options);
//
// Misuse throws: invalid options (std::invalid_argument naming the field), a null store
// (std::invalid_argument), a second registration under one name (std::logic_error from the
// builder or the collection). Thread safety: as host_builder's (none; build on one thread).
#pragma once

#include <memory>
#include <string>

#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/scenarios/daily_log/daily_log_maintenance_service.hpp"
#include "clockwork/scenarios/daily_log/daily_log_options.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"

namespace clockwork::scenarios {

inline constexpr const char* daily_log_service_name = "daily_log";

// The hosted service, built from the root provider with its scope_factory.
host_builder& add_daily_log_service(host_builder& builder, daily_log_options options = {},
                                    std::string name = daily_log_service_name);

// The scoped in-memory user_profile_repository, daily_log_repository and unit_of_work on store.
service_collection& add_in_memory_daily_log_store(service_collection& services, std::shared_ptr<daily_log_store> store);

// Both of the above.
host_builder& add_daily_log(host_builder& builder, std::shared_ptr<daily_log_store> store,
                            daily_log_options options = {}, std::string name = daily_log_service_name);

// The service registered under name in app. Throws std::logic_error naming it when app has no
// such service or it is not a daily_log_maintenance_service.
std::shared_ptr<daily_log_maintenance_service> daily_log_service_of(const host& app,
                                                                    const std::string& name = daily_log_service_name);

}  // namespace clockwork::scenarios
