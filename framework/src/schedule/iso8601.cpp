#include "clockwork/schedule/iso8601.hpp"

#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "calendar.hpp"

namespace clockwork::cron {
namespace {

class reader {
 public:
  explicit reader(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("'" + std::string(text_) + "' is not an ISO-8601 instant: " + why);
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  int digits(std::size_t n, const char* what) {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (at_end() || peek() < '0' || peek() > '9') fail(std::string("expected ") + what);
      v = v * 10 + (text_[pos_++] - '0');
    }
    return v;
  }
  void expect(char c, const char* what) {
    if (peek() != c) fail(std::string("expected ") + what);
    ++pos_;
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

utc_time parse_instant(std::string_view text) {
  reader r{text};
  const int year = r.digits(4, "a 4-digit year");
  r.expect('-', "'-' after the year");
  const int month = r.digits(2, "a 2-digit month");
  r.expect('-', "'-' after the month");
  const int day = r.digits(2, "a 2-digit day");
  if (!r.accept('T') && !r.accept('t')) r.fail("expected 'T' between date and time");
  const int hour = r.digits(2, "a 2-digit hour");
  r.expect(':', "':' after the hour");
  const int minute = r.digits(2, "2-digit minutes");
  r.expect(':', "':' after the minutes");
  const int second = r.digits(2, "2-digit seconds");
  std::int64_t nanos = 0;
  if (r.accept('.') || r.accept(',')) {
    std::size_t n = 0;
    while (r.peek() >= '0' && r.peek() <= '9') {
      if (++n > 9) r.fail("more than 9 fraction digits");
      nanos = nanos * 10 + r.digits(1, "a digit");
    }
    if (n == 0) r.fail("expected digits after the decimal point");
    for (; n < 9; ++n) nanos *= 10;
  }
  std::int64_t offset = 0;
  if (r.accept('Z') || r.accept('z')) {
    offset = 0;
  } else if (r.peek() == '+' || r.peek() == '-') {
    const bool negative = r.peek() == '-';
    r.accept(r.peek());
    const int oh = r.digits(2, "a 2-digit offset hour");
    int om = 0;
    if (r.accept(':')) {
      om = r.digits(2, "2-digit offset minutes");
    } else if (!r.at_end()) {
      om = r.digits(2, "2-digit offset minutes");
    }
    if (oh > 23 || om > 59) r.fail("offset out of range");
    offset = (oh * 3600 + om * 60) * (negative ? -1 : 1);
  } else {
    r.fail(r.at_end() ? "missing UTC offset (add Z or +HH:MM)" : "expected Z or an offset such as +02:00");
  }
  if (!r.at_end()) r.fail("unexpected text after the offset");
  if (month < 1 || month > 12) r.fail("month out of range");
  if (day < 1 ||
      static_cast<unsigned>(day) > detail::days_in_month(static_cast<unsigned>(month), detail::is_leap(year))) {
    r.fail("day out of range");
  }
  if (hour > 23 || minute > 59 || second > 59) r.fail("time of day out of range");

  const std::int64_t local =
      detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
      minute * 60 + second;
  const std::int64_t utc_seconds = local - offset;
  using rep = utc_time::duration::rep;
  using ratio = utc_time::duration::period;
  static_assert(ratio::num == 1 && 1'000'000'000 % ratio::den == 0, "utc_time ticks divide a second");
  constexpr std::int64_t ticks_per_second = ratio::den;
  const std::int64_t frac_ticks = nanos / (1'000'000'000 / ticks_per_second);
  // Before the epoch a fraction is counted down from the next whole second, so that the first
  // representable instant (1677-09-21T00:12:43.145224192Z) does not overflow on the way.
  const bool borrow = utc_seconds < 0 && frac_ticks > 0;
  rep ticks = 0;
  if (__builtin_mul_overflow(utc_seconds + (borrow ? 1 : 0), ticks_per_second, &ticks) ||
      __builtin_add_overflow(ticks, borrow ? frac_ticks - ticks_per_second : frac_ticks, &ticks)) {
    throw std::out_of_range("'" + std::string(text) + "' is outside the range of clockwork::utc_time (1677 to 2262)");
  }
  return utc_time{utc_time::duration{ticks}};
}

std::string format_instant(utc_time t, const date::time_zone& zone) {
  // Whole seconds and the rest from the tick count (t - floor(t) would overflow near the ends of
  // utc_time's range).
  using period = utc_time::period;
  static_assert(period::num == 1 && 1'000'000'000 % period::den == 0, "utc_time ticks divide a second");
  const std::int64_t ticks = t.time_since_epoch().count();
  std::int64_t secs = ticks / period::den;
  std::int64_t rest = ticks % period::den;
  if (rest < 0) {
    --secs;
    rest += period::den;
  }
  const date::sys_seconds whole{std::chrono::seconds{secs}};
  const std::int64_t sub = rest * (1'000'000'000 / period::den);
  const date::sys_info info = zone.get_info(whole);
  const std::int64_t local = whole.time_since_epoch().count() + info.offset.count();
  const std::int64_t days = detail::floor_div(local, 86400);
  const std::int64_t sod = local - days * 86400;
  const detail::civil_date c = detail::civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", c.year, c.month, c.day,
                static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                static_cast<long long>(sod % 60));
  std::string out = buf;
  if (sub != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(sub));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  const std::int64_t off = info.offset.count();
  const std::int64_t a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", off < 0 ? '-' : '+', static_cast<long long>(a / 3600),
                static_cast<long long>(a / 60 % 60));
  out += buf;
  if (a % 60 != 0) {
    std::snprintf(buf, sizeof buf, ":%02lld", static_cast<long long>(a % 60));
    out += buf;
  }
  return out;
}

}  // namespace clockwork::cron
