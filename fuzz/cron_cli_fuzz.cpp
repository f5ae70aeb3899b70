// libFuzzer target: clockwork-cron's argument parsing and run function. The input is a list of
// arguments separated by NUL bytes. Whatever they are, the command must return 0 (having printed
// occurrences), 1 (no occurrence at all: its output ends with the line "none", nothing on
// standard error) or 2 (having said why, once prefixed), never crash, throw or exit. Also built
// without libFuzzer as a regression replayer.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "clockwork/schedule/iso8601.hpp"
#include "cron_cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty() || size == 0) args.push_back(std::move(current));
  std::ostringstream out, err;
  static const clockwork::utc_time now = clockwork::cron::parse_instant("2026-06-01T12:00:00Z");
  const int status = clockwork::cli::run_cron_cli(args, out, err, now);
  const std::string printed = out.str();
  const std::string said = err.str();
  if (status == 0) {
    if (printed.empty() || printed == "none\n") __builtin_trap();
  } else if (status == 1) {
    if (!printed.ends_with("none\n") || !said.empty()) __builtin_trap();
  } else if (status == 2) {
    if (!said.starts_with("clockwork-cron: ") || said.starts_with("clockwork-cron: clockwork")) __builtin_trap();
  } else {
    __builtin_trap();
  }
  return 0;
}
