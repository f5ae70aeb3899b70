// clockwork-jobs: a command over a job store (see jobs_cli.hpp).
#include <iostream>
#include <string>
#include <vector>

#include "jobs_cli.hpp"

int main(int argc, char** argv) {
  return clockwork::cli::run_jobs_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
