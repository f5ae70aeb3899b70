// clockwork::fakes::injected_fault — the exception a fault_plan throws when its script says a
// call fails.
//
// A distinct type, so that a test can tell a scripted failure from a real bug in the code under
// test: catching std::exception in the service (catch, log, continue) handles both alike, as it
// must, while the test asserts that only injected_fault ever reached the log. The message
// names the operation and its call number, e.g.
//   "injected fault: 'add' call 3 failed (user 7 on 2026-01-03)"
//
// Example:
//
//   clockwork::fakes::fault_plan plan;
//   plan.fail("add").on_call(3);
//   // production never throws it: production repositories have no fault plan.
//   // test:
//   try {
//     co_await repository.add(log, token);  // the third add
//   } catch (const clockwork::fakes::injected_fault& f) {
//     // f.operation() == "add", f.call() == 3
//   }
//
// Thread safety: a plain value; throwing and catching it is thread-safe.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace clockwork::fakes {

class injected_fault : public std::runtime_error {
 public:
  // detail: the rule's message, or empty for the default "failed".
  injected_fault(std::string operation, std::uint64_t call, std::string description, const std::string& detail = {});

  // The operation that failed ("add", "commit", ...), its call number (1-based, counted per
  // operation) and the description the caller gave for that call.
  const std::string& operation() const noexcept { return operation_; }
  std::uint64_t call() const noexcept { return call_; }
  const std::string& description() const noexcept { return description_; }

 private:
  std::string operation_;
  std::uint64_t call_;
  std::string description_;
};

}  // namespace clockwork::fakes
