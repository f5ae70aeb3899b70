// Internal to the command lines: the progress of long work (an exploration's seeds), on
// standard error. On a terminal one line rewritten in place (\r) at most ten times a second; on
// anything else (a pipe, a CI log) a whole line when the work starts, every few seconds, and
// when it ends — never a carriage return.
//
//   clockwork::commands::progress_line progress{"explore.daily_log", 1000};
//   options.on_progress = [&](const clockwork::testing::explore_progress& p) { progress.update(p); };
//   const auto found = clockwork::testing::explore(s, options);
//   progress.finish();
//   // explore.daily_log: 350/1000 seeds, 0 failed, 112 seeds/s, 6 s left
//
// It reads the real clock — for the rate and the time left it shows, nothing else: the runs it
// watches never see that clock, and what it prints never enters a trace, verdict or report.
//
// Thread safety: one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "clockwork/testing/explore.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::commands {

class progress_line {
 public:
  struct options {
    std::FILE* to = stderr;
    std::optional<bool> terminal;  // unset: whether `to` is a terminal
    std::chrono::nanoseconds terminal_every = std::chrono::milliseconds(100);
    std::chrono::nanoseconds line_every = std::chrono::seconds(5);
    std::function<steady_time()> now;  // unset: the real monotonic clock
  };

  progress_line(std::string what, std::uint64_t total);
  progress_line(std::string what, std::uint64_t total, options o);
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;
  ~progress_line();

  // done of the total, failed so far.
  void update(std::uint64_t done, std::size_t failed);
  // explore()'s own progress: seeds, failures, and the shrinking of the first failure.
  void update(const testing::explore_progress& p);
  // Ends the line: clears it on a terminal; elsewhere nothing more (the last line was printed).
  void finish();

  // The line as shown: "WHAT: 350/1000 seeds, 0 failed, 112 seeds/s, 6 s left".
  std::string text(std::uint64_t done, std::size_t failed, std::chrono::nanoseconds elapsed) const;

 private:
  void show(const std::string& line);

  std::string what_;
  std::uint64_t total_;
  options o_;
  bool terminal_;
  steady_time started_;
  std::optional<steady_time> shown_at_;
  bool open_ = false;  // a line shown on the terminal and not yet cleared
};

// "6 s", "2 min 10 s", "1 h 05 min": a time left, rounded to the second.
std::string rough_duration(std::chrono::nanoseconds d);

}  // namespace clockwork::commands
