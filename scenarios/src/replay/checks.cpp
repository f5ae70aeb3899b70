// clockwork-replay: checks of its command line's values, before anything runs.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "replay.hpp"

namespace clockwork::replay {

void check_writable(const std::filesystem::path& file, std::string_view flag) {
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw std::invalid_argument(std::string(flag) + " " + file.string() + ": the folder " + folder.string() +
                                " does not exist (clockwork-replay creates no folders)");
  }
  if (std::filesystem::is_directory(file, ec)) {
    throw std::invalid_argument(std::string(flag) + " " + file.string() + ": is a folder; give a file name");
  }
  std::FILE* probe = std::fopen(file.string().c_str(), "a");
  if (probe == nullptr) throw std::invalid_argument(std::string(flag) + " " + file.string() + ": cannot be written");
  std::fclose(probe);
}

CLI::Validator whole_number_in(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& value) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || end == nullptr || *end != '\0' || errno == ERANGE) return value + " is not a number";
        if (v < lo || v > hi) return value + " is not in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        return {};
      },
      "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_writable_folder(const std::filesystem::path& folder, std::string_view flag) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw std::invalid_argument(std::string(flag) + " " + folder.string() +
                                ": no such folder (clockwork-replay creates no folders)");
  }
  const std::filesystem::path probe_path = folder / ".clockwork-replay-probe";
  std::FILE* probe = std::fopen(probe_path.string().c_str(), "w");
  if (probe == nullptr) throw std::invalid_argument(std::string(flag) + " " + folder.string() + ": cannot be written");
  std::fclose(probe);
  std::filesystem::remove(probe_path, ec);
}

}  // namespace clockwork::replay
