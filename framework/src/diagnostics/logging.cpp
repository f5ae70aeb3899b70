#include "clockwork/diagnostics/logging.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <utility>

namespace clockwork {
namespace {

// spdlog stamps a record with the system clock before handing it to sink_it_, the one
// overridable step between the logger and its sinks; the record is restamped there.
class clock_logger final : public spdlog::logger {
 public:
  clock_logger(std::string name, const clock& clk, std::vector<spdlog::sink_ptr> sinks)
      : spdlog::logger(std::move(name), sinks.begin(), sinks.end()), clock_(&clk) {}

  // spdlog::logger::clone copies into a plain spdlog::logger, which would drop the clock.
  std::shared_ptr<spdlog::logger> clone(std::string logger_name) override {
    auto copy = std::make_shared<clock_logger>(*this);
    copy->name_ = std::move(logger_name);
    return copy;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::details::log_msg stamped = msg;
    stamped.time = clock_->stamp_utc();
    spdlog::logger::sink_it_(stamped);
  }

 private:
  const clock* clock_;
};

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(std::string name, const clock& clk, std::vector<spdlog::sink_ptr> sinks) {
  return std::make_shared<clock_logger>(std::move(name), clk, std::move(sinks));
}

std::shared_ptr<spdlog::logger> logger_for(const std::shared_ptr<spdlog::logger>& parent, std::string name) {
  if (!parent) return make_null_logger();
  return parent->clone(std::move(name));
}

std::shared_ptr<spdlog::logger> make_null_logger() {
  // Not registered anywhere: clockwork never touches spdlog's global registry.
  auto logger = std::make_shared<spdlog::logger>("clockwork");
  logger->set_level(spdlog::level::off);
  return logger;
}

std::unique_ptr<spdlog::formatter> make_log_formatter() {
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %-8l %n: %v",
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace clockwork
