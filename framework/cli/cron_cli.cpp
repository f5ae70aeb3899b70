#include "cron_cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string_view>

#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/version.hpp"

namespace clockwork::cli {
namespace {

// The exit codes every clockwork command shares (docs/scenarios.md, "Exit codes").
constexpr int listed = 0;         // occurrences printed (fewer than -n asked for is still 0)
constexpr int no_occurrence = 1;  // the expression never matches after (before) --from
constexpr int usage_error = 2;
constexpr int max_count = 100'000;  // a listing, not a stream: more is a mistake

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The dialect names people use, mapped to clockwork's three.
std::optional<cron::dialect> dialect_named(const std::string& name) {
  const std::string n = lower(name);
  if (n == "cronos5" || n == "standard" || n == "5" || n == "five" || n == "unix" || n == "crontab") {
    return cron::dialect::cronos5;
  }
  if (n == "cronos6" || n == "seconds" || n == "6" || n == "six" || n == "with-seconds") return cron::dialect::cronos6;
  if (n == "quartz" || n == "quartz.net" || n == "quartznet") return cron::dialect::quartz;
  return std::nullopt;
}

// A five-field line is cronos5, a six-field one cronos6 (a macro such as @daily reads the same in
// both); quartz only when asked. Fewer fields: cronos5, whose parser says which are missing;
// seven or more: nothing, the caller says what to give.
std::optional<cron::dialect> dialect_by_field_count(const std::string& expression) {
  std::size_t fields = 0;
  bool in_field = false;
  for (const unsigned char c : expression) {
    const bool blank = std::isspace(c) != 0;
    if (!blank && !in_field) ++fields;
    in_field = !blank;
  }
  if (fields <= 5) return cron::dialect::cronos5;
  if (fields == 6) return cron::dialect::cronos6;
  return std::nullopt;
}

// The library's messages say where they come from ("clockwork: unknown time zone ..."); the
// command says it once, as "clockwork-cron: ...".
std::string without_library_prefix(std::string message) {
  constexpr std::string_view prefix = "clockwork: ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

std::optional<cron::dst_policy> policy_named(const std::string& name) {
  const std::string n = lower(name);
  if (n == "cronos" || n == "gap-end") return cron::dst_policy::cronos;
  if (n == "quartz" || n == "quartz_delta_shift" || n == "delta-shift") return cron::dst_policy::quartz_delta_shift;
  return std::nullopt;
}

struct options {
  std::string expression;
  std::string dialect;
  std::string zone;
  std::string from;
  std::string policy;
  bool inclusive = false;
  int count = 1;
  bool explain = false;
};

void add_options(CLI::App& cmd, options& o) {
  cmd.add_option("expression", o.expression, "the cron expression (quote it)")->required();
  cmd.add_option("--dialect,-d", o.dialect,
                 "cronos5 (alias standard), cronos6 (alias seconds) or quartz; default: cronos5 for five fields, "
                 "cronos6 for six");
  cmd.add_option("--zone,-z", o.zone, "IANA time zone, such as Europe/Berlin, or UTC (any case); default: UTC");
  cmd.add_option("--from,-f", o.from,
                 "ISO-8601 instant with an offset or Z, such as 2017-03-30T23:59:59.9999999+02:00 (default: now)");
  cmd.add_flag("--inclusive,-i", o.inclusive, "an occurrence exactly at --from counts");
  cmd.add_option("-n,--count", o.count, "how many occurrences to print (default 1)");
  cmd.add_option("--dst-policy,-p", o.policy,
                 "cronos (a run in a DST gap moves to the gap's end) or quartz (it keeps the old offset); "
                 "default: quartz for the quartz dialect, else cronos");
  cmd.add_flag("--explain,-e", o.explain, "describe the expression and what DST did to each occurrence");
}

// "  0 30 24 * * *\n       ^" under the column a parse error names.
std::string caret(const std::string& text, std::size_t column) {
  std::string line = "  ";
  for (char c : text) line += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  std::string mark(column + 2, ' ');
  mark.back() = '^';
  return line + "\n" + mark;
}

int run(const options& o, bool forward, std::ostream& out, std::ostream& err, utc_time now) {
  const auto dialect = o.dialect.empty() ? dialect_by_field_count(o.expression) : dialect_named(o.dialect);
  if (!dialect && o.dialect.empty()) {
    err << "clockwork-cron: cannot tell the dialect of '" << o.expression
        << "' from its fields (five: cronos5, six: cronos6); give --dialect cronos5, cronos6 or quartz (which "
           "alone takes a seventh field, the year)\n";
    return usage_error;
  }
  if (!dialect) {
    err << "clockwork-cron: unknown dialect '" << o.dialect
        << "' (expected cronos5/standard, cronos6/seconds or quartz)\n";
    return usage_error;
  }
  cron::dst_policy policy =
      *dialect == cron::dialect::quartz ? cron::dst_policy::quartz_delta_shift : cron::dst_policy::cronos;
  if (!o.policy.empty()) {
    const auto p = policy_named(o.policy);
    if (!p) {
      err << "clockwork-cron: unknown DST policy '" << o.policy << "' (expected cronos or quartz)\n";
      return usage_error;
    }
    policy = *p;
  }
  if (o.count < 1 || o.count > max_count) {
    err << "clockwork-cron: -n must be between 1 and " << max_count << " (got " << o.count << ")\n";
    return usage_error;
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = &find_zone(o.zone.empty() || lower(o.zone) == "utc" ? std::string("UTC") : o.zone);
  } catch (const std::invalid_argument& e) {
    err << "clockwork-cron: " << without_library_prefix(e.what()) << "\n";
    return usage_error;
  }
  utc_time from = now;
  if (!o.from.empty()) {
    try {
      from = cron::parse_instant(o.from);
    } catch (const std::exception& e) {
      err << "clockwork-cron: --from: " << without_library_prefix(e.what()) << "\n";
      return usage_error;
    }
  }
  std::optional<cron::expression> expr;
  try {
    expr.emplace(o.expression, *dialect);
  } catch (const cron::parse_error& e) {
    err << "clockwork-cron: " << without_library_prefix(e.what()) << "\n" << caret(o.expression, e.column()) << "\n";
    return usage_error;
  }
  const cron::schedule s{std::move(*expr), *zone, policy};
  if (o.explain) {
    out << o.expression << ": " << cron::describe(s.expression()) << " (" << cron::to_string(*dialect) << " in "
        << zone->name() << ", DST policy " << cron::to_string(policy) << ")\n";
  }
  auto b = o.inclusive ? cron::boundary::inclusive : cron::boundary::exclusive;
  int printed = 0;
  for (; printed < o.count; ++printed) {
    const auto occ = forward ? s.next_occurrence(from, b) : s.prev_occurrence(from, b);
    if (!occ) break;
    out << cron::format_instant(occ->at, *zone) << "\n";
    if (o.explain && occ->effect != cron::dst_effect::none) out << "  " << cron::explain(s, *occ) << "\n";
    from = occ->at;
    b = cron::boundary::exclusive;
  }
  if (printed < o.count) out << "none\n";
  return printed > 0 ? listed : no_occurrence;
}

}  // namespace

int run_cron_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, utc_time now) {
  CLI::App app{"Prints the next (or previous) occurrences of a cron expression in a time zone.", "clockwork-cron"};
  app.set_version_flag("--version", std::string("clockwork-cron ") + CLOCKWORK_VERSION_STRING);
  app.require_subcommand(1, 1);
  options next_options;
  options prev_options;
  CLI::App* next = app.add_subcommand("next", "occurrences after --from, earliest first");
  CLI::App* prev = app.add_subcommand("prev", "occurrences before --from, latest first");
  add_options(*next, next_options);
  add_options(*prev, prev_options);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "clockwork-cron: " << e.what() << "\nRun 'clockwork-cron --help' for the usage.\n";
    return usage_error;
  }
  if (next->parsed()) return run(next_options, true, out, err, now);
  return run(prev_options, false, out, err, now);
}

}  // namespace clockwork::cli
