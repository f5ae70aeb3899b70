// clockwork::clock — the only source of "now" a service may use.
//
// A clock answers three questions, independently:
//   steady_now()  monotonic time; never jumps, never goes back. Every wait is measured on it.
//   utc_now()     wall-clock time; may be stepped (NTP), drift, or be set backwards.
//   local_zone()  the IANA time zone that turns UTC into local civil time (date/tz).
// local_now() combines the last two. Because monotonic and wall time are independent, a test
// can step the wall clock or change the zone without moving any timer, exactly as NTP or an
// administrator does to a production machine.
//
// Example — the same service code, two clocks:
//
//   clockwork::task<> midnight_job(clockwork::runtime& rt, std::stop_token stop) {
//     auto now = rt.clock().local_now();           // never std::chrono::system_clock::now()
//     ...
//   }
//   // production: real_runtime's clock is clockwork::real_clock (reads the OS clocks).
//   // test:       virtual_runtime's clock is clockwork::virtual_clock:
//   //             rt.set_local_zone("Europe/Berlin"); rt.jump_wall_clock(-1h);
//
// Thread safety: real_clock is safe from any thread. virtual_clock belongs to the thread that
// drives its virtual_runtime. Zone pointers come from the process-wide, read-only tz database
// and stay valid for the life of the process.
//
// Pitfall: date/tz.h and C++20 <chrono> both define days, year, local_days, ...; never
// `using namespace` both in one scope — qualify date:: names.
#pragma once

#include <chrono>
#include <string_view>

#include <date/tz.h>

namespace clockwork {

using steady_time = std::chrono::steady_clock::time_point;
using utc_time = std::chrono::system_clock::time_point;
using local_time = date::zoned_time<std::chrono::nanoseconds>;

// Looks up an IANA zone ("Europe/Berlin", "UTC"). Throws std::invalid_argument naming the zone
// when the database has no such zone.
const date::time_zone& find_zone(std::string_view name);

class clock {
 public:
  virtual ~clock() = default;

  virtual steady_time steady_now() const = 0;
  virtual utc_time utc_now() const = 0;
  virtual const date::time_zone& local_zone() const = 0;
  // utc_now() as the library reads it to stamp a log or trace record: never counted as a read
  // by the service (virtual_clock counts those) and never moving an auto-advancing clock.
  virtual utc_time stamp_utc() const { return utc_now(); }

  // utc_now() seen in local_zone().
  local_time local_now() const { return local_time{&local_zone(), utc_now()}; }

  // Today's date in UTC / in local_zone(): a read of the date alone. The drift detector does not
  // take a wait that follows it for one computed from the wall clock (a date alone cannot say how
  // long to wait until a time of day); a service that computes a wait reads utc_now().
  std::chrono::year_month_day utc_today() const;
  std::chrono::year_month_day local_today() const;
};

// The operating system's clocks: CLOCK_MONOTONIC, CLOCK_REALTIME, and a zone chosen at
// construction (by default $TZ, else /etc/localtime, else UTC).
class real_clock final : public clock {
 public:
  real_clock();
  explicit real_clock(std::string_view zone_name);

  steady_time steady_now() const override;
  utc_time utc_now() const override;
  const date::time_zone& local_zone() const override { return *zone_; }

  // CLOCK_MONOTONIC_COARSE: a few nanoseconds to read, millisecond resolution. The watchdogs use
  // it so that timing every resume costs next to nothing.
  static steady_time coarse_steady_now() noexcept;
  // CLOCK_MONOTONIC, what steady_now() reads, without an instance (no zone lookup).
  static steady_time monotonic_now() noexcept;

 private:
  const date::time_zone* zone_;
};

}  // namespace clockwork
