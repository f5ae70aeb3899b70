// clockwork::testing::verdict — what a scenario's run came to, as a value: the findings (kind
// and service), the host's result (exit code and failures by service and kind) and the counts
// that matter (runs, ticks, logs, ...). Two verdicts compare equal when a run went the same
// way; a scenario declares the verdict it expects, and a mismatch is printed side by side.
//
//   clockwork::testing::verdict expected;
//   expected.finding(clockwork::finding_kind::drift, "poller")
//           .failure("poller", clockwork::failure_kind::abandoned)
//           .count("runs", 12);
//   expected.exit_code = 1;
//   // test: EXPECT_EQ(run.actual, expected) << clockwork::testing::side_by_side(expected, run.actual);
//   // CI:   clockwork-replay --json verdicts.json writes each as to_json().
//
// Findings and failures are sets: the same (kind, service) twice is one entry — a verdict says
// what went wrong and where, not how many log lines said so. Counts are exact.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/hosting/host.hpp"

namespace clockwork::testing {

struct verdict {
  std::set<std::pair<finding_kind, std::string>> findings;
  int exit_code = 0;
  std::set<std::pair<std::string, failure_kind>> failures;
  std::map<std::string, std::int64_t> counts;

  verdict& finding(finding_kind kind, std::string service) {
    findings.emplace(kind, std::move(service));
    return *this;
  }
  verdict& failure(std::string service, failure_kind kind) {
    failures.emplace(std::move(service), kind);
    exit_code = 1;
    return *this;
  }
  verdict& count(std::string name, std::int64_t value) {
    counts[std::move(name)] = value;
    return *this;
  }

  friend bool operator==(const verdict&, const verdict&) = default;

  // One line per item, in a fixed order: "finding drift poller", "failure poller abandoned",
  // "exit 1", "count runs 12".
  std::string to_text() const;
  // {"exit_code":1,"findings":[{"kind":"drift","service":"poller"}],"failures":[...],"counts":{...}}
  std::string to_json() const;
  // What was found, in a few words: "drift(poller), abandoned(poller)" or "nothing".
  std::string headline() const;
};

// The verdict a host and runtime came to: their findings and result (counts are the caller's).
verdict verdict_of(const std::vector<finding>& findings, const host_result& result);

// Expected and actual side by side, one line each, the differences marked.
std::string side_by_side(const verdict& expected, const verdict& actual, std::string_view left = "expected",
                         std::string_view right = "actual");
// Expected, virtual time and the real host side by side: a cross-check's mismatch at a glance.
std::string side_by_side(const verdict& expected, const verdict& in_virtual_time, const verdict& on_real_host);

}  // namespace clockwork::testing
