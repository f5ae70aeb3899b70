// clockwork::scenarios::unit_of_work — commits what the scope's repositories staged, all or
// nothing (the patterns document's IUnitOfWork). Scoped: one per scope, shared by that scope's repositories.
//
//   auto work = scope.provider().get<unit_of_work>();
//   ... repositories stage writes ...
//   auto committing = work->commit(stopping);
//   co_await committing;     // everything becomes visible at once, or nothing does
//   // production: a database transaction; tests: in_memory_unit_of_work (fakes::unit_of_work).
//
// Contract: commit() applies every staged write or, when it throws, none. A scope that ends
// without commit() discards its writes. Throws operation_canceled once token is stopped while
// it waits. Thread safety: an instance belongs to its scope and is used from the runtime's
// loop only.
#pragma once

#include <stop_token>

#include "clockwork/task.hpp"

namespace clockwork::scenarios {

class unit_of_work {
 public:
  virtual ~unit_of_work() = default;
  virtual task<> commit(std::stop_token token) = 0;

 protected:
  unit_of_work() = default;
  unit_of_work(const unit_of_work&) = default;
  unit_of_work& operator=(const unit_of_work&) = default;
};

}  // namespace clockwork::scenarios
