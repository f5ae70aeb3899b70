#include "clockwork/diagnostics/trace_format.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
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

std::ostream& operator<<(std::ostream& out, const trace_record& record) {
  return out << '#' << record.seq << ' ' << format_record(record, steady_time{});
}

}  // namespace clockwork
