// Renderings of a clockwork::trace: aligned text for golden files and eyes, JSON lines for
// tools. Both are deterministic: the same records and origin give the same bytes, always.
//
// Text — one line per record, columns separated by two spaces:
//
//   +00:01:00.000  2026-01-01T00:01:00.000Z  daily_log         service_started    run=1 note="first run"
//   ^ steady offset from origin (right-aligned, 13 wide)
//                  ^ UTC                     ^ source          ^ kind             ^ fields
//                                            (16 wide)         (17 wide)
//
// A column wider than its width pushes the rest of its line right; no line depends on
// another. A source or value is written bare when it is non-empty and holds no space, quote,
// backslash or control character; otherwise it is quoted, with \" \\ \n \r \t and \xHH
// escapes. Bytes from 0x80 up (UTF-8) are written as they are. Lines end with '\n' and carry
// no trailing blanks.
//
// JSON lines — one object per record, keys in this order:
//
//   {"seq":3,"offset_ns":60000000000,"offset":"+00:01:00.000","utc":"2026-01-01T00:01:00.000Z",
//    "source":"daily_log","kind":"service_started","fields":{"run":"1","note":"first run"}}
//
// (one line in the output). Invalid UTF-8 in a string becomes U+FFFD rather than an error.
//
// Example:
//
//   // test: compare with a golden file (clockwork/testing/golden_assertions.hpp).
//   EXPECT_TRUE(clockwork::testing::matches_golden(clockwork::to_text(tr), golden_dir / "daily.txt"));
//   // production: keep the run for later analysis.
//   clockwork::write_json_lines(tr, "/var/log/app/trace.jsonl");
//
// The overloads without an origin measure from trace::origin(). The functions taking a trace
// read trace::records(): see its thread-safety contract; the others are pure.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork {

// One text line, without its '\n'.
std::string format_record(const trace_record& record, steady_time origin);
std::string to_text(std::span<const trace_record> records, steady_time origin);
std::string to_text(const trace& t, steady_time origin);
std::string to_text(const trace& t);

// One JSON object, without its '\n'.
std::string to_json_line(const trace_record& record, steady_time origin);
std::string to_json_lines(std::span<const trace_record> records, steady_time origin);
std::string to_json_lines(const trace& t, steady_time origin);
std::string to_json_lines(const trace& t);

// Reads JSON lines back (what to_json_lines wrote, from this or another process — a real host's
// saved run, say): each record's seq, source, kind and fields in their order; its steady time at
// origin + offset_ns; its UTC time to the millisecond the line carries. Blank lines are skipped.
// Throws std::runtime_error naming the line (and read_json_lines the file) for a line that is not
// such a record. For drawing a saved run: clockwork-timeline --from-trace FILE.jsonl.
std::vector<trace_record> parse_json_lines(std::string_view text, steady_time origin = {});
std::vector<trace_record> read_json_lines(const std::filesystem::path& path, steady_time origin = {});

// Write the renderings to path (created or truncated). Throw std::runtime_error naming the
// path when it cannot be written.
void write_text(const trace& t, const std::filesystem::path& path);
void write_text(const trace& t, const std::filesystem::path& path, steady_time origin);
void write_json_lines(const trace& t, const std::filesystem::path& path);
void write_json_lines(const trace& t, const std::filesystem::path& path, steady_time origin);

}  // namespace clockwork
