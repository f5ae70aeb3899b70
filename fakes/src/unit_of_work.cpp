#include "clockwork/fakes/unit_of_work.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace clockwork::fakes {

unit_of_work::unit_of_work(unit_of_work_options options) : options_(std::move(options)) {
  if (options_.name.empty()) throw std::invalid_argument("clockwork::fakes::unit_of_work: the unit needs a name");
}

unit_of_work::~unit_of_work() {
  const std::size_t dropped = staged();
  for (transactional_resource* r : resources_) r->discard(*this);
  if (dropped == 0) return;
  // Unwinding tells a rollback after a failure (expected) from a forgotten commit (a mistake).
  const uncommitted_writes report{options_.name, dropped, std::uncaught_exceptions() > 0};
  try {
    if (options_.on_uncommitted) options_.on_uncommitted(report);
    // Not while the runtime tears frames down: its observers may already be gone.
    if (options_.report_to != nullptr && !report.unwinding && !options_.report_to->shutting_down()) {
      const task_info* task = options_.report_to->current_task();
      options_.report_to->report(finding_kind::scope_violation, task != nullptr ? task->root : options_.name,
                                 "unit of work '" + options_.name + "' ended with " + std::to_string(dropped) +
                                     " staged write(s) that were never committed (unit of work not committed)");
    }
  } catch (...) {
    // A destructor must not throw; the report is best effort.
  }
}

void unit_of_work::enlist(transactional_resource& resource) {
  if (!enlisted(resource)) resources_.push_back(&resource);
}

bool unit_of_work::enlisted(const transactional_resource& resource) const noexcept {
  return std::find(resources_.begin(), resources_.end(), &resource) != resources_.end();
}

void unit_of_work::commit_staged() {
  // Two phases: nothing is applied anywhere unless every resource can apply all of its writes.
  for (const transactional_resource* r : resources_) r->prepare(*this);
  for (transactional_resource* r : resources_) r->apply(*this);
  ++commits_;
}

task<> unit_of_work::commit_async(runtime& rt, std::stop_token token) {
  if (options_.faults != nullptr) {
    auto gate = options_.faults->before(rt, fault_plan::commit_operation,
                                        options_.name + ": " + std::to_string(staged()) + " staged write(s)", token);
    co_await gate;
  }
  commit_staged();
}

void unit_of_work::rollback() noexcept {
  for (transactional_resource* r : resources_) r->discard(*this);
}

std::size_t unit_of_work::staged() const noexcept {
  std::size_t n = 0;
  for (const transactional_resource* r : resources_) n += r->staged(*this);
  return n;
}

}  // namespace clockwork::fakes
