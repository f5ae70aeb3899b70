#include "clockwork/schedule/cron_dialect.hpp"

#include <array>

namespace clockwork::cron {
namespace {
constexpr std::array<field, 5> standard_fields = {field::minute, field::hour, field::day_of_month, field::month,
                                                  field::day_of_week};
constexpr std::array<field, 6> seconds_fields = {field::second,       field::minute, field::hour,
                                                 field::day_of_month, field::month,  field::day_of_week};
constexpr std::array<field, 7> quartz_fields = {field::second, field::minute,      field::hour, field::day_of_month,
                                                field::month,  field::day_of_week, field::year};
}  // namespace

std::string_view to_string(dialect d) noexcept {
  switch (d) {
    case dialect::cronos5: return "cronos5";
    case dialect::cronos6: return "cronos6";
    case dialect::quartz: return "quartz";
  }
  return "?";
}

std::string_view field_name(field f) noexcept {
  switch (f) {
    case field::second: return "second";
    case field::minute: return "minute";
    case field::hour: return "hour";
    case field::day_of_month: return "day of month";
    case field::month: return "month";
    case field::day_of_week: return "day of week";
    case field::year: return "year";
    case field::none: return "expression";
  }
  return "?";
}

std::span<const field> fields_of(dialect d) noexcept {
  switch (d) {
    case dialect::cronos5: return standard_fields;
    case dialect::cronos6: return seconds_fields;
    case dialect::quartz: return quartz_fields;
  }
  return {};
}

std::size_t min_fields(dialect d) noexcept {
  return d == dialect::cronos5 ? 5 : 6;
}

std::size_t max_fields(dialect d) noexcept {
  return fields_of(d).size();
}

}  // namespace clockwork::cron
