// clockwork::fakes::transactional_resource — what a unit_of_work commits: something that
// stages writes per unit of work and applies them all, or none, when the unit commits.
//
// in_memory_table is the one clockwork provides; a fake of another store (a queue, a blob
// container) implements the same four functions to take part in the same atomic commit.
//
// A commit is two phases over every resource enlisted in the unit: prepare() checks that the
// unit's staged writes can all be applied and throws constraint_violation otherwise, changing
// nothing; only when every resource prepared does apply() make them visible. So a unit spanning
// two tables never leaves one of them written.
//
// Example:
//
//   clockwork::fakes::in_memory_table<int, std::string> names{"names"};  // a transactional_resource
//   clockwork::fakes::unit_of_work unit;
//   names.insert(unit, 1, "one");   // stages, and enlists names in unit
//   unit.commit_staged();           // prepare, then apply
//   // production: a database transaction plays this role; nothing here is used.
//
// Contract:
//   - prepare() is const in effect: it never changes what readers see. apply() and discard()
//     do not throw and forget the unit's staged writes.
//   - A resource must outlive every unit of work it is enlisted in.
//   - Thread safety: none; resources and their units are used from one thread at a time (the
//     thread driving the runtime).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace clockwork::fakes {

class unit_of_work;

// A commit could not be applied: e.g. an insert of a key that already exists. Nothing of the
// unit was applied.
class constraint_violation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class transactional_resource {
 public:
  virtual ~transactional_resource() = default;

  // For messages: "daily_logs".
  virtual const std::string& name() const noexcept = 0;
  // Writes unit has staged here and not yet committed.
  virtual std::size_t staged(const unit_of_work& unit) const noexcept = 0;
  // Throws constraint_violation, naming the resource and the write, if unit's staged writes
  // cannot all be applied. Changes nothing.
  virtual void prepare(const unit_of_work& unit) const = 0;
  // Applies unit's staged writes and forgets them. Called only after prepare() succeeded.
  virtual void apply(const unit_of_work& unit) noexcept = 0;
  // Forgets unit's staged writes.
  virtual void discard(const unit_of_work& unit) noexcept = 0;

 protected:
  transactional_resource() = default;
  transactional_resource(const transactional_resource&) = default;
  transactional_resource& operator=(const transactional_resource&) = default;
};

}  // namespace clockwork::fakes
