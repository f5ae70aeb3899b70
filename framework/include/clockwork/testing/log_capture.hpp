// clockwork::testing::log_capture — an spdlog sink that keeps every record for assertions.
//
// Attach it to a logger made by clockwork::make_logger and the records it keeps carry the
// injected clock's time, so a test can assert on what was logged and when, in virtual time.
// It keeps the raw message text (no pattern), the level and the logger's name.
//
// Example:
//
//   clockwork::virtual_runtime rt;
//   auto capture = std::make_shared<clockwork::testing::log_capture>();
//   auto log = clockwork::make_logger("importer", rt.clock(), {capture});
//   rt.spawn(import_loop(rt, log, stop), "importer");
//   rt.advance_by(std::chrono::minutes(5));
//   EXPECT_TRUE(capture->contains(spdlog::level::warn, "retrying"));
//   EXPECT_EQ(capture->count(spdlog::level::err), 0u);
//   // production attaches a console or file sink to the same logger instead.
//
// Thread safety: every member may be called from any thread; records are kept in the order
// the sink received them. records() returns a copy, so it stays valid while logging goes on.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include "clockwork/time/clock.hpp"

namespace clockwork::testing {

struct captured_log {
  utc_time time{};  // the record's time: the injected clock's utc_now() under make_logger
  spdlog::level::level_enum level = spdlog::level::off;
  std::string logger;
  std::string message;
};

class log_capture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<captured_log> records() const;
  std::size_t size() const;
  void clear();

  // Whether some record at exactly this level contains text.
  bool contains(spdlog::level::level_enum level, std::string_view text) const;
  // Whether some record at any level contains text.
  bool contains(std::string_view text) const;
  // Records at exactly this level.
  std::size_t count(spdlog::level::level_enum level) const;

  // Every record, one line each ("2026-01-01T00:01:00.000Z warning importer: text"), for
  // failure messages.
  std::string text() const;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  // base_sink's own mutex serialises sink_it_ but cannot be taken from const readers.
  mutable std::mutex records_mutex_;
  std::vector<captured_log> records_;
};

}  // namespace clockwork::testing
