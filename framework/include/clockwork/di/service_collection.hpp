// clockwork::service_collection — the list of services a program offers, each with a lifetime
// and a factory; build() turns it into the root service_provider.
//
// This is the patterns document's Pattern 1 (scoped service access) in C++: a background service is a
// singleton, repositories and the unit of work are scoped, and the service opens one scope per
// unit of work through the scope_factory it was given. Production and tests share the
// registrations of the service itself and differ only in the factories of its dependencies.
//
// Hand-written rather than taken from a library: Debian 12 packages no C++ dependency-injection
// container, and what clockwork needs is small (a few hundred lines) and specific — scopes that
// dispose in reverse order and scope validation that names both ends of a captive dependency.
//
// Example:
//
//   clockwork::service_collection services;
//   services.add_singleton<daily_log_maintenance>([](clockwork::service_provider& sp) {
//     return std::make_shared<daily_log_maintenance>(sp.get<clockwork::scope_factory>());
//   });
//   // production:
//   services.add_scoped<daily_log_repository>([](clockwork::service_provider& sp) {
//     return std::make_shared<sql_daily_log_repository>(sp.get<sql_connection>());
//   });
//   services.add_scoped<unit_of_work>([](clockwork::service_provider& sp) {
//     return std::make_shared<sql_unit_of_work>(sp.get<sql_connection>());
//   });
//   // test, instead of the two above:
//   services.add_scoped<daily_log_repository>([] { return std::make_shared<in_memory_daily_log_repository>(); });
//   services.add_scoped<unit_of_work>([] { return std::make_shared<in_memory_unit_of_work>(); });
//
//   clockwork::service_provider provider = services.build();  // validate_scopes is on
//
// Factories: a callable taking service_provider& (to resolve dependencies, always from the
// provider it is given) or nothing, returning std::shared_ptr<U>, std::unique_ptr<U> or a U by
// value, where U is T or derives from T. Returning null is an error reported at resolution.
// Disposal has one mechanism: if U has a `void dispose()` member, the owner of the instance (its
// scope, or the root) calls it when it ends, then releases its reference; see
// service_provider.hpp. U is the type the factory returns, known at compile time: a factory
// returning shared_ptr<interface> gets dispose() called only if the interface declares it.
//
// Contract:
//   - Services are keyed by type. Registering a type twice throws std::logic_error naming it;
//     contains<T>() tells whether a type is registered.
//   - The display name used in messages is the demangled type name unless one is given.
//   - build() copies the registrations; the collection can be changed and built again. Two
//     providers built from one collection share factories but no instances.
//   - Thread safety: none. A collection is filled and built on one thread, before any service
//     runs.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "clockwork/di/detail/service_factory.hpp"
#include "clockwork/di/service_lifetime.hpp"
#include "clockwork/di/service_provider.hpp"

namespace clockwork {

// A factory for T: invocable with service_provider& or with nothing.
template <class Factory>
concept service_factory_for = detail::provider_factory<Factory> || detail::nullary_factory<Factory>;

class service_collection {
 public:
  // One T per root provider, made by factory on first resolution (once, even under contention).
  template <class T, service_factory_for Factory>
  service_collection& add_singleton(Factory&& factory, std::string name = {}) {
    return add(typeid(T), std::move(name), service_lifetime::singleton,
               detail::erase_factory<T>(std::forward<Factory>(factory)));
  }

  // A ready-made singleton. The container did not make it, so it never calls its dispose();
  // the root only drops its reference when it ends.
  template <class T>
  service_collection& add_singleton(std::shared_ptr<T> instance, std::string name = {}) {
    if (!instance) {
      throw std::invalid_argument("clockwork::service_collection: null instance registered for '" +
                                  detail::type_name(typeid(T)) + "'");
    }
    std::shared_ptr<void> erased = std::move(instance);
    return add(typeid(T), std::move(name), service_lifetime::singleton,
               [erased = std::move(erased)](service_provider&) { return detail::created_service{erased}; });
  }

  // One T per scope.
  template <class T, service_factory_for Factory>
  service_collection& add_scoped(Factory&& factory, std::string name = {}) {
    return add(typeid(T), std::move(name), service_lifetime::scoped,
               detail::erase_factory<T>(std::forward<Factory>(factory)));
  }

  // A new T on every resolution, owned by the scope it was resolved from.
  template <class T, service_factory_for Factory>
  service_collection& add_transient(Factory&& factory, std::string name = {}) {
    return add(typeid(T), std::move(name), service_lifetime::transient,
               detail::erase_factory<T>(std::forward<Factory>(factory)));
  }

  template <class T>
  bool contains() const {
    return index_.contains(std::type_index(typeid(T)));
  }
  std::size_t size() const noexcept { return descriptors_.size(); }
  bool empty() const noexcept { return descriptors_.empty(); }

  // In registration order.
  const std::vector<detail::service_descriptor>& descriptors() const noexcept { return descriptors_; }

  service_provider build(service_provider_options options = {}) const;

 private:
  service_collection& add(std::type_index type, std::string name, service_lifetime lifetime,
                          detail::service_factory factory);

  std::vector<detail::service_descriptor> descriptors_;
  std::unordered_map<std::type_index, std::size_t> index_;
};

}  // namespace clockwork
