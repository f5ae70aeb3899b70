// clockwork::cron::parse_error — why a cron expression was refused, and where.
//
// The message names the field, the column and what was expected, so that a configuration file
// or a command line can point at the mistake:
//
//   field 3 (hour): 24 is out of range 0–23 (column 7)
//   field 4 (day of month): 'W' follows a single day such as 15W, not a list (column 9)
//   expected 5 fields (minute hour day-of-month month day-of-week) but found 3 (column 6)
//
// The accessors give the same facts to a program: an editor underlining the column, a test
// asserting the field. Fields count from 1 in the order the dialect writes them (in cronos5 the
// minute is field 1; in cronos6 and quartz the second is); columns count bytes from 1. Errors
// about the expression as a whole (empty, a field too many, an unknown macro) have
// field() == field::none and field_index() == 0.
//
// It derives from std::invalid_argument, so code that treats any bad argument alike needs no
// special case.
//
// Example:
//   try {
//     cron::expression e{"0 61 * * * *", cron::dialect::cronos6};
//   } catch (const cron::parse_error& e) {
//     // e.field() == cron::field::minute, e.field_index() == 2, e.column() == 3
//     // e.what() == "field 2 (minute): 61 is out of range 0–59 (column 3)"
//   }
//
// Thread safety: a plain value.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "clockwork/schedule/cron_dialect.hpp"

namespace clockwork::cron {

class parse_error : public std::invalid_argument {
 public:
  // what() is composed from the parts: "field <index> (<name>): <reason> (column <column>)".
  parse_error(cron::field f, std::size_t field_index, std::size_t column, std::string reason);

  cron::field field() const noexcept { return field_; }
  // 1-based position of the field in the expression as written; 0 for the whole expression.
  std::size_t field_index() const noexcept { return field_index_; }
  std::string_view field_name() const noexcept { return cron::field_name(field_); }
  // 1-based byte column where the problem starts.
  std::size_t column() const noexcept { return column_; }
  // The reason alone, without field and column ("24 is out of range 0–23").
  const std::string& reason() const noexcept { return reason_; }

 private:
  cron::field field_;
  std::size_t field_index_;
  std::size_t column_;
  std::string reason_;
};

}  // namespace clockwork::cron
