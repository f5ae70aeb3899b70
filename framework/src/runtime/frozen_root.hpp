// Private to the runtime's sources: a frozen process (virtual_runtime::freeze) — what became
// ready for its coroutines while it was frozen, and the timer that thaws it.
#pragma once

#include <deque>
#include <string>
#include <utility>

#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

struct runtime::frozen_root final : detail::timer_node {
  frozen_root(runtime& rt, std::string name)
      : timer_node(&frozen_root::on_thaw), owner_rt(&rt), root(std::move(name)) {}
  static void on_thaw(detail::timer_node& node) {
    auto& self = static_cast<frozen_root&>(node);
    self.owner_rt->thaw(self);
  }
  runtime* owner_rt;
  std::string root;
  std::deque<ready_item> held;
};

}  // namespace clockwork
