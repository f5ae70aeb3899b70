// The files and folders a command writes (output_files.hpp).
#include "output_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace clockwork::commands {
namespace {

namespace fs = std::filesystem;

// The folder a file goes into: its parent, or the working folder.
fs::path folder_of(const fs::path& file) {
  return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

}  // namespace

output_files::output_files(std::string program) : program_(std::move(program)) {}

void output_files::check_folder_can_exist(const entry& e, const fs::path& folder) const {
  // Walk up to the nearest part that exists: it must be a folder (mkdir would fail under a file).
  std::error_code ec;
  for (fs::path p = folder; !p.empty(); p = p.parent_path()) {
    const auto status = fs::status(p, ec);
    if (fs::exists(status)) {
      if (!fs::is_directory(status)) {
        throw std::invalid_argument(e.flag + " " + e.path.string() + ": " + p.string() + " is a file, not a folder");
      }
      return;
    }
    if (p == p.parent_path()) return;
  }
}

void output_files::add_file(std::string_view flag, const fs::path& file) {
  entry e{std::string(flag), file, false};
  if (file.empty()) throw std::invalid_argument(e.flag + ": give a file name");
  std::error_code ec;
  if (!file.has_filename() || fs::is_directory(file, ec)) {
    throw std::invalid_argument(e.flag + " " + file.string() + ": is a folder; give a file name");
  }
  for (const auto& other : entries_) {
    if (!other.is_folder && fs::absolute(other.path).lexically_normal() == fs::absolute(file).lexically_normal()) {
      throw std::invalid_argument(e.flag + " " + file.string() + ": the same file as " + other.flag);
    }
  }
  check_folder_can_exist(e, folder_of(file));
  entries_.push_back(std::move(e));
}

void output_files::add_folder(std::string_view flag, const fs::path& folder) {
  entry e{std::string(flag), folder, true};
  if (folder.empty()) throw std::invalid_argument(e.flag + ": give a folder");
  check_folder_can_exist(e, folder);
  entries_.push_back(std::move(e));
}

void output_files::make_folder(const entry& e, const fs::path& folder) {
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  // Remember the outermost folder this makes, to remove it (and what it holds) on failure.
  fs::path outermost = folder;
  for (fs::path p = folder.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    outermost = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder)) {
    throw std::invalid_argument(e.flag + " " + e.path.string() + ": cannot make the folder " + folder.string() + ": " +
                                (ec ? ec.message() : std::string("not a folder")));
  }
  made_folders_.push_back(outermost);
}

void output_files::create() {
  try {
    for (const auto& e : entries_) make_folder(e, e.is_folder ? e.path : folder_of(e.path));
    for (const auto& e : entries_) {
      // A folder must take a file: a probe, removed at once.
      const fs::path file = e.is_folder ? e.path / ("." + program_ + "-probe") : e.path;
      std::error_code ec;
      const bool existed = fs::exists(file, ec);
      std::FILE* f = std::fopen(file.string().c_str(), "a");
      if (f == nullptr) {
        const int error = errno;
        throw std::invalid_argument(e.flag + " " + e.path.string() + ": cannot be written: " + std::strerror(error));
      }
      std::fclose(f);
      if (e.is_folder) {
        fs::remove(file, ec);
      } else if (!existed) {
        made_files_.push_back(file);
      }
    }
  } catch (...) {
    undo();
    throw;
  }
}

void output_files::undo() noexcept {
  std::error_code ec;
  for (const auto& f : made_files_) fs::remove(f, ec);
  for (auto it = made_folders_.rbegin(); it != made_folders_.rend(); ++it) fs::remove_all(*it, ec);
  made_files_.clear();
  made_folders_.clear();
}

}  // namespace clockwork::commands
