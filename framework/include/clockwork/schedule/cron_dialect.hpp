// clockwork::cron::dialect and cron::field — which cron syntax an expression is written in, and
// the names of its fields.
//
// Cron has no single standard, and the same text means different things to different
// libraries ("0 0 13 * 5" is every Friday the 13th to Cronos and every 13th plus every Friday
// to Quartz). clockwork therefore never guesses: every expression is parsed in a dialect chosen
// by the caller.
//
//   dialect::cronos5   minute hour day-of-month month day-of-week        (Cronos' standard format)
//   dialect::cronos6   second minute hour day-of-month month day-of-week (Cronos with seconds)
//   dialect::quartz    second minute hour day-of-month month day-of-week [year] (Quartz.NET)
//
// docs/schedules.md has the syntax of each dialect side by side.
//
// Example:
//   cron::expression e{"0 30 2 * * *", cron::dialect::cronos6};
//   cron::to_string(cron::dialect::cronos6) == "cronos6";
//   cron::field_name(cron::field::day_of_month) == "day of month";
//
// Thread safety: constants and pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace clockwork::cron {

enum class dialect {
  cronos5,  // 5 fields, seconds are always 0
  cronos6,  // 6 fields, seconds first
  quartz,   // 6 or 7 fields, seconds first, optional year
};

// The fields, in the order the longest dialect writes them. `none` stands for the expression as
// a whole (an empty expression, a field too many, an unknown macro).
enum class field { second, minute, hour, day_of_month, month, day_of_week, year, none };

// "cronos5", "cronos6", "quartz".
std::string_view to_string(dialect d) noexcept;
// "second", "minute", "hour", "day of month", "month", "day of week", "year", "expression".
std::string_view field_name(field f) noexcept;
// The fields of d in writing order; for quartz the optional year is included last.
std::span<const field> fields_of(dialect d) noexcept;
// How many fields d requires (5, 6, 6) and allows at most (5, 6, 7).
std::size_t min_fields(dialect d) noexcept;
std::size_t max_fields(dialect d) noexcept;

}  // namespace clockwork::cron
