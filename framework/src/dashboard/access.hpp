// clockwork::dashboard::detail — who may ask the dashboard what: the token (from an
// `Authorization: Bearer` header or the sign-in cookie), compared in constant time; the Origin
// check that keeps other sites from making a browser act; what a loopback address is.
//
//   access_policy policy{options.token, "http://127.0.0.1:8080"};
//   policy.may_read(request)  → the token when one is set, else anyone (loopback only)
//   policy.may_act(request)   → the token, always, and no foreign Origin
//
// Thread safety: const after construction; called from the server's threads.
#pragma once

#include <string>
#include <string_view>

namespace clockwork::dashboard::detail {

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view address) noexcept;

// Equal strings, in time that depends on the lengths only (a token's bytes leak nothing).
bool same_secret(std::string_view expected, std::string_view given) noexcept;

// The value of cookie `name` in a Cookie header ("a=1; cw_token=…"), or empty.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

inline constexpr std::string_view token_cookie = "cw_dashboard_token";

struct request_view {
  std::string authorization;  // the Authorization header, or empty
  std::string cookie;         // the Cookie header, or empty
  std::string origin;         // the Origin header, or empty
};

class access_policy {
 public:
  access_policy(std::string token, std::string own_origin) : token_(std::move(token)), origin_(std::move(own_origin)) {}

  bool token_required() const noexcept { return !token_.empty(); }
  // The request carries the token (Bearer or the sign-in cookie).
  bool has_token(const request_view& r) const;
  // Reads: the token when one is set.
  bool may_read(const request_view& r) const { return !token_required() || has_token(r); }
  // Actions: a token is set and given, and the request comes from no other origin (a browser
  // sends Origin with every POST; a script without one is judged by its token alone).
  bool may_act(const request_view& r) const;

 private:
  std::string token_;
  std::string origin_;
};

}  // namespace clockwork::dashboard::detail
