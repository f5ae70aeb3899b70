// Internal: the type-erased form of a service registration, shared by service_collection (which
// fills it) and service_provider (which runs it).
//
// A user's factory returns std::shared_ptr<U>, std::unique_ptr<U> or a U by value, for some U
// that is T or derives from T. Here it becomes one signature: a function from service_provider&
// to a created_service, which carries the instance as shared_ptr<void> (pointing at the T
// subobject, so get<T>() can static_pointer_cast it back) and, when U has a `void dispose()`,
// how to call it. The dispose check is made on U, the type the factory returns, so an
// implementation's dispose() is found even when the interface T does not declare one.
//
// Thread safety: descriptors are immutable once built; calling a service_factory is as
// thread-safe as the user's factory.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>

#include "clockwork/di/service_lifetime.hpp"

namespace clockwork {

class service_provider;

namespace detail {

// The readable (demangled) name of a type, e.g. "ns::daily_log_repository".
std::string type_name(std::type_index type);

// The container calls dispose() at the end of the owning scope only when it returns void:
// a dispose() returning anything else (an awaitable, say) cannot be run from a destructor.
template <class U>
concept has_void_dispose = requires(U& u) {
  { u.dispose() } -> std::same_as<void>;
};

template <class P>
struct smart_pointer_traits {
  static constexpr bool is_pointer = false;
};
template <class U>
struct smart_pointer_traits<std::shared_ptr<U>> {
  static constexpr bool is_pointer = true;
  using element_type = U;
};
template <class U, class Deleter>
struct smart_pointer_traits<std::unique_ptr<U, Deleter>> {
  static constexpr bool is_pointer = true;
  using element_type = U;
};

// What a factory produced, erased to the registered type.
struct created_service {
  std::shared_ptr<void> instance;    // points at the T subobject; null if the factory returned null
  void* dispose_target = nullptr;    // the U object, for dispose
  void (*dispose)(void*) = nullptr;  // calls U::dispose(); null when U has none
};

using service_factory = std::function<created_service(service_provider&)>;

struct service_descriptor {
  std::type_index type;
  std::string name;
  service_lifetime lifetime;
  service_factory factory;
};

template <class T, class U>
created_service adopt_instance(std::shared_ptr<U> instance) {
  static_assert(std::is_convertible_v<U*, T*>,
                "clockwork: a factory for T must return T, a type derived from T, or a smart pointer to one");
  created_service created;
  if constexpr (has_void_dispose<U>) {
    if (instance) {
      created.dispose_target = const_cast<void*>(static_cast<const volatile void*>(instance.get()));
      created.dispose = [](void* self) { static_cast<U*>(self)->dispose(); };
    }
  }
  // Through shared_ptr<T> first: the void pointer must be the T subobject's address.
  created.instance = std::shared_ptr<T>(std::move(instance));
  return created;
}

template <class T, class Result>
created_service adopt_result(Result&& result) {
  using R = std::remove_cvref_t<Result>;
  if constexpr (smart_pointer_traits<R>::is_pointer) {
    using U = typename smart_pointer_traits<R>::element_type;
    return adopt_instance<T, U>(std::shared_ptr<U>(std::forward<Result>(result)));
  } else {
    static_assert(std::is_class_v<R>, "clockwork: a factory must return a class object or a smart pointer to one");
    return adopt_instance<T, R>(std::make_shared<R>(std::forward<Result>(result)));
  }
}

// A factory takes the provider to resolve its dependencies from, or nothing at all.
template <class Factory>
concept provider_factory = std::invocable<Factory&, service_provider&>;
template <class Factory>
concept nullary_factory = !provider_factory<Factory> && std::invocable<Factory&>;

template <class T, class Factory>
service_factory erase_factory(Factory&& factory) {
  using F = std::decay_t<Factory>;
  // Held through a shared_ptr so that move-only factories fit in std::function and copying a
  // collection copies no user state.
  auto held = std::make_shared<F>(std::forward<Factory>(factory));
  return [held = std::move(held)](service_provider& provider) -> created_service {
    if constexpr (provider_factory<F>) {
      return adopt_result<T>(std::invoke(*held, provider));
    } else {
      return adopt_result<T>(std::invoke(*held));
    }
  };
}

}  // namespace detail
}  // namespace clockwork
