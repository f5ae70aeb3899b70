// Internal: the state behind service_provider, service_scope and scope_factory.
//
// root_state is shared: the root provider owns it, and every scope keeps it alive so that a
// scope outliving the root (a leak) fails with a clear error instead of touching freed memory.
// scope_state is what one scope (or the root) owns: its scoped instances and the ordered list
// of everything it created, which it disposes in reverse.
//
// Thread safety: registrations are immutable after construction. Each instance_slot has its
// own mutex, held while its factory runs, so creation locks follow the dependency graph and
// unrelated services never wait for each other. The created list has its own mutex, held
// only to append or to take the list when the scope ends.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "clockwork/di/detail/service_factory.hpp"
#include "clockwork/di/service_provider.hpp"

namespace clockwork::detail {

// Where one singleton (in the root) or one scoped service (in a scope) is cached.
struct instance_slot {
  std::mutex mutex;                // held while the factory runs: exactly one creation
  std::atomic<bool> ready{false};  // set (release) after instance is written
  std::shared_ptr<void> instance;

  // Forgets the cached instance; the owner's created list still holds it for disposal.
  void clear() {
    std::lock_guard lock(mutex);
    ready.store(false, std::memory_order_relaxed);
    instance.reset();
  }
};

struct registration {
  service_descriptor descriptor;
  std::size_t slot = 0;  // index among the singletons, or among the scoped services
};

struct dispose_failure {
  std::string service;
  std::exception_ptr error;
};

struct root_state;

class scope_state {
 public:
  scope_state(root_state& owner_root, bool root_scope, std::string owner = {});
  scope_state(const scope_state&) = delete;
  scope_state& operator=(const scope_state&) = delete;

  root_state& root() const noexcept { return root_; }
  bool is_root() const noexcept { return is_root_; }
  const std::string& owner() const noexcept { return owner_; }
  bool disposed() const noexcept { return disposed_.load(std::memory_order_acquire); }
  instance_slot& scoped_slot(std::size_t index) noexcept { return scoped_slots_[index]; }

  // Takes a share of a new instance so it is disposed when this scope ends. If the scope has
  // ended meanwhile, disposes the instance at once and throws std::logic_error.
  void track(const registration& reg, const created_service& created);

  // Ends the scope: clears the caches, then disposes the created instances in reverse order
  // of creation. Idempotent; returns the dispose() failures of this call.
  std::vector<dispose_failure> dispose();

 private:
  struct tracked {
    const registration* reg;
    created_service created;
  };

  root_state& root_;
  const bool is_root_;
  std::string owner_;  // who opened the scope (owner_of_call at create_scope)
  std::vector<instance_slot> scoped_slots_;
  std::mutex mutex_;
  std::vector<tracked> created_;
  std::atomic<bool> disposed_{false};
};

struct registry {
  std::unordered_map<std::type_index, registration> registrations;
  std::size_t singleton_count = 0;
  std::size_t scoped_count = 0;
};

struct root_state {
  root_state(const service_collection& collection, service_provider_options opts);

  service_provider_options options;
  registry catalog;
  std::vector<instance_slot> singletons;
  service_provider* provider = nullptr;  // the root object; singleton factories receive it
  std::atomic<std::size_t> live_scopes{0};
  // Owners of the scopes still open, for leak reports.
  std::mutex owners_mutex;
  std::multiset<std::string> open_owners;
  std::atomic<bool> disposed{false};
  scope_state root_scope;  // owns singletons, root transients and root-scoped services
};

// A scope's heap-allocated parts: its provider's address stays put when service_scope moves.
struct scope_body {
  scope_body(std::shared_ptr<root_state> shared_root, std::string owner);

  std::shared_ptr<root_state> root;  // first: outlives the members below
  scope_state state;
  service_provider provider;
};

// Opens a scope of root (counted in live_scopes) or throws std::logic_error if root ended.
std::unique_ptr<scope_body> open_scope(std::shared_ptr<root_state> root);

// Reports a violation to on_violation, then throws it as std::logic_error.
[[noreturn]] void report_violation(const root_state& root, const std::string& message);

// Hands dispose() failures to on_dispose_error; without one, rethrows the first if may_throw.
void handle_dispose_failures(const root_state& root, std::vector<dispose_failure>& failures, bool may_throw);

}  // namespace clockwork::detail
