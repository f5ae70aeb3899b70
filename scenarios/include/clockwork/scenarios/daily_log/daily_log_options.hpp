// clockwork::scenarios::daily_log_options — the DailyLog maintenance service's schedule, with
// the patterns document's values as defaults: wait 1 minute after start-up, then run every 6 hours, each
// run making sure every active user has a log for today and the next 6 days.
//
//   clockwork::scenarios::daily_log_options options;          // the patterns document's schedule
//   options.check_interval = std::chrono::hours(1);           // production: tune per deployment
//   options.validate();                                       // tests: same struct, same checks
//
// Thread safety: a plain value. validate() throws std::invalid_argument naming a bad field.
#pragma once

#include <chrono>

namespace clockwork::scenarios {

struct daily_log_options {
  // Before the first run, so start-up is not slowed down by the job. Zero or more.
  std::chrono::nanoseconds startup_delay = std::chrono::minutes(1);
  // From the end of one run to the start of the next (the patterns document's Task.Delay after each run,
  // so a slow run pushes the later ones back). Positive.
  std::chrono::nanoseconds check_interval = std::chrono::hours(6);
  // Today and the days after it: 7 means today + 6. From 1 to 366.
  int days_to_create = 7;

  void validate() const;
};

}  // namespace clockwork::scenarios
