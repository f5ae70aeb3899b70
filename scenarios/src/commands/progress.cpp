// The progress of long work on standard error (progress.hpp).
#include "progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace clockwork::commands {

std::string rough_duration(std::chrono::nanoseconds d) {
  const auto s = std::chrono::round<std::chrono::seconds>(d).count();
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  }
  return buf;
}

progress_line::progress_line(std::string what, std::uint64_t total) : progress_line(std::move(what), total, {}) {}

progress_line::progress_line(std::string what, std::uint64_t total, options o)
    : what_(std::move(what)), total_(total), o_(std::move(o)) {
  if (!o_.now) o_.now = &real_clock::monotonic_now;
  terminal_ = o_.terminal ? *o_.terminal : ::isatty(::fileno(o_.to)) != 0;
  started_ = o_.now();
}

progress_line::~progress_line() {
  finish();
}

std::string progress_line::text(std::uint64_t done, std::size_t failed, std::chrono::nanoseconds elapsed) const {
  std::string out = what_ + ": " + std::to_string(done) + "/" + std::to_string(total_) + " seeds, " +
                    std::to_string(failed) + " failed";
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (done > 0 && seconds > 0) {
    const double rate = static_cast<double>(done) / seconds;
    char buf[64];
    std::snprintf(buf, sizeof buf, rate >= 10 ? ", %.0f seeds/s" : ", %.1f seeds/s", rate);
    out += buf;
    if (done < total_) {
      const double left = static_cast<double>(total_ - done) / rate;
      out += ", " + rough_duration(std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(left, 1e9) * 1e9))) +
             " left";
    }
  }
  return out;
}

void progress_line::update(std::uint64_t done, std::size_t failed) {
  const auto now = o_.now();
  const bool last = done >= total_;
  const auto every = terminal_ ? o_.terminal_every : o_.line_every;
  if (shown_at_ && !last && now - *shown_at_ < every) return;
  shown_at_ = now;
  show(text(done, failed, now - started_));
}

void progress_line::update(const testing::explore_progress& p) {
  if (!p.shrinking) {
    update(p.seeds_done, p.failed);
    return;
  }
  // Shrinking: the seeds are done; each run now makes the first failure smaller.
  const auto now = o_.now();
  const auto every = terminal_ ? o_.terminal_every : o_.line_every;
  if (shown_at_ && now - *shown_at_ < every) return;
  shown_at_ = now;
  show(what_ + ": " + std::to_string(p.seeds_done) + "/" + std::to_string(total_) + " seeds, " +
       std::to_string(p.failed) + " failed; shrinking the first failure (" + std::to_string(p.shrink_runs) +
       " run(s))");
}

void progress_line::show(const std::string& line) {
  if (terminal_) {
    std::fprintf(o_.to, "\r\033[K%s", line.c_str());
    open_ = true;
  } else {
    std::fprintf(o_.to, "%s\n", line.c_str());
  }
  std::fflush(o_.to);
}

void progress_line::finish() {
  if (!open_) return;
  std::fprintf(o_.to, "\r\033[K");
  std::fflush(o_.to);
  open_ = false;
}

}  // namespace clockwork::commands
