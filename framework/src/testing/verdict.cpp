#include "clockwork/testing/verdict.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace clockwork::testing {
namespace {

std::vector<std::string> lines_of(const verdict& v) {
  std::vector<std::string> out;
  out.push_back("exit " + std::to_string(v.exit_code));
  for (const auto& [kind, service] : v.findings)
    out.push_back("finding " + std::string(to_string(kind)) + " " + service);
  for (const auto& [service, kind] : v.failures)
    out.push_back("failure " + service + " " + std::string(to_string(kind)));
  for (const auto& [name, value] : v.counts) out.push_back("count " + name + " " + std::to_string(value));
  return out;
}

}  // namespace

std::string verdict::to_text() const {
  std::string out;
  for (const auto& line : lines_of(*this)) out += line + "\n";
  return out;
}

std::string verdict::to_json() const {
  nlohmann::ordered_json j;
  j["exit_code"] = exit_code;
  j["findings"] = nlohmann::ordered_json::array();
  for (const auto& [kind, service] : findings)
    j["findings"].push_back({{"kind", to_string(kind)}, {"service", service}});
  j["failures"] = nlohmann::ordered_json::array();
  for (const auto& [service, kind] : failures)
    j["failures"].push_back({{"service", service}, {"kind", to_string(kind)}});
  j["counts"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : counts) j["counts"][name] = value;
  // A service name may carry any bytes; invalid UTF-8 becomes U+FFFD, as in the trace's JSON
  // lines and the timeline, instead of an exception from a report writer.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string verdict::headline() const {
  std::string out;
  for (const auto& [kind, service] : findings) {
    out += (out.empty() ? "" : ", ") + std::string(to_string(kind)) + "(" + service + ")";
  }
  for (const auto& [service, kind] : failures) {
    out += (out.empty() ? "" : ", ") + std::string(to_string(kind)) + "(" + service + ")";
  }
  return out.empty() ? "nothing" : out;
}

verdict verdict_of(const std::vector<finding>& findings, const host_result& result) {
  verdict v;
  for (const auto& f : findings) v.findings.emplace(f.kind, f.source);
  for (const auto& f : result.failures) v.failures.emplace(f.service, f.kind);
  v.exit_code = result.exit_code;
  return v;
}

std::string side_by_side(const verdict& expected, const verdict& actual, std::string_view left,
                         std::string_view right) {
  const auto a = lines_of(expected);
  const auto b = lines_of(actual);
  std::vector<std::string> all = a;
  for (const auto& line : b) {
    if (std::find(all.begin(), all.end(), line) == all.end()) all.push_back(line);
  }
  std::sort(all.begin(), all.end());
  std::size_t width = left.size();
  for (const auto& line : a) width = std::max(width, line.size());
  std::string out = "  " + std::string(left) + std::string(width - left.size() + 3, ' ') + std::string(right) + "\n";
  for (const auto& line : all) {
    const bool in_a = std::find(a.begin(), a.end(), line) != a.end();
    const bool in_b = std::find(b.begin(), b.end(), line) != b.end();
    const std::string l = in_a ? line : "-";
    const std::string r = in_b ? line : "-";
    out += (in_a && in_b ? "  " : "✗ ") + l + std::string(width - l.size() + 3, ' ') + r + "\n";
  }
  return out;
}

std::string side_by_side(const verdict& expected, const verdict& in_virtual_time, const verdict& on_real_host) {
  const std::vector<std::vector<std::string>> columns{lines_of(expected), lines_of(in_virtual_time),
                                                      lines_of(on_real_host)};
  std::vector<std::string> all;
  for (const auto& column : columns) {
    for (const auto& line : column) {
      if (std::find(all.begin(), all.end(), line) == all.end()) all.push_back(line);
    }
  }
  std::sort(all.begin(), all.end());
  std::size_t width = 12;
  for (const auto& line : all) width = std::max(width, line.size());
  const auto cell = [width](const std::string& text) { return text + std::string(width - text.size() + 3, ' '); };
  std::string out = "  " + cell("expected") + cell("virtual time") + "real host\n";
  for (const auto& line : all) {
    std::string row;
    bool everywhere = true;
    for (const auto& column : columns) {
      const bool here = std::find(column.begin(), column.end(), line) != column.end();
      everywhere = everywhere && here;
      row += cell(here ? line : "-");
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += (everywhere ? "  " : "✗ ") + row + "\n";
  }
  return out;
}

}  // namespace clockwork::testing
