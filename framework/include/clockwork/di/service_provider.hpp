// clockwork::service_provider — resolves the services of a service_collection, owns what it
// creates, and refuses the lifetime mistakes of the patterns document's Pattern 1.
//
// The root provider (built by service_collection::build) owns the singletons. A scope
// (scope_factory::create_scope) has its own provider that owns the scope's scoped services and
// the transients resolved from it. A background service is a singleton: it is given the
// scope_factory and opens one scope per unit of work, never holding a scoped service itself.
//
// Example (the patterns document's DailyLog service; production and tests differ only in registrations):
//
//   clockwork::service_provider provider = services.build();
//   auto maintenance = provider.get<daily_log_maintenance>();  // a singleton
//
//   // inside daily_log_maintenance, once per run, with scopes_ its scope_factory:
//   clockwork::service_scope scope = scopes_->create_scope();
//   auto logs = scope.provider().get<daily_log_repository>();
//   auto work = scope.provider().get<unit_of_work>();
//   ...
//   work->commit();
//   // end of block: the scope disposes work, then logs (reverse order of creation)
//
//   // the mistake, refused in production and in tests alike (validate_scopes is on):
//   provider.get<daily_log_repository>();
//   // std::logic_error: cannot resolve scoped service 'daily_log_repository' from the root provider ...
//   // and a singleton whose factory asks for it:
//   // std::logic_error: cannot resolve scoped service 'daily_log_repository' from singleton
//   //                   'daily_log_service': ...
//
// Contract:
//   - get<T>() returns the instance for T or throws std::logic_error: "no service registered for
//     type 'T'" when T is unregistered. try_get<T>() returns null instead, for that case only.
//   - Lifetimes. Singleton: one per root, created on first resolution, exactly once even when
//     several threads ask at the same time. Scoped: one per scope. Transient: new each time.
//     A factory receives the provider it must resolve its dependencies from: the root for a
//     singleton, the scope's provider for a scoped service or a transient resolved in a scope.
//     So a scoped service asking for another scoped service gets the one of the same scope.
//   - Scope validation (service_provider_options::validate_scopes, on by default): resolving a
//     scoped service from the root provider throws std::logic_error; when the request comes
//     from a singleton's factory, directly or through transients, the message names the
//     singleton and the path (a captive dependency). Off, the root acts as one long scope.
//   - A circular dependency throws std::logic_error naming the cycle, e.g.
//     "'a' (singleton) -> 'b' (transient) -> 'a' (singleton)". Always checked.
//   - Disposal. A scope ends when its service_scope is destroyed or dispose() is called; the
//     root ends when the root provider is destroyed. Ending disposes what that scope (or the
//     root) created, in reverse order of creation (a service is created after what it depends
//     on, so dependents go first): for each instance, dispose() is called if the type the
//     factory returned has a `void dispose()` member, then the owner's reference is released.
//     The root owns singletons, root-scoped services (validation off) and the transients
//     resolved from it that have a dispose(); other root transients belong to the caller
//     alone, so resolving them in a loop does not grow the root. Ready-made singletons
//     (add_singleton(instance)) are never dispose()d, only released.
//   - Resolving from an ended scope, or from anything once the root ended, throws
//     std::logic_error. So does scope_factory::create_scope() after the root ended.
//   - A dispose() that throws does not stop the others. The errors go to on_dispose_error when
//     set; otherwise service_scope::dispose() rethrows the first one after finishing, and an
//     implicit end (a destructor) drops them.
//   - on_violation is called with the message before every scope-validation error and
//     use-after-end error is thrown, and when the root ends while scopes are still alive
//     (leaked scopes; live_scopes() counts them at any time).
//   - A factory's own exception propagates unchanged; nothing is cached, the next resolution
//     calls the factory again.
//   - Thread safety: get, try_get and create_scope may be called from any thread, on the root
//     and on one scope concurrently. Ending a scope (or the root) while another thread
//     resolves from it is undefined, as destroying any object in use. Every scope must end
//     before the root does. A factory must not wait for another thread that resolves from the
//     same provider (it could wait for the instance that factory is creating); for the same
//     reason a cycle is reported by the thread that closes it, but two threads entering one
//     cycle of singletons from both ends at once block each other.
//   - Callbacks run on the resolving (or ending) thread, so they must be thread-safe when
//     resolution is. An exception thrown by on_violation replaces the container's; one thrown
//     by a callback during an implicit end (a destructor) is dropped.
//   - References: a scope's provider() is valid until its service_scope is destroyed; the root
//     provider is neither copyable nor movable (factories may keep a reference to it).
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string_view>
#include <typeindex>
#include <typeinfo>

namespace clockwork {

class service_collection;
class service_scope;
class scope_factory;

namespace detail {
struct root_state;
class scope_state;
struct scope_body;
}  // namespace detail

struct service_provider_options {
  // Refuse scoped services from the root and from singletons. On in every environment.
  bool validate_scopes = true;
  // Observes scope violations, use after end and leaked scopes: the message that is thrown or
  // reported, and who is responsible — owner_of_call() at the violation, or for leaked scopes
  // the owner that opened them (empty when unknown). For detectors and logs; the container
  // still throws after calling it.
  std::function<void(std::string_view message, std::string_view owner)> on_violation;
  // Who is calling the container right now (a host answers with the running service's name):
  // named in violations and remembered for every scope opened, so a leaked scope names who
  // leaked it.
  std::function<std::string()> owner_of_call;
  // Receives each exception thrown by a service's dispose(), with the service's name.
  std::function<void(std::string_view service, std::exception_ptr error)> on_dispose_error;
};

class service_provider {
 public:
  // The root provider. Prefer service_collection::build(); this form lets a caller place the
  // root where it wants (std::optional::emplace, std::make_unique).
  explicit service_provider(const service_collection& services, service_provider_options options = {});
  ~service_provider();  // the root ends here (unless dispose() ended it): disposes what it created, in reverse

  // Ends the root now: disposes what it created, in reverse order of creation, and refuses
  // every resolution from then on. A dispose() that throws does not stop the others; the errors
  // go to on_dispose_error when set, otherwise the first is rethrown once all are disposed.
  // Idempotent. Only for the root (std::logic_error on a scope's provider). The host calls it at
  // the end of stop(), so that disposal errors are part of the host's result.
  void dispose();
  service_provider(const service_provider&) = delete;
  service_provider& operator=(const service_provider&) = delete;

  template <class T>
  std::shared_ptr<T> get() {
    return std::static_pointer_cast<T>(resolve(typeid(T), /*required=*/true));
  }

  template <class T>
  std::shared_ptr<T> try_get() {
    return std::static_pointer_cast<T>(resolve(typeid(T), /*required=*/false));
  }

  // A new scope of this provider's root (scopes do not nest: a scope created from a scope's
  // provider is a sibling). Same as get<scope_factory>()->create_scope().
  [[nodiscard]] service_scope create_scope();

  bool is_root() const noexcept;
  // Scopes of this root created and not yet ended.
  std::size_t live_scopes() const noexcept;

 private:
  friend struct detail::scope_body;
  service_provider(std::shared_ptr<detail::root_state> root, detail::scope_state& scope) noexcept;

  std::shared_ptr<void> resolve(std::type_index type, bool required);
  void end_root(bool may_throw);

  std::shared_ptr<detail::root_state> root_;
  detail::scope_state* scope_;  // where scoped services and transients resolved here belong
};

}  // namespace clockwork

#include "clockwork/di/service_scope.hpp"
