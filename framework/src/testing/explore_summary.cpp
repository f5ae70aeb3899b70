#include "clockwork/testing/explore_summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "clockwork/time/time_format.hpp"
#include "seeded_command.hpp"

namespace clockwork::testing {
namespace {

using json = nlohmann::ordered_json;

constexpr int format_version = 1;

using detail::with_seed;

json chaos_json(const chaos_options& chaos) {
  json j = json::object();
  for (const auto name : chaos_options::names()) j[std::string(name)] = chaos.describe(name);
  return j;
}

json reproduction_json(const reproduction& r) {
  json j;
  j["record"] = "shrunk";
  j["seed"] = r.seed;
  j["chaos"] = chaos_json(r.chaos);
  j["fault_budget"] = r.fault_budget;
  j["span_ns"] = r.span.count();
  j["command"] = r.command;
  j["failure"] = r.failure;
  j["faults"] = json::array();
  for (const auto& f : r.faults) j["faults"].push_back(json{{"index", f.index}, {"site", f.site}, {"what", f.what}});
  return j;
}

// Reading: every field is checked, and a bad one names its line.
class line_reader {
 public:
  line_reader(const json& j, std::size_t line) : j_(j), line_(line) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("line " + std::to_string(line_) + ": " + what);
  }
  const json& field(const char* name) const {
    const auto it = j_.find(name);
    if (it == j_.end()) fail(std::string("the field \"") + name + "\" is missing");
    return *it;
  }
  std::string text(const char* name) const {
    const auto& f = field(name);
    if (!f.is_string()) fail(std::string("\"") + name + "\" must be a string");
    return f.get<std::string>();
  }
  std::uint64_t whole(const char* name) const {
    const auto& f = field(name);
    if (!f.is_number_unsigned()) fail(std::string("\"") + name + "\" must be a whole number");
    return f.get<std::uint64_t>();
  }
  std::int64_t signed_whole(const char* name) const {
    const auto& f = field(name);
    if (!f.is_number_integer()) fail(std::string("\"") + name + "\" must be a whole number");
    return f.get<std::int64_t>();
  }
  bool flag(const char* name) const {
    const auto& f = field(name);
    if (!f.is_boolean()) fail(std::string("\"") + name + "\" must be true or false");
    return f.get<bool>();
  }
  double number(const char* name) const {
    const auto& f = field(name);
    if (!f.is_number()) fail(std::string("\"") + name + "\" must be a number");
    return f.get<double>();
  }
  chaos_options chaos(const char* name) const {
    const auto& f = field(name);
    if (!f.is_object()) fail(std::string("\"") + name + "\" must be an object of chaos options");
    chaos_options out;
    for (const auto& [key, value] : f.items()) {
      if (!value.is_string()) fail("the chaos option \"" + key + "\" must be a string");
      try {
        out.set(key, value.get<std::string>());
      } catch (const std::invalid_argument& e) {
        fail(std::string("chaos option ") + key + ": " + e.what());
      }
    }
    return out;
  }

 private:
  const json& j_;
  std::size_t line_;
};

std::string range_text(std::uint64_t first_seed, seed_block b) {
  if (b.count == 0) return "no seed";
  return "seeds " + std::to_string(first_seed + b.offset) + " to " +
         std::to_string(first_seed + b.offset + b.count - 1);
}

// Why two shards cannot be parts of one exploration, or nothing.
std::optional<std::string> mismatch(const exploration_summary& a, const exploration_summary& b) {
  if (a.first_seed != b.first_seed || a.seeds_asked != b.seeds_asked) {
    return "one explores " + range_text(a.first_seed, {0, a.seeds_asked}) + ", another " +
           range_text(b.first_seed, {0, b.seeds_asked});
  }
  for (const auto name : chaos_options::names()) {
    if (a.chaos.describe(name) != b.chaos.describe(name)) {
      return "their chaos options differ: " + std::string(name) + " is " + a.chaos.describe(name) + " in one, " +
             b.chaos.describe(name) + " in another";
    }
  }
  if (a.determinism_check != b.determinism_check) return std::string("their determinism checks differ");
  if (a.stop_at_first_failure != b.stop_at_first_failure)
    return std::string("one stops at the first failure, another does not");
  if (a.replay_base != b.replay_base) return "their replay commands differ: " + a.replay_base + " / " + b.replay_base;
  return std::nullopt;
}

exploration_summary join_one(std::vector<exploration_summary> parts) {
  const std::string who = "the shards of " + parts.front().scenario;
  for (const auto& p : parts) {
    if (auto why = mismatch(parts.front(), p))
      throw std::invalid_argument(who + " are not of one exploration: " + *why);
  }
  std::sort(parts.begin(), parts.end(), [](const exploration_summary& a, const exploration_summary& b) {
    return a.block.offset != b.block.offset ? a.block.offset < b.block.offset : a.block.count < b.block.count;
  });
  exploration_summary out = parts.front();
  out.block = {0, 0};
  out.seeds_run = 0;
  out.failed = out.checked_twice = out.not_deterministic = 0;
  out.notable.clear();
  out.first_failure.reset();
  out.shrunk.reset();
  out.shards = 0;
  std::uint64_t next = 0;  // the offset the next block must start at
  for (auto& p : parts) {
    if (p.block.offset != next) {
      const auto first = p.first_seed;
      if (p.block.offset < next) {
        throw std::invalid_argument(who + " overlap: " + range_text(first, p.block) +
                                    " are also in another shard (a shard given twice?)");
      }
      throw std::invalid_argument(who + " leave a gap: " + range_text(first, {next, p.block.offset - next}) +
                                  " are in no shard given (a shard's file missing?)");
    }
    next = p.block.offset + p.block.count;
    out.block.count += p.block.count;
    out.seeds_run += p.seeds_run;
    out.failed += p.failed;
    out.checked_twice += p.checked_twice;
    out.not_deterministic += p.not_deterministic;
    out.shards += p.shards;
    for (auto& n : p.notable) out.notable.push_back(std::move(n));
    if (!out.first_failure && p.first_failure) {
      out.first_failure = p.first_failure;
      out.shrunk = std::move(p.shrunk);
      // The whole run would have stopped here: later shards' seeds would never have run.
      if (out.stop_at_first_failure) return out;
    }
  }
  if (next != out.seeds_asked) {
    throw std::invalid_argument(who + " leave a gap: " + range_text(out.first_seed, {next, out.seeds_asked - next}) +
                                " are in no shard given (a shard's file missing?)");
  }
  return out;
}

}  // namespace

std::string exploration_summary::replay(std::uint64_t seed) const {
  return with_seed(replay_base, seed);
}

exploration_summary summary_of(const exploration& e) {
  exploration_summary s;
  s.scenario = e.scenario;
  s.chaos = e.chaos;
  s.replay_base = e.replay_base;
  s.first_seed = e.first_seed;
  s.seeds_asked = e.seeds_asked;
  s.block = e.block;
  s.stop_at_first_failure = e.stop_at_first_failure;
  s.determinism_check = e.determinism_check;
  s.seeds_run = e.seeds.size();
  s.failed = e.failed;
  s.checked_twice = e.checked_twice;
  s.not_deterministic = e.not_deterministic;
  for (const auto& o : e.seeds) {
    if (o.passed && o.deterministic) continue;
    s.notable.push_back(seed_summary{o.seed, o.passed, o.failure, o.deterministic, o.divergence, o.faults, o.kinds});
  }
  s.first_failure = e.first_failure;
  s.shrunk = e.shrunk;
  return s;
}

std::string report(const exploration_summary& s) {
  std::string out = s.scenario + ": " + std::to_string(s.seeds_run) + " seed(s), " + std::to_string(s.failed) +
                    " failed, " + std::to_string(s.checked_twice) + " run twice, " +
                    std::to_string(s.not_deterministic) + " not deterministic\n";
  for (const auto& n : s.notable) {
    if (!n.deterministic) out += "  seed " + std::to_string(n.seed) + " is not deterministic; " + n.divergence + "\n";
  }
  if (s.first_failure) {
    const auto it = std::find_if(s.notable.begin(), s.notable.end(),
                                 [&](const seed_summary& n) { return n.seed == *s.first_failure; });
    if (it != s.notable.end()) {
      out += "  first failing seed: " + std::to_string(it->seed) + " (" + std::to_string(it->faults) + " fault(s), " +
             it->kinds + "): " + it->failure + "\n  replay: " + s.replay(it->seed) + "\n";
    }
  }
  if (s.shrunk) {
    const auto& r = *s.shrunk;
    out += "  shrunk to " + std::to_string(r.fault_budget) + " fault(s) over " + format_duration(r.span) + ": " +
           r.failure + "\n  replay: " + r.command + "\n";
    for (const auto& f : r.faults) out += "    fault " + std::to_string(f.index) + ": " + f.site + ": " + f.what + "\n";
  }
  return out;
}

std::string to_json_lines(const exploration_summary& s) {
  json head;
  head["record"] = "summary";
  head["format"] = format_version;
  head["scenario"] = s.scenario;
  head["chaos"] = chaos_json(s.chaos);
  head["replay_base"] = s.replay_base;
  head["first_seed"] = s.first_seed;
  head["seeds_asked"] = s.seeds_asked;
  head["block_offset"] = s.block.offset;
  head["block_count"] = s.block.count;
  head["stop_at_first_failure"] = s.stop_at_first_failure;
  head["determinism_check"] = s.determinism_check;
  head["seeds_run"] = s.seeds_run;
  head["failed"] = s.failed;
  head["checked_twice"] = s.checked_twice;
  head["not_deterministic"] = s.not_deterministic;
  head["shards"] = s.shards;
  head["first_failure"] = s.first_failure ? json(*s.first_failure) : json(nullptr);
  std::string out = head.dump() + "\n";
  for (const auto& n : s.notable) {
    json j;
    j["record"] = "seed";
    j["seed"] = n.seed;
    j["passed"] = n.passed;
    j["failure"] = n.failure;
    j["deterministic"] = n.deterministic;
    j["divergence"] = n.divergence;
    j["faults"] = n.faults;
    j["kinds"] = n.kinds;
    out += j.dump() + "\n";
  }
  if (s.shrunk) out += reproduction_json(*s.shrunk).dump() + "\n";
  return out;
}

std::vector<exploration_summary> parse_summaries(std::string_view text) {
  std::vector<exploration_summary> out;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const json j = json::parse(line, nullptr, false);
    const line_reader r(j, line_number);
    if (j.is_discarded() || !j.is_object()) r.fail("not a JSON object");
    const std::string record = r.text("record");
    if (record == "summary") {
      if (r.whole("format") != format_version) {
        r.fail("format " + std::to_string(r.whole("format")) + " is not the one this program reads (" +
               std::to_string(format_version) + ")");
      }
      exploration_summary s;
      s.scenario = r.text("scenario");
      s.chaos = r.chaos("chaos");
      s.replay_base = r.text("replay_base");
      s.first_seed = r.whole("first_seed");
      s.seeds_asked = r.whole("seeds_asked");
      s.block = {r.whole("block_offset"), r.whole("block_count")};
      if (s.block.offset > s.seeds_asked || s.block.count > s.seeds_asked - s.block.offset)
        r.fail("the block of seeds goes past the seeds explored");
      s.stop_at_first_failure = r.flag("stop_at_first_failure");
      s.determinism_check = r.number("determinism_check");
      s.seeds_run = r.whole("seeds_run");
      if (s.seeds_run > s.block.count) r.fail("more seeds run than the block holds");
      s.failed = r.whole("failed");
      s.checked_twice = r.whole("checked_twice");
      s.not_deterministic = r.whole("not_deterministic");
      s.shards = r.whole("shards");
      if (!r.field("first_failure").is_null()) s.first_failure = r.whole("first_failure");
      out.push_back(std::move(s));
    } else if (record == "seed" || record == "shrunk") {
      if (out.empty()) r.fail("a \"" + record + "\" record before any \"summary\" record");
      auto& s = out.back();
      if (record == "seed") {
        seed_summary n;
        n.seed = r.whole("seed");
        n.passed = r.flag("passed");
        n.failure = r.text("failure");
        n.deterministic = r.flag("deterministic");
        n.divergence = r.text("divergence");
        n.faults = r.whole("faults");
        n.kinds = r.text("kinds");
        s.notable.push_back(std::move(n));
      } else {
        reproduction p;
        p.seed = r.whole("seed");
        p.chaos = r.chaos("chaos");
        p.fault_budget = r.whole("fault_budget");
        p.span = std::chrono::nanoseconds(r.signed_whole("span_ns"));
        p.command = r.text("command");
        p.failure = r.text("failure");
        const auto& faults = r.field("faults");
        if (!faults.is_array()) r.fail("\"faults\" must be an array");
        for (const auto& f : faults) {
          const line_reader fr(f, line_number);
          if (!f.is_object()) r.fail("each fault must be an object");
          p.faults.push_back(chaos::record{fr.whole("index"), fr.text("site"), fr.text("what")});
        }
        s.shrunk = std::move(p);
      }
    } else {
      r.fail("unknown record \"" + record + "\"");
    }
  }
  return out;
}

std::vector<exploration_summary> join_shards(std::vector<exploration_summary> shards) {
  if (shards.empty()) throw std::invalid_argument("no shard to join");
  std::vector<std::string> order;
  std::map<std::string, std::vector<exploration_summary>> by_scenario;
  for (auto& s : shards) {
    if (!by_scenario.contains(s.scenario)) order.push_back(s.scenario);
    by_scenario[s.scenario].push_back(std::move(s));
  }
  std::vector<exploration_summary> out;
  for (const auto& name : order) out.push_back(join_one(std::move(by_scenario[name])));
  return out;
}

}  // namespace clockwork::testing
