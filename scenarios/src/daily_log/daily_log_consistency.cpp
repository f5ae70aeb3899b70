#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"

#include <stdexcept>

namespace clockwork::scenarios {
namespace {

constexpr std::size_t max_problems = 10;
// Before every date a log can have: where a user's run of rows starts.
constexpr calendar_date earliest_date{std::chrono::year::min(), std::chrono::January, std::chrono::day{1}};

void note(daily_log_consistency& c, std::string problem) {
  if (c.problems.size() < max_problems) c.problems.push_back(std::move(problem));
}

}  // namespace

std::string daily_log_consistency::summary() const {
  if (ok()) {
    return "ok: " + std::to_string(active_users) + " active users x " +
           std::to_string(active_users == 0 ? 0 : expected / active_users) + " days = " + std::to_string(logs) +
           " logs; none for " + std::to_string(inactive_users) + " inactive users; nothing staged";
  }
  std::string out = "INCONSISTENT: " + std::to_string(missing) + " missing, " + std::to_string(unexpected) +
                    " unexpected, " + std::to_string(wrong_target) + " with a wrong target, " + std::to_string(staged) +
                    " staged write(s) left";
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

daily_log_consistency check_daily_logs(const daily_log_store& store, calendar_date first, calendar_date last) {
  if (std::chrono::sys_days{last} < std::chrono::sys_days{first}) {
    throw std::invalid_argument("clockwork::scenarios::check_daily_logs: the range " + to_string(first) + ".." +
                                to_string(last) + " is empty: last is before first");
  }
  daily_log_consistency c;
  const int days = days_between(first, last) + 1;
  c.logs = store.logs().size();
  c.staged = store.logs().staged_total() + store.users().staged_total();
  if (c.staged != 0) note(c, std::to_string(c.staged) + " write(s) staged and neither committed nor dropped");

  const auto& rows = store.logs().rows();
  for (const auto& [id, user] : store.users().rows()) {
    // Keys order by user, then day: the user's logs are one contiguous, date-ordered run of rows,
    // walked in place (an explored seed checks thousands of logs; copying them cost more).
    auto next = rows.lower_bound(daily_log_key{id, earliest_date});
    const auto is_users = [&rows, id = id](auto it) { return it != rows.end() && it->first.user == id; };
    if (!user.active) {
      ++c.inactive_users;
      std::size_t held = 0;
      for (; is_users(next); ++next) ++held;
      if (held != 0) {
        c.unexpected += held;
        note(c, to_string(id) + " is inactive but has " + std::to_string(held) + " log(s)");
      }
      continue;
    }
    ++c.active_users;
    c.expected += static_cast<std::size_t>(days);
    calendar_date day = first;
    for (int i = 0; i < days; ++i, day = add_days(day, 1)) {
      // Dates made by add_days are valid: they order as their fields do, without sys_days.
      while (is_users(next) && next->second.day < day) {
        ++c.unexpected;
        note(c, to_string(id) + ": unexpected log on " + to_string(next->second.day) + ", before the range");
        ++next;
      }
      if (is_users(next) && next->second.day == day) {
        if (next->second.target != user.nutrition_target_for(day)) {
          ++c.wrong_target;
          note(c, to_string(id) + ": the log on " + to_string(day) + " has another day's target");
        }
        ++next;
      } else {
        ++c.missing;
        note(c, to_string(id) + ": no log on " + to_string(day));
      }
    }
    for (; is_users(next); ++next) {
      ++c.unexpected;
      note(c, to_string(id) + ": unexpected log on " + to_string(next->second.day) + ", after the range");
    }
  }
  // Logs of users the store does not know at all.
  for (const auto& [key, log] : store.logs().rows()) {
    if (!store.users().contains(key.user)) {
      ++c.unexpected;
      note(c, to_string(key) + ": the user does not exist");
    }
  }
  return c;
}

}  // namespace clockwork::scenarios
