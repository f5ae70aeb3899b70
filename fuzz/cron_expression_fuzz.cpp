// libFuzzer target: the cron parser and the schedule. Any text in any dialect must either parse
// or throw cron::parse_error; a parsed expression's next/prev/occurrences must be occurrences by
// the oracle's definition (framework/tests/schedule/cron_oracle.hpp), be ordered, agree with
// each other, and agree with a short second-by-second scan. A violated invariant traps.
// Input layout: cron_fuzz_input.hpp. Also built without libFuzzer as a regression replayer.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "cron_fuzz_input.hpp"
#include "cron_oracle.hpp"

namespace {

namespace cron = clockwork::cron;
using clockwork::utc_time;

// A violated invariant: say which, then trap so that libFuzzer keeps the input.
#define CHECK(condition)                                                              \
  do {                                                                                \
    if (!(condition)) {                                                               \
      std::fprintf(stderr, "cron fuzz: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      __builtin_trap();                                                               \
    }                                                                                 \
  } while (false)

std::int64_t seconds_of(utc_time t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

std::uint64_t read_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

constexpr std::int64_t last_second =
    std::chrono::floor<std::chrono::seconds>(utc_time::max()).time_since_epoch().count();
constexpr std::int64_t first_second =
    std::chrono::ceil<std::chrono::seconds>(utc_time::min()).time_since_epoch().count();

void exercise(const cron::schedule& s, utc_time from, cron::boundary b) {
  const clockwork::test::cron_oracle oracle{s};
  const std::int64_t x = seconds_of(from);
  // Whole second or not, from the tick count (a utc_time for floor(utc_time::min()) overflows).
  const bool whole = from.time_since_epoch().count() % utc_time::period::den == 0;
  const bool inclusive = b == cron::boundary::inclusive;
  const auto next = s.next_occurrence(from, b);
  const auto prev = s.prev_occurrence(from, b);
  if (!s.expression().has_occurrence()) {
    CHECK(!next && !prev);
    return;
  }
  // An occurrence the scan finds in range must be found by the schedule too.
  if (const auto scanned = oracle.next(x, inclusive && whole, 90); scanned && *scanned <= last_second) CHECK(next);
  if (const auto scanned = oracle.prev(x, inclusive || !whole, 90); scanned && *scanned >= first_second) CHECK(prev);
  if (next) {
    const std::int64_t n = seconds_of(next->at);
    CHECK(utc_time{std::chrono::seconds{n}} == next->at);  // whole seconds
    CHECK(inclusive && whole ? n >= x : n > x);
    CHECK(oracle.at(n).runs);
    CHECK((next->effect == cron::dst_effect::gap_end) == oracle.at(n).gap_end);
    // Nothing between from and next: a short scan agrees, and prev(next) is not after from.
    const auto scanned = oracle.next(x, inclusive && whole, 90);
    if (scanned) CHECK(*scanned == n);
    const auto before = s.prev(next->at);
    if (before) CHECK(seconds_of(*before) <= x);
    (void)cron::explain(s, *next);
  }
  if (prev) {
    const std::int64_t p = seconds_of(prev->at);
    CHECK(utc_time{std::chrono::seconds{p}} == prev->at);
    CHECK(inclusive || !whole ? p <= x : p < x);
    CHECK(oracle.at(p).runs);
    const auto scanned = oracle.prev(x, inclusive || !whole, 90);
    if (scanned) CHECK(*scanned == p);
    // Nothing between prev and from: the first occurrence after prev is the one at or after
    // from (or from itself, when from is excluded).
    const auto after = s.next(prev->at);
    if (next) {
      CHECK(after.has_value());
      if (prev->at < from) CHECK(*after <= next->at);
    } else if (after) {
      CHECK(*after <= from);
    }
    (void)cron::explain(s, *prev);
  }
  // A few occurrences of a day: strictly increasing, each one by the definition.
  std::optional<utc_time> last;
  int n = 0;
  const utc_time to = from < utc_time::max() - std::chrono::hours{24} ? from + std::chrono::hours{24} : utc_time::max();
  for (const auto& o : s.occurrences(from, to)) {
    if (last) CHECK(o.at > *last);
    last = o.at;
    if (++n == 4) break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < clockwork::fuzz::fuzz_header) return 0;
  const std::uint8_t flags = data[0];
  const std::uint8_t range = data[1];
  const cron::dialect dialects[] = {cron::dialect::cronos5, cron::dialect::cronos6, cron::dialect::quartz,
                                    cron::dialect::cronos5};
  const cron::dialect d = dialects[flags & 3];
  const auto policy = (flags & 4) != 0 ? cron::dst_policy::quartz_delta_shift : cron::dst_policy::cronos;
  const auto b = (flags & 8) != 0 ? cron::boundary::inclusive : cron::boundary::exclusive;
  const char* zone = clockwork::fuzz::fuzz_zones[flags >> 4];

  const std::uint64_t raw = read_u64(data + 2);
  std::uint32_t frac = 0;
  std::memcpy(&frac, data + 10, 4);
  utc_time from;
  if ((range & 1) != 0) {
    // Any tick of utc_time, its first and last included.
    from = utc_time{utc_time::duration{static_cast<utc_time::rep>(raw)}};
  } else {
    from = utc_time{std::chrono::seconds{static_cast<std::int64_t>(raw % 2208988800u)}};  // 1970..2040
    if ((range & 2) != 0) from += std::chrono::nanoseconds{frac % 1'000'000'000u};
  }

  const std::string text(reinterpret_cast<const char*>(data + clockwork::fuzz::fuzz_header),
                         size - clockwork::fuzz::fuzz_header);
  std::optional<cron::expression> e;
  try {
    e.emplace(text, d);
  } catch (const cron::parse_error& err) {
    CHECK(err.column() >= 1 && err.column() <= text.size() + 2);
    CHECK(std::strlen(err.what()) > 0);
    return 0;
  }
  (void)cron::describe(*e);
  const cron::schedule s{*e, clockwork::find_zone(zone), policy};
  exercise(s, from, b);
  return 0;
}
