// clockwork-cron: next/previous occurrences of a cron expression (see cron_cli.hpp). The real
// clock is read here, for the default --from, and nowhere in the library.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "cron_cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return clockwork::cli::run_cron_cli(args, std::cout, std::cerr, std::chrono::system_clock::now());
}
