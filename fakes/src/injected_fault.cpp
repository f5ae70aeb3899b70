#include "clockwork/fakes/injected_fault.hpp"

#include <utility>

namespace clockwork::fakes {
namespace {

std::string message_for(const std::string& operation, std::uint64_t call, const std::string& description,
                        const std::string& detail) {
  std::string text = "injected fault: '" + operation + "' call " + std::to_string(call) + " ";
  text += detail.empty() ? std::string("failed") : detail;
  if (!description.empty()) text += " (" + description + ")";
  return text;
}

}  // namespace

injected_fault::injected_fault(std::string operation, std::uint64_t call, std::string description,
                               const std::string& detail)
    : std::runtime_error(message_for(operation, call, description, detail)),
      operation_(std::move(operation)),
      call_(call),
      description_(std::move(description)) {}

}  // namespace clockwork::fakes
