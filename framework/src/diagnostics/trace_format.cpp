#include "clockwork/diagnostics/trace_format.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <stdexcept>

#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

constexpr std::size_t offset_width = 13;  // "+00:01:00.000"
constexpr std::size_t source_width = 16;
constexpr std::size_t kind_width = 17;  // the longest built-in kind, "service_restarted"

bool needs_quotes(std::string_view s) noexcept {
  if (s.empty()) return true;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '\\') return true;
  }
  return false;
}

void append_text_value(std::string& out, std::string_view s) {
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
          out += buf;
        } else {
          out += c;
        }
      }
    }
  }
  out += '"';
}

void pad_to(std::string& out, std::size_t column_start, std::size_t width) {
  const std::size_t used = out.size() - column_start;
  if (used < width) out.append(width - used, ' ');
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("clockwork: cannot open '" + path.string() + "' for writing");
  file.write(content.data(), static_cast<std::streamsize>(content.size()));
  file.close();
  if (!file) throw std::runtime_error("clockwork: cannot write '" + path.string() + "'");
}

}  // namespace

std::string format_record(const trace_record& record, steady_time origin) {
  std::string out;
  const std::string offset = format_offset(record.steady, origin);
  if (offset.size() < offset_width) out.append(offset_width - offset.size(), ' ');
  out += offset;
  out += "  ";
  out += format_utc(record.utc);
  out += "  ";
  std::size_t start = out.size();
  append_text_value(out, record.source);
  pad_to(out, start, source_width);
  out += "  ";
  start = out.size();
  out += record.kind;
  if (record.fields.empty()) return out;  // no padding: lines carry no trailing blanks
  pad_to(out, start, kind_width);
  out += "  ";
  bool first = true;
  for (const trace_field& f : record.fields) {
    if (!first) out += ' ';
    first = false;
    out += f.key;
    out += '=';
    append_text_value(out, f.value);
  }
  return out;
}

std::string to_text(std::span<const trace_record> records, steady_time origin) {
  std::string out;
  for (const trace_record& r : records) {
    out += format_record(r, origin);
    out += '\n';
  }
  return out;
}

std::string to_text(const trace& t, steady_time origin) {
  return to_text(t.records(), origin);
}
std::string to_text(const trace& t) {
  return to_text(t.records(), t.origin());
}

std::string to_json_line(const trace_record& record, steady_time origin) {
  // ordered_json keeps keys in insertion order, so every line has the same layout.
  nlohmann::ordered_json j;
  j["seq"] = record.seq;
  j["offset_ns"] = (record.steady - origin).count();
  j["offset"] = format_offset(record.steady, origin);
  j["utc"] = format_utc(record.utc);
  j["source"] = record.source;
  j["kind"] = record.kind;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const trace_field& f : record.fields) fields[f.key] = f.value;
  j["fields"] = std::move(fields);
  // Log messages may carry arbitrary bytes; replacing invalid UTF-8 keeps the line valid JSON
  // instead of throwing from inside a renderer.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string to_json_lines(std::span<const trace_record> records, steady_time origin) {
  std::string out;
  for (const trace_record& r : records) {
    out += to_json_line(r, origin);
    out += '\n';
  }
  return out;
}

std::string to_json_lines(const trace& t, steady_time origin) {
  return to_json_lines(t.records(), origin);
}
std::string to_json_lines(const trace& t) {
  return to_json_lines(t.records(), t.origin());
}

void write_text(const trace& t, const std::filesystem::path& path) {
  write_file(path, to_text(t));
}
void write_text(const trace& t, const std::filesystem::path& path, steady_time origin) {
  write_file(path, to_text(t, origin));
}
void write_json_lines(const trace& t, const std::filesystem::path& path) {
  write_file(path, to_json_lines(t));
}
void write_json_lines(const trace& t, const std::filesystem::path& path, steady_time origin) {
  write_file(path, to_json_lines(t, origin));
}

namespace {

// "2026-01-01T00:01:00.000Z", exactly as format_utc writes it.
std::optional<utc_time> parse_utc_millis(const std::string& text) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  char tail = 0;
  if (text.size() != 24 ||
      std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u.%3u%c", &y, &mo, &d, &h, &mi, &s, &ms, &tail) != 8 ||
      tail != 'Z') {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month{mo}, std::chrono::day{d}};
  if (!day.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return utc_time{std::chrono::sys_days{day}.time_since_epoch() + std::chrono::hours{h} + std::chrono::minutes{mi} +
                  std::chrono::seconds{s} + std::chrono::milliseconds{ms}};
}

trace_record record_of_line(const std::string& line, steady_time origin) {
  // Ordered: a record's fields keep the order of the line. Throws on anything that is not JSON.
  const auto j = nlohmann::ordered_json::parse(line);
  trace_record r;
  r.seq = j.at("seq").get<std::uint64_t>();
  r.steady = origin + std::chrono::nanoseconds{j.at("offset_ns").get<std::int64_t>()};
  const auto utc = parse_utc_millis(j.at("utc").get<std::string>());
  if (!utc) throw std::runtime_error("\"utc\" is not an instant such as 2026-01-01T00:01:00.000Z");
  r.utc = *utc;
  r.source = j.at("source").get<std::string>();
  r.kind = j.at("kind").get<std::string>();
  const auto& fields = j.at("fields");
  if (!fields.is_object()) throw std::runtime_error("\"fields\" is not an object");
  for (const auto& [key, value] : fields.items()) {
    r.fields.push_back({key, value.get<std::string>()});
  }
  return r;
}

}  // namespace

std::vector<trace_record> parse_json_lines(std::string_view text, steady_time origin) {
  std::vector<trace_record> records;
  std::size_t line_number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string line(text.substr(at, end - at));
    at = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      records.push_back(record_of_line(line, origin));
    } catch (const std::exception& e) {
      throw std::runtime_error("line " + std::to_string(line_number) + ": not a trace record (" + e.what() + ")");
    }
  }
  return records;
}

std::vector<trace_record> read_json_lines(const std::filesystem::path& path, steady_time origin) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  try {
    return parse_json_lines(text, origin);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

std::ostream& operator<<(std::ostream& out, const trace_record& record) {
  return out << '#' << record.seq << ' ' << format_record(record, steady_time{});
}

}  // namespace clockwork
