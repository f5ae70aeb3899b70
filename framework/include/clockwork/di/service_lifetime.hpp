// clockwork::service_lifetime — how long a service resolved from a service_provider lives.
//
//   services.add_singleton<clock_source>(...);    // one per root provider
//   services.add_scoped<daily_log_repository>(...);  // one per scope (a unit of work)
//   services.add_transient<report_builder>(...);  // a new one each time it is resolved
//   // production and tests register the same lifetimes; tests swap the factories for fakes.
//
// Ownership: a singleton belongs to the root provider and is disposed when the root is
// destroyed. A scoped instance belongs to its scope. A transient belongs to the scope that
// created it (the root keeps only transients that have a dispose(), see service_provider.hpp).
//
// Thread safety: plain enum.
#pragma once

#include <string_view>

namespace clockwork {

enum class service_lifetime {
  singleton,
  scoped,
  transient,
};

// "singleton", "scoped" or "transient".
std::string_view to_string(service_lifetime lifetime) noexcept;

}  // namespace clockwork
