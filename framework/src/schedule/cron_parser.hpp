// The cron parser: text in a dialect -> the compiled tables of cron::expression.
#pragma once

#include <string_view>

#include "clockwork/schedule/cron_dialect.hpp"
#include "clockwork/schedule/detail/cron_tables.hpp"

namespace clockwork::cron::detail {

// Throws parse_error naming field and column. The day tables are built too.
cron_tables parse_cron(std::string_view text, dialect d);

}  // namespace clockwork::cron::detail
