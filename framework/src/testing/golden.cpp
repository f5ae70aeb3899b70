#include "clockwork/testing/golden.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace clockwork::testing {
namespace {

constexpr std::size_t max_reported_lines = 8;
constexpr std::string_view update_hint = "Rerun with CLOCKWORK_UPDATE_GOLDEN=1 to accept the actual output.\n";

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(content.data(), static_cast<std::streamsize>(content.size()));
  file.close();
  if (!file) throw std::runtime_error("clockwork::testing: cannot write golden file '" + path.string() + "'");
}

std::string describe_difference(std::string_view expected, std::string_view actual,
                                const std::filesystem::path& golden) {
  const auto want = split_lines(expected);
  const auto got = split_lines(actual);
  std::ostringstream out;
  out << "golden file '" << golden.string() << "' differs from the actual output (expected " << want.size()
      << " lines, got " << got.size() << "):\n";
  std::size_t differing = 0;
  const std::size_t lines = std::max(want.size(), got.size());
  for (std::size_t i = 0; i < lines; ++i) {
    const bool has_want = i < want.size();
    const bool has_got = i < got.size();
    if (has_want && has_got && want[i] == got[i]) continue;
    if (++differing > max_reported_lines) continue;
    out << "  line " << i + 1 << ":\n";
    out << "    expected: " << (has_want ? want[i] : "<no line>") << '\n';
    out << "    actual:   " << (has_got ? got[i] : "<no line>") << '\n';
  }
  if (differing > max_reported_lines) {
    out << "  ... and " << differing - max_reported_lines << " more differing lines\n";
  }
  if (differing == 0) out << "  every line matches; only the final newline differs\n";
  out << update_hint;
  return out.str();
}

}  // namespace

bool updating_golden_files() {
  const char* value = std::getenv("CLOCKWORK_UPDATE_GOLDEN");
  return value != nullptr && *value != '\0' && std::string_view(value) != "0";
}

std::optional<std::string> golden_mismatch(std::string_view actual, const std::filesystem::path& golden) {
  if (updating_golden_files()) {
    write_file(golden, actual);
    return std::nullopt;
  }
  const auto expected = read_file(golden);
  if (!expected) {
    std::string message = "golden file '" + golden.string() + "' does not exist or cannot be read. ";
    message += update_hint;
    message += "The actual output was:\n";
    message += actual;
    return message;
  }
  if (*expected == actual) return std::nullopt;
  return describe_difference(*expected, actual, golden);
}

std::string digest_of(std::string_view text, std::size_t head, std::size_t tail) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::string out;
  const auto add = [&out](std::string_view line) {
    out.append(line);
    out.push_back('\n');
  };
  if (lines.size() <= head + tail) {
    for (const auto line : lines) add(line);
  } else {
    for (std::size_t i = 0; i < head; ++i) add(lines[i]);
    add("... " + std::to_string(lines.size() - head - tail) + " lines ...");
    for (std::size_t i = lines.size() - tail; i < lines.size(); ++i) add(lines[i]);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  add("lines: " + std::to_string(lines.size()));
  add(std::string("fnv1a-64: ") + hex);
  return out;
}

}  // namespace clockwork::testing
