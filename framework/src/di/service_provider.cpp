#include "clockwork/di/service_provider.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "clockwork/di/service_collection.hpp"
#include "clockwork/di/service_scope.hpp"
#include "service_state.hpp"

namespace clockwork {
namespace detail {
namespace {

// The services whose factories are running on this thread, outermost first. Factories run
// synchronously, so this is exactly the chain of requests that led to the current one; it is
// how a captive dependency is told apart from a plain root resolution, and how cycles are
// found before a slot's mutex is locked a second time by the same thread.
struct resolution_frame {
  const root_state* root;
  const registration* reg;
  const scope_state* owner;
};

thread_local std::vector<resolution_frame> resolution_stack;

class frame_guard {
 public:
  explicit frame_guard(const resolution_frame& frame) { resolution_stack.push_back(frame); }
  frame_guard(const frame_guard&) = delete;
  frame_guard& operator=(const frame_guard&) = delete;
  ~frame_guard() { resolution_stack.pop_back(); }
};

std::string quoted(const registration& reg) {
  return "'" + reg.descriptor.name + "'";
}

std::string described(const registration& reg) {
  return quoted(reg) + " (" + std::string(to_string(reg.descriptor.lifetime)) + ")";
}

// The registrations on this thread's stack that belong to root, outermost first.
std::vector<const registration*> chain_of(const root_state& root) {
  std::vector<const registration*> chain;
  for (const auto& frame : resolution_stack) {
    if (frame.root == &root) chain.push_back(frame.reg);
  }
  return chain;
}

void check_cycle(const root_state& root, const registration& reg, const scope_state& owner) {
  for (std::size_t i = 0; i < resolution_stack.size(); ++i) {
    const auto& frame = resolution_stack[i];
    if (frame.root != &root || frame.reg != &reg) continue;
    // The same scoped service in another scope is another instance, not a cycle.
    if (reg.descriptor.lifetime == service_lifetime::scoped && frame.owner != &owner) continue;
    std::string cycle;
    for (std::size_t j = i; j < resolution_stack.size(); ++j) {
      if (resolution_stack[j].root == &root) cycle += described(*resolution_stack[j].reg) + " -> ";
    }
    cycle += described(reg);
    throw std::logic_error("clockwork::service_provider: circular dependency: " + cycle);
  }
}

std::string scoped_from_root_message(const root_state& root, const registration& reg) {
  const auto chain = chain_of(root);
  std::size_t singleton = chain.size();
  for (std::size_t i = chain.size(); i-- > 0;) {
    if (chain[i]->descriptor.lifetime == service_lifetime::singleton) {
      singleton = i;
      break;
    }
  }
  std::string message = "clockwork::service_provider: cannot resolve scoped service " + quoted(reg);
  if (singleton < chain.size()) {
    message += " from singleton " + quoted(*chain[singleton]);
    if (singleton + 1 < chain.size()) {
      message += " (through ";
      for (std::size_t i = singleton + 1; i < chain.size(); ++i) {
        if (i > singleton + 1) message += ", ";
        message += described(*chain[i]);
      }
      message += ")";
    }
    message +=
        ": a singleton lives as long as the root provider and would keep the scoped service past its scope "
        "(a captive dependency); open a scope per unit of work with scope_factory::create_scope() and resolve "
        "it from the scope's provider()";
  } else {
    message += " from the root provider";
    if (!chain.empty()) message += " (requested by " + described(*chain.back()) + ")";
    message +=
        ": scoped services live in a scope; open one with scope_factory::create_scope() and resolve it from "
        "the scope's provider()";
  }
  return message;
}

// Runs reg's factory with provider and hands the instance to owner. A transient resolved from
// the root is kept only if it has a dispose(): otherwise the root would grow with every
// resolution while having nothing to do at its end but release it.
std::shared_ptr<void> create(const registration& reg, service_provider& provider, scope_state& owner) {
  created_service created;
  {
    frame_guard guard({&owner.root(), &reg, &owner});
    created = reg.descriptor.factory(provider);
  }
  if (!created.instance) {
    throw std::logic_error("clockwork::service_provider: the factory of " + described(reg) + " returned null");
  }
  const bool keep = reg.descriptor.lifetime != service_lifetime::transient || !owner.is_root() || created.dispose;
  if (keep) owner.track(reg, created);
  return std::move(created.instance);
}

// One instance per slot: the slot's mutex is held while the factory runs, so concurrent
// callers wait for the first one's instance instead of making their own.
std::shared_ptr<void> resolve_cached(instance_slot& slot, const registration& reg, service_provider& provider,
                                     scope_state& owner) {
  if (slot.ready.load(std::memory_order_acquire)) return slot.instance;
  check_cycle(owner.root(), reg, owner);
  std::lock_guard lock(slot.mutex);
  if (slot.ready.load(std::memory_order_relaxed)) return slot.instance;
  auto instance = create(reg, provider, owner);
  slot.instance = instance;
  slot.ready.store(true, std::memory_order_release);
  return instance;
}

registry make_registry(const service_collection& collection) {
  registry result;
  for (const auto& descriptor : collection.descriptors()) {
    if (descriptor.type == std::type_index(typeid(scope_factory))) {
      throw std::logic_error(
          "clockwork::service_provider: scope_factory is provided by the service provider itself; do not register it");
    }
    registration reg{descriptor, 0};
    if (descriptor.lifetime == service_lifetime::singleton) reg.slot = result.singleton_count++;
    if (descriptor.lifetime == service_lifetime::scoped) reg.slot = result.scoped_count++;
    result.registrations.emplace(descriptor.type, std::move(reg));
  }
  // Its factory needs the shared root state, so service_provider's constructor sets it.
  registration factories{
      service_descriptor{typeid(scope_factory), type_name(typeid(scope_factory)), service_lifetime::singleton, {}},
      result.singleton_count++};
  result.registrations.emplace(typeid(scope_factory), std::move(factories));
  return result;
}

}  // namespace

scope_state::scope_state(root_state& owner_root, bool root_scope, std::string owner)
    : root_(owner_root), is_root_(root_scope), owner_(std::move(owner)), scoped_slots_(owner_root.catalog.scoped_count) {}

void scope_state::track(const registration& reg, const created_service& created) {
  {
    std::lock_guard lock(mutex_);
    if (!disposed_.load(std::memory_order_relaxed)) {
      created_.push_back(tracked{&reg, created});
      return;
    }
  }
  // The scope was disposed while the factory ran (a race the contract forbids): nobody would
  // dispose the instance later, so do it now.
  std::vector<dispose_failure> failures;
  if (created.dispose) {
    try {
      created.dispose(created.dispose_target);
    } catch (...) {
      failures.push_back(dispose_failure{reg.descriptor.name, std::current_exception()});
    }
  }
  handle_dispose_failures(root_, failures, /*may_throw=*/false);
  report_violation(root_, "clockwork::service_provider: cannot resolve " + quoted(reg) +
                              ": its service scope was disposed while it was being created (use after dispose)");
}

std::vector<dispose_failure> scope_state::dispose() {
  std::vector<tracked> owned;
  {
    std::lock_guard lock(mutex_);
    if (disposed_.load(std::memory_order_relaxed)) return {};
    disposed_.store(true, std::memory_order_release);
    owned.swap(created_);
  }
  for (auto& slot : scoped_slots_) slot.clear();
  std::vector<dispose_failure> failures;
  for (auto it = owned.rbegin(); it != owned.rend(); ++it) {
    if (it->created.dispose) {
      try {
        it->created.dispose(it->created.dispose_target);
      } catch (...) {
        failures.push_back(dispose_failure{it->reg->descriptor.name, std::current_exception()});
      }
    }
    it->created.instance.reset();  // the last owner's release destroys it, in this order
  }
  if (!is_root_) {
    {
      const std::lock_guard lock(root_.owners_mutex);
      if (auto it = root_.open_owners.find(owner_); it != root_.open_owners.end()) root_.open_owners.erase(it);
    }
    root_.live_scopes.fetch_sub(1, std::memory_order_acq_rel);
  }
  return failures;
}

root_state::root_state(const service_collection& collection, service_provider_options opts)
    : options(std::move(opts)),
      catalog(make_registry(collection)),
      singletons(catalog.singleton_count),
      root_scope(*this, /*root_scope=*/true) {}

void report_violation(const root_state& root, const std::string& message) {
  if (root.options.on_violation) {
    const std::string owner = root.options.owner_of_call ? root.options.owner_of_call() : std::string();
    root.options.on_violation(message, owner);
  }
  throw std::logic_error(message);
}

void handle_dispose_failures(const root_state& root, std::vector<dispose_failure>& failures, bool may_throw) {
  if (failures.empty()) return;
  if (root.options.on_dispose_error) {
    for (const auto& failure : failures) root.options.on_dispose_error(failure.service, failure.error);
    return;
  }
  if (may_throw) std::rethrow_exception(failures.front().error);
}

}  // namespace detail

service_provider::service_provider(const service_collection& services, service_provider_options options)
    : root_(std::make_shared<detail::root_state>(services, std::move(options))), scope_(&root_->root_scope) {
  root_->provider = this;
  // A weak reference: the root state owns the scope_factory, which must not own it back.
  root_->catalog.registrations.at(typeid(scope_factory)).descriptor.factory =
      [root = std::weak_ptr<detail::root_state>(root_)](service_provider&) {
        return detail::created_service{std::make_shared<scope_factory>(root)};
      };
}

service_provider::service_provider(std::shared_ptr<detail::root_state> root, detail::scope_state& scope) noexcept
    : root_(std::move(root)), scope_(&scope) {}

service_provider::~service_provider() {
  if (!is_root()) return;  // a scope's provider: the scope disposes
  try {
    end_root(/*may_throw=*/false);
  } catch (...) {
    // on_dispose_error threw: a destructor cannot pass it on.
  }
  root_->provider = nullptr;
}

void service_provider::dispose() {
  if (!is_root()) {
    throw std::logic_error("clockwork::service_provider::dispose: only the root provider is disposed this way; "
                           "a scope ends with its service_scope");
  }
  end_root(/*may_throw=*/true);
}

void service_provider::end_root(bool may_throw) {
  auto& root = *root_;
  if (root.disposed.exchange(true, std::memory_order_acq_rel)) return;  // ended once
  if (const auto live = root.live_scopes.load(std::memory_order_acquire); live > 0 && root.options.on_violation) {
    try {
      std::string owners;
      std::string first;
      {
        const std::lock_guard lock(root.owners_mutex);
        for (const auto& owner : root.open_owners) {
          if (owner.empty()) continue;
          if (first.empty()) first = owner;
          if (owners.find("'" + owner + "'") == std::string::npos) owners += (owners.empty() ? "" : ", ") + ("'" + owner + "'");
        }
      }
      root.options.on_violation("clockwork::service_provider: the root service provider was disposed while " +
                                    std::to_string(live) + " service scope(s) were still alive (leaked scope)" +
                                    (owners.empty() ? std::string() : ", opened by " + owners),
                                first);
    } catch (...) {
      // The observer has seen the message; disposal goes on.
    }
  }
  for (auto& slot : root.singletons) slot.clear();
  auto failures = root.root_scope.dispose();
  detail::handle_dispose_failures(root, failures, may_throw);
}

std::shared_ptr<void> service_provider::resolve(std::type_index type, bool required) {
  auto& root = *root_;
  auto& scope = *scope_;
  const auto found = root.catalog.registrations.find(type);
  const detail::registration* reg = found == root.catalog.registrations.end() ? nullptr : &found->second;

  const bool root_disposed = root.disposed.load(std::memory_order_acquire);
  if (root_disposed || scope.disposed()) {
    const std::string name = reg ? detail::quoted(*reg) : "'" + detail::type_name(type) + "'";
    detail::report_violation(
        root, "clockwork::service_provider: cannot resolve " + name +
                  (root_disposed ? ": the root service provider was disposed" : ": its service scope was disposed") +
                  " (use after dispose)");
  }
  if (!reg) {
    if (!required) return nullptr;
    throw std::logic_error("clockwork::service_provider: no service registered for type '" + detail::type_name(type) +
                           "'");
  }

  switch (reg->descriptor.lifetime) {
    case service_lifetime::singleton:
      // Always built with the root provider: whatever a singleton resolves lives as long as it.
      return detail::resolve_cached(root.singletons[reg->slot], *reg, *root.provider, root.root_scope);
    case service_lifetime::scoped:
      if (scope.is_root() && root.options.validate_scopes) {
        detail::report_violation(root, detail::scoped_from_root_message(root, *reg));
      }
      return detail::resolve_cached(scope.scoped_slot(reg->slot), *reg, *this, scope);
    case service_lifetime::transient: detail::check_cycle(root, *reg, scope); return detail::create(*reg, *this, scope);
  }
  throw std::logic_error("clockwork::service_provider: unknown lifetime of '" + reg->descriptor.name + "'");
}

service_scope service_provider::create_scope() {
  return service_scope(detail::open_scope(root_));
}

bool service_provider::is_root() const noexcept {
  return scope_ == &root_->root_scope;
}

std::size_t service_provider::live_scopes() const noexcept {
  return root_->live_scopes.load(std::memory_order_acquire);
}

}  // namespace clockwork
