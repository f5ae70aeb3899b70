#include "access.hpp"

#include <cstddef>

namespace clockwork::dashboard::detail {

bool is_loopback(std::string_view address) noexcept {
  return address == "localhost" || address == "::1" || address == "[::1]" || address.starts_with("127.");
}

bool same_secret(std::string_view expected, std::string_view given) noexcept {
  if (expected.empty()) return given.empty();
  // Every byte of `given` is compared with some byte of `expected`: the time depends on the
  // lengths only, never on where the first difference is.
  unsigned diff = expected.size() == given.size() ? 0U : 1U;
  for (std::size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(expected[i % expected.size()]) ^ static_cast<unsigned char>(given[i]);
  }
  return diff == 0U;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return {};
}

bool access_policy::has_token(const request_view& r) const {
  if (token_.empty()) return false;
  constexpr std::string_view bearer = "Bearer ";
  if (r.authorization.starts_with(bearer) && same_secret(token_, r.authorization.substr(bearer.size()))) return true;
  const std::string from_cookie = cookie_value(r.cookie, token_cookie);
  return !from_cookie.empty() && same_secret(token_, from_cookie);
}

bool access_policy::may_act(const request_view& r) const {
  if (!has_token(r)) return false;
  return r.origin.empty() || r.origin == origin_;
}

}  // namespace clockwork::dashboard::detail
