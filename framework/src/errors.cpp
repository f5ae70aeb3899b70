#include "clockwork/errors.hpp"

#include <typeinfo>

namespace clockwork {

std::string describe_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (const blocking_cut& cut) {
    return cut.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

bool is_blocking_cut(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const blocking_cut&) {
    return true;
  } catch (...) {
    return false;
  }
}

bool is_cancellation(const std::exception_ptr& error) {
#if defined(__GLIBCXX__)
  // libstdc++ can name the exception's type without a rethrow (a rethrow costs ~0.6 us; a
  // shutdown classifies one per cancelled coroutine).
  if (const std::type_info* type = error.__cxa_exception_type();
      type != nullptr && *type == typeid(operation_canceled)) {
    return true;
  }
#endif
  try {
    std::rethrow_exception(error);
  } catch (const operation_canceled&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace clockwork
