#include "clockwork/errors.hpp"

namespace clockwork {

std::string describe_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

bool is_cancellation(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const operation_canceled&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace clockwork
