// clockwork::fakes::unit_of_work — a fake unit of work: collects the writes staged in the
// tables (transactional_resources) enlisted in it and commits them atomically.
//
// It stands in for a database transaction behind a repository interface. Writes staged
// through it are invisible to everyone until commit; a commit applies every enlisted
// resource's writes or none (a constraint violation or an injected commit fault leaves
// everything as it was); and a unit destroyed without committing drops its writes, leaving
// nothing half-written. Such a drop is reported to on_uncommitted with whether an exception
// was propagating at the time: during unwinding it is the expected rollback of a failed unit
// of work; otherwise the code forgot to commit, which a detector reports as a scope violation
// ("unit of work not committed").
//
// Derive from it to implement a service's unit-of-work interface:
//
//   class in_memory_unit_of_work final : public my_app::unit_of_work,          // task<> commit(token)
//                                        public clockwork::fakes::unit_of_work {
//    public:
//     in_memory_unit_of_work(clockwork::runtime& rt, clockwork::fakes::unit_of_work_options o)
//         : clockwork::fakes::unit_of_work(std::move(o)), rt_(&rt) {}
//     clockwork::task<> commit(std::stop_token token) override { return commit_async(*rt_, token); }
//    private:
//     clockwork::runtime* rt_;
//   };
//   // production registers the database-backed unit of work instead; the service is the same.
//   // test:
//   clockwork::fakes::fault_plan plan;
//   plan.fail_commit().on_call(1);                    // the first commit fails, atomically
//
// Contract:
//   - commit_staged() applies all staged writes of every enlisted resource, or throws and
//     applies none (the writes stay staged; rollback() or destruction drops them). A unit can
//     commit several times; each commit applies what was staged since the last.
//   - commit_async(rt, token) first asks the fault plan (if any) about a "commit" call, waiting
//     its latency on rt, then commits.
//   - Destruction drops what is still staged; if anything was, on_uncommitted is called (its
//     exceptions are swallowed: it runs in a destructor).
//   - Neither copyable nor movable: resources key their staged writes by the unit's address.
//     Every enlisted resource must outlive the unit.
//   - Thread safety: none; one thread at a time (the thread driving the runtime).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "clockwork/fakes/fault_plan.hpp"
#include "clockwork/fakes/transactional_resource.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"

namespace clockwork::fakes {

// Writes a unit of work dropped because it ended without committing them.
struct uncommitted_writes {
  std::string unit;        // the unit's name
  std::size_t staged = 0;  // how many writes were dropped
  bool unwinding = false;  // an exception was propagating: a rollback, not a forgotten commit
};

struct unit_of_work_options {
  std::string name = "unit_of_work";
  // Consulted by commit_async() as operation fault_plan::commit_operation; may be null. Must
  // outlive the unit.
  fault_plan* faults = nullptr;
  std::function<void(const uncommitted_writes&)> on_uncommitted{};
  // When set, a forgotten commit (dropped writes while no exception propagates) is also a
  // scope_violation finding on this runtime, naming the service whose work ended the unit
  // (task_info::root). Must outlive the unit.
  runtime* report_to = nullptr;
};

class unit_of_work {
 public:
  explicit unit_of_work(unit_of_work_options options = {});
  unit_of_work(const unit_of_work&) = delete;
  unit_of_work& operator=(const unit_of_work&) = delete;
  virtual ~unit_of_work();

  // Adds resource to the commit (once; later calls do nothing). Tables call it when staging.
  void enlist(transactional_resource& resource);
  bool enlisted(const transactional_resource& resource) const noexcept;

  // Applies every staged write atomically; see the contract.
  void commit_staged();
  // The fault plan's "commit" call (with its latency, on rt), then commit_staged().
  task<> commit_async(runtime& rt, std::stop_token token = {});
  // Drops every staged write, reporting nothing.
  void rollback() noexcept;

  // Writes staged over every enlisted resource and not yet committed.
  std::size_t staged() const noexcept;
  // Successful commits.
  std::uint64_t commits() const noexcept { return commits_; }
  const std::string& name() const noexcept { return options_.name; }

 private:
  unit_of_work_options options_;
  std::vector<transactional_resource*> resources_;
  std::uint64_t commits_ = 0;
};

}  // namespace clockwork::fakes
