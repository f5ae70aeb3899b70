#include "clockwork/testing/log_capture.hpp"

#include <algorithm>

#include "clockwork/time/time_format.hpp"

namespace clockwork::testing {

void log_capture::sink_it_(const spdlog::details::log_msg& msg) {
  captured_log record{msg.time, msg.level, std::string(msg.logger_name.data(), msg.logger_name.size()),
                      std::string(msg.payload.data(), msg.payload.size())};
  const std::lock_guard lock(records_mutex_);
  records_.push_back(std::move(record));
}

std::vector<captured_log> log_capture::records() const {
  const std::lock_guard lock(records_mutex_);
  return records_;
}

std::size_t log_capture::size() const {
  const std::lock_guard lock(records_mutex_);
  return records_.size();
}

void log_capture::clear() {
  const std::lock_guard lock(records_mutex_);
  records_.clear();
}

bool log_capture::contains(spdlog::level::level_enum level, std::string_view text) const {
  const std::lock_guard lock(records_mutex_);
  return std::any_of(records_.begin(), records_.end(), [&](const captured_log& r) {
    return r.level == level && r.message.find(text) != std::string::npos;
  });
}

bool log_capture::contains(std::string_view text) const {
  const std::lock_guard lock(records_mutex_);
  return std::any_of(records_.begin(), records_.end(),
                     [&](const captured_log& r) { return r.message.find(text) != std::string::npos; });
}

std::size_t log_capture::count(spdlog::level::level_enum level) const {
  const std::lock_guard lock(records_mutex_);
  return static_cast<std::size_t>(
      std::count_if(records_.begin(), records_.end(), [level](const captured_log& r) { return r.level == level; }));
}

std::string log_capture::text() const {
  const std::lock_guard lock(records_mutex_);
  std::string out;
  for (const captured_log& r : records_) {
    const auto level = spdlog::level::to_string_view(r.level);
    out += format_utc(r.time);
    out += ' ';
    out.append(level.data(), level.size());
    out += ' ';
    out += r.logger;
    out += ": ";
    out += r.message;
    out += '\n';
  }
  return out;
}

}  // namespace clockwork::testing
