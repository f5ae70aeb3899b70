#include "clockwork/di/service_scope.hpp"

#include <stdexcept>
#include <utility>

#include "service_state.hpp"

namespace clockwork {
namespace detail {

scope_body::scope_body(std::shared_ptr<root_state> shared_root, std::string owner)
    : root(std::move(shared_root)), state(*root, /*root_scope=*/false, std::move(owner)), provider(root, state) {}

std::unique_ptr<scope_body> open_scope(std::shared_ptr<root_state> root) {
  if (root->disposed.load(std::memory_order_acquire)) {
    report_violation(*root, "clockwork::scope_factory: cannot create a scope: the root service provider was disposed");
  }
  std::string owner = root->options.owner_of_call ? root->options.owner_of_call() : std::string();
  {
    const std::lock_guard lock(root->owners_mutex);
    root->open_owners.insert(owner);
  }
  auto body = std::make_unique<scope_body>(std::move(root), std::move(owner));
  body->root->live_scopes.fetch_add(1, std::memory_order_acq_rel);
  return body;
}

}  // namespace detail

service_scope::service_scope(std::unique_ptr<detail::scope_body> body) noexcept : body_(std::move(body)) {}

service_scope::service_scope(service_scope&& other) noexcept = default;

service_scope& service_scope::operator=(service_scope&& other) noexcept {
  if (this != &other) {
    end_quietly();
    body_ = std::move(other.body_);
  }
  return *this;
}

service_scope::~service_scope() {
  end_quietly();
}

service_provider& service_scope::provider() {
  if (!body_) throw std::logic_error("clockwork::service_scope: provider() of a moved-from scope");
  return body_->provider;
}

void service_scope::dispose() {
  if (!body_) return;
  auto failures = body_->state.dispose();
  detail::handle_dispose_failures(*body_->root, failures, /*may_throw=*/true);
}

bool service_scope::disposed() const noexcept {
  return !body_ || body_->state.disposed();
}

void service_scope::end_quietly() noexcept {
  if (!body_) return;
  try {
    auto failures = body_->state.dispose();
    detail::handle_dispose_failures(*body_->root, failures, /*may_throw=*/false);
  } catch (...) {
    // Only on_dispose_error itself can throw here, and a destructor cannot pass it on.
  }
}

scope_factory::scope_factory(std::weak_ptr<detail::root_state> root) noexcept : root_(std::move(root)) {}

service_scope scope_factory::create_scope() {
  auto root = root_.lock();
  if (!root) {
    throw std::logic_error("clockwork::scope_factory: cannot create a scope: the root service provider was disposed");
  }
  return service_scope(detail::open_scope(std::move(root)));
}

std::size_t scope_factory::live_scopes() const noexcept {
  const auto root = root_.lock();
  return root ? root->live_scopes.load(std::memory_order_acquire) : 0;
}

}  // namespace clockwork
