#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"

#include <stdexcept>

namespace clockwork::scenarios {
namespace {

constexpr std::size_t max_problems = 10;

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

  for (const auto& [id, user] : store.users().rows()) {
    const std::vector<daily_log> logs = store.logs_of(id);
    if (!user.active) {
      ++c.inactive_users;
      if (!logs.empty()) {
        c.unexpected += logs.size();
        note(c, to_string(id) + " is inactive but has " + std::to_string(logs.size()) + " log(s)");
      }
      continue;
    }
    ++c.active_users;
    c.expected += static_cast<std::size_t>(days);
    std::size_t next = 0;  // logs are in date order: walk them alongside the range
    for (int i = 0; i < days; ++i) {
      const calendar_date day = add_days(first, i);
      while (next < logs.size() && std::chrono::sys_days{logs[next].day} < std::chrono::sys_days{day}) {
        ++c.unexpected;
        note(c, to_string(id) + ": unexpected log on " + to_string(logs[next].day) + ", before the range");
        ++next;
      }
      if (next < logs.size() && logs[next].day == day) {
        if (logs[next].target != user.nutrition_target_for(day)) {
          ++c.wrong_target;
          note(c, to_string(id) + ": the log on " + to_string(day) + " has another day's target");
        }
        ++next;
      } else {
        ++c.missing;
        note(c, to_string(id) + ": no log on " + to_string(day));
      }
    }
    for (; next < logs.size(); ++next) {
      ++c.unexpected;
      note(c, to_string(id) + ": unexpected log on " + to_string(logs[next].day) + ", after the range");
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
