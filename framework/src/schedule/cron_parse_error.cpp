#include "clockwork/schedule/cron_parse_error.hpp"

#include <utility>

namespace clockwork::cron {
namespace {
std::string compose(cron::field f, std::size_t field_index, std::size_t column, const std::string& reason) {
  std::string out;
  if (f != cron::field::none) {
    out += "field " + std::to_string(field_index) + " (" + std::string(field_name(f)) + "): ";
  }
  out += reason;
  out += " (column " + std::to_string(column) + ")";
  return out;
}
}  // namespace

parse_error::parse_error(cron::field f, std::size_t field_index, std::size_t column, std::string reason)
    : std::invalid_argument(compose(f, field_index, column, reason)),
      field_(f),
      field_index_(f == cron::field::none ? 0 : field_index),
      column_(column),
      reason_(std::move(reason)) {}

}  // namespace clockwork::cron
