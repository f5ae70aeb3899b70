#include "clockwork/schedule/cron_describe.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace clockwork::cron {
namespace {

constexpr std::array<std::string_view, 12> month_words = {"January",   "February", "March",    "April",
                                                          "May",       "June",     "July",     "August",
                                                          "September", "October",  "November", "December"};
constexpr std::array<std::string_view, 7> weekday_words = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                           "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 5> ordinal_words = {"first", "second", "third", "fourth", "fifth"};

std::vector<unsigned> values_of(std::uint64_t bits, unsigned lo, unsigned hi) {
  std::vector<unsigned> out;
  for (unsigned v = lo; v <= hi; ++v)
    if ((bits >> v & 1) != 0) out.push_back(v);
  return out;
}

std::string ordinal(unsigned n) {
  const unsigned tens = n % 100;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : n % 10 == 1              ? "st"
                       : n % 10 == 2              ? "nd"
                       : n % 10 == 3              ? "rd"
                                                  : "th";
  return std::to_string(n) + suffix;
}

std::string join(const std::vector<std::string>& items, std::string_view last_sep = " and ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? std::string(last_sep) : ", ";
    out += items[i];
  }
  return out;
}

// "1–5, 7 and 9" with runs of three or more written as ranges; `name` renders a value.
template <typename Name>
std::string list_of(const std::vector<unsigned>& v, Name name) {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (j - i >= 2) {
      items.push_back(name(v[i]) + " through " + name(v[j]));
    } else {
      for (std::size_t k = i; k <= j; ++k) items.push_back(name(v[k]));
    }
    i = j + 1;
  }
  return join(items);
}

// A time field: "every minute", "minute 5", "every 5th minute", "every 5th minute from 10
// through 40", "every minute from 10 through 20", "minute 1, 5 and 7".
std::string time_phrase(std::uint64_t bits, unsigned hi, std::string_view unit) {
  const auto v = values_of(bits, 0, hi);
  const std::string u(unit);
  if (v.size() == hi + 1) return "every " + u;
  if (v.size() == 1) return u + " " + std::to_string(v[0]);
  const unsigned step = v[1] - v[0];
  bool progression = true;
  for (std::size_t i = 1; i < v.size(); ++i) progression = progression && v[i] - v[i - 1] == step;
  if (progression && step == 1)
    return "every " + u + " from " + std::to_string(v.front()) + " through " + std::to_string(v.back());
  if (progression && v.size() > 2) {
    std::string out = "every " + ordinal(step) + " " + u;
    const bool to_the_end = v.back() + step > hi;
    if (v.front() != 0 || !to_the_end) {
      out += " from " + std::to_string(v.front());
      if (!to_the_end) out += " through " + std::to_string(v.back());
    }
    return out;
  }
  return u + "s " + list_of(v, [](unsigned x) { return std::to_string(x); });
}

std::string clock_text(unsigned h, unsigned m, std::optional<unsigned> s) {
  char buf[32];
  if (s) {
    std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", h, m, *s);
  } else {
    std::snprintf(buf, sizeof buf, "%02u:%02u", h, m);
  }
  return buf;
}

std::string time_part(const expression& e) {
  const auto& t = e.tables();
  const bool has_seconds = e.dialect() != dialect::cronos5;
  const bool one_second = std::popcount(t.seconds) == 1;
  const bool one_minute = std::popcount(t.minutes) == 1;
  const bool one_hour = std::popcount(t.hours) == 1;
  const auto first = [](std::uint64_t b) { return static_cast<unsigned>(std::countr_zero(b)); };
  if (one_minute && one_hour) {
    if (one_second) {
      return "at " + clock_text(first(t.hours), first(t.minutes),
                                has_seconds ? std::optional<unsigned>(first(t.seconds)) : std::nullopt);
    }
    const std::string second_phrase = time_phrase(t.seconds, 59, "second");
    return (second_phrase.rfind("every", 0) == 0 ? "" : "at ") + second_phrase + " of " +
           clock_text(first(t.hours), first(t.minutes), std::nullopt);
  }
  std::vector<std::string> parts;
  const std::string sp = t.seconds == 1 ? std::string() : time_phrase(t.seconds, 59, "second");
  const std::string mp = time_phrase(t.minutes, 59, "minute");
  const std::string hp = time_phrase(t.hours, 23, "hour");
  if (!sp.empty()) parts.push_back(sp);
  if (!(sp == "every second" && mp == "every minute")) parts.push_back(mp);
  // "every hour" goes without saying after "every 5th minute", not after "minute 0".
  if (hp != "every hour" || parts.empty() || parts.back().rfind("every", 0) != 0) parts.push_back(hp);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : " past ") + parts[i];
  return out.rfind("every", 0) == 0 ? out : "at " + out;
}

std::string day_name(unsigned w) {
  return std::string(weekday_words[w]);
}

std::string day_of_month_part(const detail::day_rules& r) {
  std::vector<std::string> items;
  const auto plain = values_of(r.dom_days, 1, 31);
  if (!plain.empty()) items.push_back("day-of-month " + list_of(plain, [](unsigned d) { return std::to_string(d); }));
  for (unsigned n : values_of(r.dom_last_offsets, 0, 31)) {
    items.push_back(n == 0 ? "the last day of the month"
                           : std::to_string(n) + (n == 1 ? " day" : " days") + " before the last day of the month");
  }
  for (unsigned n : values_of(r.dom_nearest_weekday, 1, 31)) {
    items.push_back("the weekday nearest day " + std::to_string(n) +
                    (r.clamp_nearest_weekday ? "" : " (months without it are skipped)"));
  }
  for (unsigned n : values_of(r.dom_last_nearest_weekday, 0, 31)) {
    items.push_back(n == 0 ? "the last weekday of the month"
                           : "the weekday nearest " + std::to_string(n) + (n == 1 ? " day" : " days") +
                                 " before the last day of the month");
  }
  for (unsigned n : values_of(r.dom_last_weekday_offsets, 0, 31)) {
    items.push_back(n == 0 ? "the last weekday of the month"
                           : std::to_string(n) + (n == 1 ? " day" : " days") + " before the last weekday of the month");
  }
  return join(items, " or ");
}

std::string day_of_week_part(const detail::day_rules& r, bool as_condition) {
  std::vector<std::string> items;
  // Monday first, Sunday last: ranges such as "Monday through Friday" read as people write them.
  std::vector<unsigned> ranks;
  for (unsigned rank = 0; rank < 7; ++rank)
    if ((r.dow_days >> ((rank + 1) % 7) & 1) != 0) ranks.push_back(rank);
  if (!ranks.empty()) {
    items.push_back((as_condition ? "a " : "") +
                    list_of(ranks, [](unsigned rank) { return day_name((rank + 1) % 7); }));
  }
  for (unsigned w : values_of(r.dow_last, 0, 6)) items.push_back("the last " + day_name(w) + " of the month");
  for (unsigned k = 0; k < 5; ++k) {
    for (unsigned w : values_of(r.dow_nth[k], 0, 6)) {
      items.push_back("the " + std::string(ordinal_words[k]) + " " + day_name(w) + " of the month");
    }
  }
  return join(items, " or ");
}

std::string day_part(const expression& e) {
  const detail::day_rules& r = e.tables().days;
  using detail::day_combination;
  const bool dom = !r.dom_any && r.combination != day_combination::dow_only;
  const bool dow = !r.dow_any && r.combination != day_combination::dom_only;
  if (r.combination == day_combination::either && (r.dom_any || r.dow_any)) return "";  // one side is every day
  if (dom && dow) {
    if (r.combination == day_combination::both) {
      return "on " + day_of_month_part(r) + " if it is " + day_of_week_part(r, true);
    }
    return "on " + day_of_month_part(r) + " and on every " + day_of_week_part(r, false);
  }
  if (dom) return "on " + day_of_month_part(r);
  if (dow) return "on " + day_of_week_part(r, false);
  return "";
}

std::string month_part(const expression& e) {
  const auto m = values_of(e.tables().months, 1, 12);
  if (m.size() == 12) return "";
  return "in " + list_of(m, [](unsigned x) { return std::string(month_words[x - 1]); });
}

std::string year_part(const expression& e) {
  const auto& t = e.tables();
  if (t.any_year) return "";
  std::vector<unsigned> years;
  for (unsigned i = 0; i < 256; ++i)
    if ((t.years[i / 64] >> (i % 64) & 1) != 0) years.push_back(i + detail::quartz_first_year);
  return "in " + list_of(years, [](unsigned y) { return std::to_string(y); });
}

std::string hhmm(std::int64_t wall_seconds) {
  const std::int64_t sod = ((wall_seconds % 86400) + 86400) % 86400;
  char buf[32];
  if (sod % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60));
  }
  return buf;
}

std::string offset_text(std::chrono::seconds off) {
  const std::int64_t s = off.count();
  const std::int64_t a = s < 0 ? -s : s;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", s < 0 ? '-' : '+', static_cast<long long>(a / 3600),
                static_cast<long long>(a / 60 % 60));
  return buf;
}

}  // namespace

std::string describe(const expression& e) {
  std::vector<std::string> parts{time_part(e)};
  for (std::string p : {day_part(e), month_part(e), year_part(e)})
    if (!p.empty()) parts.push_back(std::move(p));
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : ", ") + parts[i];
  if (!e.has_occurrence()) out += " (never matches)";
  return out;
}

std::string explain(const schedule& s, const occurrence& o) {
  if (o.effect == dst_effect::none) return "";
  const date::time_zone& z = s.zone();
  const auto at = std::chrono::floor<std::chrono::seconds>(o.at);
  const std::int64_t wall = o.wall.time_since_epoch().count();
  const std::string day = date::format("%F", o.wall);
  const std::string where = " on " + day + " in " + std::string(z.name());
  const date::sys_info here = z.get_info(at);
  switch (o.effect) {
    case dst_effect::gap_end:
    case dst_effect::gap_shifted: {
      // The gap ends where the period of `at` begins.
      const date::sys_info before = z.get_info(here.begin - std::chrono::seconds{1});
      const std::int64_t t = here.begin.time_since_epoch().count();
      const std::string jump =
          " (the clocks jump from " + hhmm(t + before.offset.count()) + " to " + hhmm(t + here.offset.count()) + ")";
      const std::string runs_at = hhmm(at.time_since_epoch().count() + here.offset.count());
      if (o.effect == dst_effect::gap_end) {
        return hhmm(wall) + " does not exist" + where + jump + ": runs at " + runs_at +
               ", the first instant after the gap";
      }
      return hhmm(wall) + " does not exist" + where + jump + ": read with the offset before the gap (" +
             offset_text(before.offset) + "), runs at " + runs_at + " " + offset_text(here.offset);
    }
    case dst_effect::overlap_once:
    case dst_effect::overlap_first:
    case dst_effect::overlap_second: {
      // The repeated window: first pass ends where the second begins.
      const bool second = o.effect == dst_effect::overlap_second;
      const date::sys_info first_info = second ? z.get_info(here.begin - std::chrono::seconds{1}) : here;
      const date::sys_info second_info = second ? here : z.get_info(here.end);
      const std::int64_t t = (second ? here.begin : here.end).time_since_epoch().count();
      const std::string fall = " (the clocks fall back from " + hhmm(t + first_info.offset.count()) + " to " +
                               hhmm(t + second_info.offset.count()) + ")";
      const std::string head = hhmm(wall) + " happens twice" + where + fall;
      if (o.effect == dst_effect::overlap_once) {
        return head + ": a fixed-time expression runs once, in the first pass (" + offset_text(first_info.offset) + ")";
      }
      return head + ": an interval expression runs in both passes; this is the " + (second ? "second" : "first") +
             " (" + offset_text(second ? second_info.offset : first_info.offset) + ")";
    }
    case dst_effect::none: break;
  }
  return "";
}

}  // namespace clockwork::cron
