// Internal to the command lines: the files and folders a command writes, handled in the order
// that loses nothing. Each path is checked with the other options, before anything exists;
// only when every option passed does create() make the missing folders (as GoogleTest's
// --gtest_output=xml:dir/ does) and then open each file — and when any of that fails it removes
// what it made, so that a refused command leaves no file and no folder behind.
//
//   clockwork::commands::output_files outputs{"clockwork-replay"};
//   outputs.add_file("--junit", junit_path);      // std::invalid_argument: a folder, a file in the way
//   outputs.add_folder("--trace", trace_dir);
//   ... check every other option ...
//   outputs.create();                             // folders, then files; std::invalid_argument
//   ... run, then write the files ...
//
// Thread safety: one thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace clockwork::commands {

class output_files {
 public:
  explicit output_files(std::string program);

  // A file the command writes. Refused now (std::invalid_argument naming `flag`): an empty
  // path, a path that is a folder or ends with '/', a file where a folder must be, a second
  // option naming the same file.
  void add_file(std::string_view flag, const std::filesystem::path& file);
  // A folder the command writes files into. Refused now: a file where a folder must be.
  void add_folder(std::string_view flag, const std::filesystem::path& folder);

  // Makes every missing folder, then opens (creates) every file and checks each folder takes a
  // file. On the first failure removes the files and folders it made and throws
  // std::invalid_argument naming the option.
  void create();

  // The folders create() made, outermost first ("made: out/reports").
  const std::vector<std::filesystem::path>& made_folders() const { return made_folders_; }

 private:
  struct entry {
    std::string flag;
    std::filesystem::path path;
    bool is_folder = false;
  };
  void check_folder_can_exist(const entry& e, const std::filesystem::path& folder) const;
  void make_folder(const entry& e, const std::filesystem::path& folder);
  void undo() noexcept;

  std::string program_;
  std::vector<entry> entries_;
  std::vector<std::filesystem::path> made_folders_;
  std::vector<std::filesystem::path> made_files_;
};

}  // namespace clockwork::commands
