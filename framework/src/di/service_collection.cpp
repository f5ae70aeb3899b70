#include "clockwork/di/service_collection.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace clockwork {

std::string_view to_string(service_lifetime lifetime) noexcept {
  switch (lifetime) {
    case service_lifetime::singleton: return "singleton";
    case service_lifetime::scoped: return "scoped";
    case service_lifetime::transient: return "transient";
  }
  return "unknown";
}

namespace detail {

std::string type_name(std::type_index type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                   std::free);
  if (status == 0 && demangled) return demangled.get();
  return type.name();  // not a mangled name the runtime knows: the raw name is still unique
}

}  // namespace detail

service_collection& service_collection::add(std::type_index type, std::string name, service_lifetime lifetime,
                                            detail::service_factory factory) {
  if (auto found = index_.find(type); found != index_.end()) {
    const auto& existing = descriptors_[found->second];
    throw std::logic_error("clockwork::service_collection: type '" + detail::type_name(type) +
                           "' is already registered (as " + std::string(to_string(existing.lifetime)) + " '" +
                           existing.name + "'); a type can be registered once");
  }
  if (name.empty()) name = detail::type_name(type);
  descriptors_.push_back(detail::service_descriptor{type, std::move(name), lifetime, std::move(factory)});
  try {
    index_.emplace(type, descriptors_.size() - 1);
  } catch (...) {
    descriptors_.pop_back();
    throw;
  }
  return *this;
}

service_provider service_collection::build(service_provider_options options) const {
  return service_provider(*this, std::move(options));
}

}  // namespace clockwork
