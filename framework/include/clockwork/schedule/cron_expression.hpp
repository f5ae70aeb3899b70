// clockwork::cron::expression — a cron expression, parsed once, in an explicit dialect.
//
// An expression is a pure description of wall-clock times: "0 30 2 * * *" matches 02:30:00 of
// every day. It knows nothing of time zones or instants; cron::schedule puts it in a zone and
// answers "when does it run next" (cron_schedule.hpp). Parsing compiles every field to a
// bitmask and precomputes, for the 14 kinds of calendar year, which days of each month match,
// so that a search jumps field by field and never scans second by second, and an expression
// that can never match ("0 0 30 2 *") is known to be one at once (has_occurrence()).
//
// Syntax per dialect (docs/schedules.md has the full table):
//   - lists 1,5,7; ranges 1-5 (reversed ranges wrap: 22-2 hours = 22,23,0,1,2); steps */15,
//     5/15, 10-40/10 (a step runs across the wrap: 57-5/3 seconds = 57,0,3);
//   - names JAN..DEC and SUN..SAT, any case;
//   - day of month: L (last day), L-n, nW (nearest weekday, never leaving the month), LW, L-nW;
//     Quartz also LW-n and several of these in one list;
//   - day of week: nL (last such weekday of the month), n#k (k-th, 1..5);
//   - cronos: day of week 0..7 (0 and 7 = Sunday), '?' = '*' in every field, day of month AND
//     day of week when both are restricted, macros @yearly @annually @monthly @weekly @daily
//     @midnight @hourly @every_minute @every_second;
//   - quartz: day of week 1..7 (1 = Sunday), L alone = Saturday, '?' only in the day fields,
//     day of month OR day of week, an optional year 1970..2199, no macros. Quartz.NET's
//     "every n-th week" (FRI/2) is refused: it depends on where a search starts.
//
// Example:
//   cron::expression e{"0 0 13 * FRI", cron::dialect::cronos5};   // Friday the 13th
//   e.has_occurrence();                                          // true
//   e.next_wall_time(date::local_days{date::year{2026} / 1 / 1}); // 2026-02-13 00:00:00
//   cron::expression{"0 0 30 2 *", cron::dialect::cronos5}.has_occurrence();  // false
//
// The searchable range is that of clockwork::utc_time (std::chrono::system_clock, int64
// nanoseconds): years 1677 to 2262. Nothing is found outside it.
//
// Thread safety: immutable after construction; any number of threads may use one expression.
// Copying is cheap enough to keep one per job (about 800 bytes, no heap beyond the text).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "clockwork/schedule/cron_dialect.hpp"
#include "clockwork/schedule/cron_parse_error.hpp"
#include "clockwork/schedule/detail/cron_tables.hpp"

namespace clockwork::cron {

class expression {
 public:
  // Parses text in dialect d. Blanks and TABs separate fields; leading and trailing ones are
  // ignored. Throws parse_error naming the field and column on any mistake.
  expression(std::string_view text, cron::dialect d);

  // The text as given.
  const std::string& text() const noexcept { return text_; }
  cron::dialect dialect() const noexcept { return dialect_; }

  // Whether the second, minute or hour field is an interval ('*', '?', a range or a step).
  // In a repeated (fall-back) hour, interval expressions run in both passes and others once.
  bool is_interval() const noexcept { return tables_.interval; }
  // Whether any wall-clock time in the searchable range matches. Answered from the tables
  // built at parse time, in constant time: use it to refuse a job that can never run.
  bool has_occurrence() const noexcept { return tables_.possible; }

  // Whether wall-clock time w matches every field.
  bool matches(date::local_seconds w) const noexcept;
  // The first matching wall-clock time at or after w, and the last one at or before w; empty
  // when there is none in the searchable range.
  std::optional<date::local_seconds> next_wall_time(date::local_seconds w) const noexcept;
  std::optional<date::local_seconds> prev_wall_time(date::local_seconds w) const noexcept;

  // The compiled fields (for describe() and the schedule; not a stable interface).
  const detail::cron_tables& tables() const noexcept { return tables_; }

 private:
  std::string text_;
  cron::dialect dialect_;
  detail::cron_tables tables_;
};

}  // namespace clockwork::cron
