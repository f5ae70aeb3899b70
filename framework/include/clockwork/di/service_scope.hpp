// clockwork::service_scope and clockwork::scope_factory — one unit of work's services.
//
// A scope owns the scoped services and transients resolved from its provider() and disposes
// them, in reverse order of creation, when it ends. scope_factory is how a singleton (a
// background service) opens scopes without holding the provider: it is registered by the
// container itself, so every service can ask for it (.NET's IServiceScopeFactory).
//
// Example (one run of a periodic job; the same in production and in tests):
//
//   class daily_log_maintenance {
//    public:
//     explicit daily_log_maintenance(std::shared_ptr<clockwork::scope_factory> scopes)
//         : scopes_(std::move(scopes)) {}
//     void run_once() {
//       clockwork::service_scope scope = scopes_->create_scope();
//       auto logs = scope.provider().get<daily_log_repository>();
//       auto work = scope.provider().get<unit_of_work>();
//       ...
//       work->commit();
//     }  // scope ends: work, then logs, are disposed
//    private:
//     std::shared_ptr<clockwork::scope_factory> scopes_;
//   };
//   // test: the same class, a provider built with in-memory repositories; after run_once(),
//   // provider.live_scopes() == 0 proves the scope was not leaked.
//
// Contract:
//   - service_scope is move-only; a moved-from scope owns nothing and its provider() throws
//     std::logic_error. Move-assigning ends the scope being replaced first.
//   - Ending is idempotent: dispose() then destruction ends the scope once. Resolving from the
//     provider() of an ended scope throws std::logic_error.
//   - live_scopes() counts scopes created and not yet ended, per root.
//   - Thread safety: create_scope() may be called from any thread. A scope's provider() may be
//     used from several threads; ending the scope must not race with them.
#pragma once

#include <cstddef>
#include <memory>

#include "clockwork/di/service_provider.hpp"

namespace clockwork {

class [[nodiscard]] service_scope {
 public:
  service_scope(service_scope&& other) noexcept;
  service_scope& operator=(service_scope&& other) noexcept;
  service_scope(const service_scope&) = delete;
  service_scope& operator=(const service_scope&) = delete;
  ~service_scope();  // ends the scope; dispose() errors go to on_dispose_error or are dropped

  // Resolves within this scope. Valid until this object is destroyed.
  service_provider& provider();

  // Ends the scope now: disposes what it created, in reverse order of creation. Rethrows the
  // first exception of a dispose() (after disposing the rest) unless on_dispose_error is set.
  void dispose();

  // True once ended, or when moved-from.
  bool disposed() const noexcept;

 private:
  friend class scope_factory;
  friend class service_provider;
  explicit service_scope(std::unique_ptr<detail::scope_body> body) noexcept;
  void end_quietly() noexcept;

  std::unique_ptr<detail::scope_body> body_;
};

class scope_factory {
 public:
  // Made by the container; resolve it with get<scope_factory>().
  explicit scope_factory(std::weak_ptr<detail::root_state> root) noexcept;

  // Throws std::logic_error once the root provider has ended.
  [[nodiscard]] service_scope create_scope();

  // Scopes of the root created and not yet ended (0 once the root is gone).
  std::size_t live_scopes() const noexcept;

 private:
  std::weak_ptr<detail::root_state> root_;
};

}  // namespace clockwork
