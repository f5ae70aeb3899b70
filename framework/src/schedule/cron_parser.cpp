// A hand-written recursive-descent parser, one field at a time, so that every error can name
// its field, its column and what would have been accepted there. Dialect differences are
// decided here, once; the tables it produces are evaluated identically for every dialect.
#include "cron_parser.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "clockwork/schedule/cron_parse_error.hpp"

namespace clockwork::cron::detail {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// A character as it should appear in a message: 'x', or an escape for anything unprintable.
std::string show(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (c == '\t') return "TAB";
  if (c == '\n') return "'\\n'";
  if (c == '\r') return "'\\r'";
  if (u < 0x20 || u >= 0x7f) {
    constexpr char hex[] = "0123456789ABCDEF";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xf];
  }
  return std::string("'") + c + "'";
}

constexpr std::array<std::string_view, 12> month_names = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> day_names = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// A set of small integers, offset by `base` (the year field counts from 1970).
struct value_set {
  std::array<std::uint64_t, 4> bits{};
  int base = 0;
  void set(int v) {
    const int i = v - base;
    bits[static_cast<std::size_t>(i / 64)] |= std::uint64_t{1} << (i % 64);
  }
  bool test(int v) const {
    const int i = v - base;
    return (bits[static_cast<std::size_t>(i / 64)] >> (i % 64) & 1) != 0;
  }
};

// What one field says, before it is folded into the tables.
struct field_value {
  value_set values;
  bool any = false;       // '*' (and '?' in Cronos)
  bool none = false;      // Quartz '?'
  bool interval = false;  // written with '*', '?', '-' or '/'
  // day of month
  std::uint32_t last_offsets = 0;
  std::uint32_t nearest_weekday = 0;
  std::uint32_t last_nearest_weekday = 0;
  std::uint32_t last_weekday_offsets = 0;
  // day of week (weekday numbers as written in the dialect)
  std::vector<int> last_weekday_of_month;        // nL
  std::vector<std::pair<int, int>> nth_weekday;  // n#k
};

struct field_limits {
  int min;
  int max;
  int step_max;
  int wrap_max;  // a reversed range runs up to here, then wraps to min (Cronos day of week: 6)
  bool names_are_months = false;
  bool names_are_days = false;
};

field_limits limits_of(dialect d, field f) {
  const bool quartz = d == dialect::quartz;
  switch (f) {
    case field::second:
    case field::minute: return {0, 59, 59, 59};
    case field::hour: return {0, 23, 23, 23};
    case field::day_of_month: return {1, 31, 31, 31};
    case field::month: return {1, 12, 12, 12, true, false};
    case field::day_of_week:
      return quartz ? field_limits{1, 7, 7, 7, false, true} : field_limits{0, 7, 7, 6, false, true};
    case field::year: return {quartz_first_year, quartz_last_year, quartz_last_year - quartz_first_year, 0};
    case field::none: break;
  }
  return {0, 0, 0, 0};
}

std::string range_text(int lo, int hi) {
  return std::to_string(lo) + "\u2013" + std::to_string(hi);  // an en dash: "0–59"
}

class field_parser {
 public:
  field_parser(dialect d, field f, std::size_t index, std::string_view text, std::size_t column)
      : dialect_(d), field_(f), index_(index), text_(text), column_(column), limits_(limits_of(d, f)) {
    result_.values.base = f == field::year ? quartz_first_year : 0;
  }

  field_value parse() {
    for (;;) {
      parse_item();
      if (pos_ == text_.size()) break;
      if (text_[pos_] != ',') fail(pos_, "unexpected " + show(text_[pos_]) + " (expected ',' or the end of the field)");
      ++pos_;
      ++items_;
      if (pos_ == text_.size()) fail(pos_, "expected a value after ','");
    }
    return std::move(result_);
  }

 private:
  bool quartz() const { return dialect_ == dialect::quartz; }
  bool cronos() const { return dialect_ != dialect::quartz; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  [[noreturn]] void fail(std::size_t at, std::string reason) const {
    throw parse_error(field_, index_, column_ + at, std::move(reason));
  }

  // The item that started at `start` must be the whole field (L, W, # forms; '*' in Cronos).
  void require_whole_field(std::size_t start, std::string_view what) const {
    if (start != 0 || items_ != 0 || peek() == ',') {
      fail(start, std::string(what) + " stands alone in its field, not in a list");
    }
    if (!at_end()) fail(pos_, "unexpected " + show(peek()) + " after " + std::string(what));
  }

  std::string expected_value() const {
    if (limits_.names_are_months) return "a month (" + range_text(limits_.min, limits_.max) + " or JAN\u2013DEC)";
    if (limits_.names_are_days) return "a day of week (" + range_text(limits_.min, limits_.max) + " or SUN\u2013SAT)";
    return "a number (" + range_text(limits_.min, limits_.max) + ")";
  }

  // A number, or a 3-letter name where the field has names; checked against the field's range.
  // `name_used` tells the caller whether it was a name (Quartz gives NAME/n its own meaning).
  int parse_value(bool* name_used = nullptr) {
    const std::size_t start = pos_;
    if (at_end()) fail(pos_, "expected " + expected_value() + " but the field ends");
    if (is_digit(peek())) {
      std::int64_t v = 0;
      while (!at_end() && is_digit(peek())) {
        if (pos_ - start >= 9) fail(start, "number too long (expected " + expected_value() + ")");
        v = v * 10 + (peek() - '0');
        ++pos_;
      }
      if (v < limits_.min || v > limits_.max) {
        std::string why = std::to_string(v) + " is out of range " + range_text(limits_.min, limits_.max);
        if (field_ == field::day_of_week && quartz() && v == 0) why += " (Quartz counts Sunday as 1)";
        fail(start, why);
      }
      // Cronos reads at most two digits; "005" is a typo there, not a 5.
      if (cronos() && pos_ - start > 2) {
        fail(start, "'" + std::string(text_.substr(start, pos_ - start)) + "' has more than 2 digits");
      }
      return static_cast<int>(v);
    }
    if (is_letter(peek()) && (limits_.names_are_months || limits_.names_are_days)) {
      std::string word;
      while (!at_end() && is_letter(peek()) && word.size() < 3) word += upper(text_[pos_++]);
      int found = -1;
      // A name is three letters; only 'L' (FRIL: the last Friday) may follow one directly.
      const bool word_goes_on =
          !at_end() && is_letter(peek()) && !(field_ == field::day_of_week && upper(peek()) == 'L');
      if (word.size() == 3 && !word_goes_on) {
        if (limits_.names_are_months) {
          for (std::size_t i = 0; i < month_names.size(); ++i)
            if (month_names[i] == word) found = static_cast<int>(i) + 1;
        } else {
          for (std::size_t i = 0; i < day_names.size(); ++i)
            if (day_names[i] == word) found = static_cast<int>(i) + (quartz() ? 1 : 0);
        }
      }
      if (found < 0) {
        std::size_t end = start;
        while (end < text_.size() && is_letter(text_[end])) ++end;
        fail(start, "unknown name '" + std::string(text_.substr(start, end - start)) + "' (expected " +
                        (limits_.names_are_months ? "JAN\u2013DEC" : "SUN\u2013SAT") + ")");
      }
      if (name_used != nullptr) *name_used = true;
      return found;
    }
    fail(start, "expected " + expected_value() + " but found " + show(peek()));
  }

  int parse_step() {
    const std::size_t start = pos_;
    if (at_end() || !is_digit(peek())) {
      fail(start, at_end() ? std::string("expected a step (a number) after '/'")
                           : "expected a step (a number) after '/' but found " + show(peek()));
    }
    std::int64_t v = 0;
    while (!at_end() && is_digit(peek())) {
      if (pos_ - start >= 9) fail(start, "step too long");
      v = v * 10 + (peek() - '0');
      ++pos_;
    }
    if (v < 1 || v > limits_.step_max) {
      fail(start, "step " + std::to_string(v) + " is out of range " + range_text(1, limits_.step_max));
    }
    return static_cast<int>(v);
  }

  // A small number after L-, LW- or '#'.
  int parse_small(int lo, int hi, std::string_view what) {
    const std::size_t start = pos_;
    if (at_end() || !is_digit(peek())) {
      fail(start, "expected " + std::string(what) + " (" + range_text(lo, hi) + ")" +
                      (at_end() ? std::string(" but the field ends") : " but found " + show(peek())));
    }
    std::int64_t v = 0;
    while (!at_end() && is_digit(peek())) {
      if (pos_ - start >= 9) fail(start, "number too long");
      v = v * 10 + (peek() - '0');
      ++pos_;
    }
    if (v < lo || v > hi)
      fail(start, std::string(what) + " " + std::to_string(v) + " is out of range " + range_text(lo, hi));
    return static_cast<int>(v);
  }

  void add_range(int low, int high, int step, std::size_t at) {
    if (field_ == field::year && low > high) {
      fail(at, "a year range cannot wrap (" + std::to_string(low) + "-" + std::to_string(high) + ")");
    }
    // Cronos reads 7 as Sunday; a reversed range starting there starts at 0 (7-2 = SUN..TUE).
    if (field_ == field::day_of_week && cronos() && low == 7 && high < 7) low = 0;
    if (low <= high) {
      for (int v = low; v <= high; v += step) result_.values.set(v);
      return;
    }
    // Reversed: run up to the wrap point, then on from the minimum; the step carries across.
    const int cycle = limits_.wrap_max - limits_.min + 1;
    for (int v = low; v <= high + cycle; v += step) result_.values.set(v > limits_.wrap_max ? v - cycle : v);
  }

  void parse_item() {
    const std::size_t start = pos_;
    const char c = peek();
    if (c == '*' || c == '?') {
      ++pos_;
      if (c == '?' && quartz()) {
        if (field_ != field::day_of_month && field_ != field::day_of_week) {
          fail(start, "'?' is only allowed in the day-of-month and day-of-week fields in Quartz (use '*')");
        }
        if (!at_end()) fail(pos_, "unexpected " + show(peek()) + " after '?'");
        require_whole_field(start, "'?'");
        result_.none = true;
        return;
      }
      if (field_ == field::year && c == '?') fail(start, "'?' is not allowed in the year field");
      result_.interval = true;
      if (peek() == '/') {
        ++pos_;
        const int step = parse_step();
        add_range(limits_.min, limits_.max, step, start);
      } else {
        result_.any = true;
      }
      if (cronos()) require_whole_field(start, std::string("'") + c + "'");
      return;
    }
    if (c == '/' && quartz()) {  // Quartz: "/5" is "*/5"
      ++pos_;
      result_.interval = true;
      add_range(limits_.min, limits_.max, parse_step(), start);
      return;
    }
    if (upper(c) == 'L') {
      parse_last(start);
      return;
    }
    if (upper(c) == 'W' && field_ == field::day_of_month) {
      fail(start, "'W' follows a day: 15W is the weekday nearest the 15th, LW the last weekday");
    }
    if (c == '#' && field_ == field::day_of_week) fail(start, "'#' follows a day of week: 5#3 is the third Friday");

    bool name_used = false;
    const int low = parse_value(&name_used);
    const char next = upper(peek());
    if (next == 'W') {
      if (field_ != field::day_of_month) fail(pos_, "'W' is only allowed in the day-of-month field");
      ++pos_;
      if (cronos()) require_whole_field(start, "'W'");
      result_.nearest_weekday |= std::uint32_t{1} << low;
      return;
    }
    if (next == 'L') {
      if (field_ != field::day_of_week) {
        fail(pos_,
             "'L' is only allowed alone or as L-n in the day-of-month field and after a day in the "
             "day-of-week field");
      }
      ++pos_;
      require_whole_field(start, "'L' (the last such weekday)");
      result_.last_weekday_of_month.push_back(low);
      return;
    }
    if (next == '#') {
      if (field_ != field::day_of_week) fail(pos_, "'#' is only allowed in the day-of-week field");
      ++pos_;
      const int nth = parse_small(1, 5, "the week number after '#'");
      require_whole_field(start, "'#'");
      result_.nth_weekday.emplace_back(low, nth);
      return;
    }
    if (next == '-') {
      ++pos_;
      const int high = parse_value();
      int step = 1;
      if (peek() == '/') {
        ++pos_;
        step = parse_step();
      }
      result_.interval = true;
      add_range(low, high, step, start);
      return;
    }
    if (next == '/') {
      if (quartz() && field_ == field::day_of_week && name_used) {
        fail(start, "Quartz.NET reads " + std::string(text_.substr(start, pos_ - start)) +
                        "/n as 'every n-th week counted from where a search starts', which no pure schedule "
                        "can express; clockwork refuses it (use a numeric step such as 6/2, or list the days)");
      }
      ++pos_;
      const int step = parse_step();
      result_.interval = true;
      add_range(low, limits_.max, step, start);
      return;
    }
    result_.values.set(low);
  }

  // L, L-n, LW, L-nW (Quartz also LW-n) in the day of month; L alone (Saturday) in Quartz's day
  // of week.
  void parse_last(std::size_t start) {
    ++pos_;  // the L
    if (field_ == field::day_of_week) {
      if (cronos()) fail(start, "'L' follows a day of week: 5L is the last Friday of the month");
      if (items_ != 0 || !at_end()) fail(start, "'L' (Saturday) cannot be combined with other days of the week");
      result_.values.set(7);
      return;
    }
    if (field_ != field::day_of_month) fail(start, "'L' is only allowed in the day-of-month and day-of-week fields");
    if (upper(peek()) == 'W') {
      ++pos_;
      if (peek() == '-' && quartz()) {
        ++pos_;
        const int n = parse_small(0, 30, "the offset from the last weekday");
        result_.last_weekday_offsets |= std::uint32_t{1} << n;
      } else {
        result_.last_nearest_weekday |= 1u;
      }
    } else if (peek() == '-') {
      ++pos_;
      const int n = parse_small(0, 30, "the offset from the last day");
      if (upper(peek()) == 'W') {
        ++pos_;
        result_.last_nearest_weekday |= std::uint32_t{1} << n;
      } else {
        result_.last_offsets |= std::uint32_t{1} << n;
      }
    } else {
      result_.last_offsets |= 1u;
    }
    if (cronos()) require_whole_field(start, "'L'");
    if (!at_end() && peek() != ',') fail(pos_, "unexpected " + show(peek()) + " after the last-day form");
  }

  dialect dialect_;
  field field_;
  std::size_t index_;
  std::string_view text_;
  std::size_t column_;
  field_limits limits_;
  std::size_t pos_ = 0;
  std::size_t items_ = 0;
  field_value result_;
};

struct token {
  std::string_view text;
  std::size_t column;  // 1-based
};

std::string field_list(dialect d) {
  std::string out;
  for (const field f : fields_of(d)) {
    if (!out.empty()) out += ' ';
    std::string name(field_name(f));
    for (char& ch : name)
      if (ch == ' ') ch = '-';
    out += name;
  }
  if (d == dialect::quartz) out.insert(out.rfind(' ') + 1, "[") += "]";
  return out;
}

std::uint64_t low_bits(const value_set& v) {
  return v.bits[0];
}

struct parsed_fields {
  std::array<field_value, 7> values{};
  std::array<bool, 7> present{};
};

// Parses the first max_fields(d) tokens, each as the field at its position.
parsed_fields parse_tokens(const std::vector<token>& tokens, dialect d) {
  parsed_fields p;
  const auto layout = fields_of(d);
  for (std::size_t i = 0; i < tokens.size() && i < layout.size(); ++i) {
    const field f = layout[i];
    p.values[static_cast<std::size_t>(f)] = field_parser{d, f, i + 1, tokens[i].text, tokens[i].column}.parse();
    p.present[static_cast<std::size_t>(f)] = true;
  }
  return p;
}

cron_tables assemble(const parsed_fields& parsed, const std::vector<token>& tokens, dialect d) {
  cron_tables t;
  const auto& values = parsed.values;
  const auto& present = parsed.present;
  auto mask_of = [&](field f, std::uint64_t all) {
    const field_value& v = values[static_cast<std::size_t>(f)];
    return v.any ? all : low_bits(v.values);
  };
  if (present[static_cast<std::size_t>(field::second)]) {
    t.seconds = mask_of(field::second, (std::uint64_t{1} << 60) - 1);
  } else {
    t.seconds = 1;  // cronos5: second 0
  }
  t.minutes = mask_of(field::minute, (std::uint64_t{1} << 60) - 1);
  t.hours = static_cast<std::uint32_t>(mask_of(field::hour, (std::uint64_t{1} << 24) - 1));
  t.months = static_cast<std::uint16_t>(mask_of(field::month, 0x1ffe));
  t.interval = values[0].interval || values[1].interval || values[2].interval;

  const field_value& dom = values[static_cast<std::size_t>(field::day_of_month)];
  const field_value& dow = values[static_cast<std::size_t>(field::day_of_week)];
  day_rules& r = t.days;
  r.dom_any = dom.any;
  r.dom_days = static_cast<std::uint32_t>(low_bits(dom.values));
  r.dom_last_offsets = dom.last_offsets;
  r.dom_nearest_weekday = dom.nearest_weekday;
  r.dom_last_nearest_weekday = dom.last_nearest_weekday;
  r.dom_last_weekday_offsets = dom.last_weekday_offsets;
  r.clamp_nearest_weekday = d == dialect::quartz;

  // Weekdays as written -> 0 = Sunday .. 6.
  const auto weekday = [d](int written) { return d == dialect::quartz ? written - 1 : written % 7; };
  r.dow_any = dow.any;
  for (int w = 0; w <= 7; ++w)
    if (dow.values.test(w)) r.dow_days |= static_cast<std::uint8_t>(1u << weekday(w));
  for (const int w : dow.last_weekday_of_month) r.dow_last |= static_cast<std::uint8_t>(1u << weekday(w));
  for (const auto& [w, nth] : dow.nth_weekday)
    r.dow_nth[static_cast<std::size_t>(nth - 1)] |= static_cast<std::uint8_t>(1u << weekday(w));

  if (d == dialect::quartz) {
    if (dom.none && dow.none) {
      const token& tk = tokens[5];
      throw parse_error(field::day_of_week, 6, tk.column,
                        "'?' can stand in only one of the day-of-month and day-of-week fields");
    }
    r.combination = dom.none   ? day_combination::dow_only
                    : dow.none ? day_combination::dom_only
                               : day_combination::either;
    const field_value& year = values[static_cast<std::size_t>(field::year)];
    t.any_year = !present[static_cast<std::size_t>(field::year)] || year.any;
    if (!t.any_year) t.years = year.values.bits;
  } else {
    r.combination = day_combination::both;
  }
  build_day_tables(t);
  return t;
}

struct macro {
  std::string_view name;
  std::string_view expansion;  // cronos6
};
constexpr std::array<macro, 9> macros = {{
    {"@YEARLY", "0 0 0 1 1 *"},
    {"@ANNUALLY", "0 0 0 1 1 *"},
    {"@MONTHLY", "0 0 0 1 * *"},
    {"@WEEKLY", "0 0 0 * * 0"},
    {"@DAILY", "0 0 0 * * *"},
    {"@MIDNIGHT", "0 0 0 * * *"},
    {"@HOURLY", "0 0 * * * *"},
    {"@EVERY_MINUTE", "0 * * * * *"},
    {"@EVERY_SECOND", "* * * * * *"},
}};

std::vector<token> split(std::string_view text) {
  std::vector<token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i == text.size()) break;
    const std::size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    tokens.push_back({text.substr(start, i - start), start + 1});
  }
  return tokens;
}

}  // namespace

cron_tables parse_cron(std::string_view text, dialect d) {
  const std::vector<token> tokens = split(text);
  if (tokens.empty()) {
    throw parse_error(
        field::none, 0, 1,
        "empty expression: expected " + std::to_string(min_fields(d)) + " fields (" + field_list(d) + ")");
  }
  if (tokens[0].text[0] == '@') {
    if (d == dialect::quartz) {
      throw parse_error(field::none, 0, tokens[0].column, "macros such as @daily are not part of the quartz dialect");
    }
    std::string name;
    for (const char c : tokens[0].text) name += upper(c);
    for (const macro& m : macros) {
      if (m.name != name) continue;
      if (tokens.size() > 1) {
        throw parse_error(
            field::none, 0, tokens[1].column,
            "unexpected " + std::string(tokens[1].text) + " after the macro " + std::string(tokens[0].text));
      }
      const auto expansion = split(m.expansion);
      return assemble(parse_tokens(expansion, dialect::cronos6), expansion, dialect::cronos6);
    }
    throw parse_error(field::none, 0, tokens[0].column,
                      "unknown macro '" + std::string(tokens[0].text) +
                          "' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, "
                          "@every_minute or @every_second)");
  }
  const std::size_t lo = min_fields(d);
  const std::size_t hi = max_fields(d);
  // Fields first: a mistake inside a field is more specific than a wrong count.
  const parsed_fields parsed = parse_tokens(tokens, d);
  if (tokens.size() < lo) {
    const token& last = tokens.back();
    const field missing = fields_of(d)[tokens.size()];
    throw parse_error(missing, tokens.size() + 1, last.column + last.text.size(),
                      "missing: expected " + std::to_string(lo) + (lo == hi ? "" : " or " + std::to_string(hi)) +
                          " fields (" + field_list(d) + ") but found " + std::to_string(tokens.size()));
  }
  if (tokens.size() > hi) {
    throw parse_error(field::none, 0, tokens[hi].column,
                      "unexpected " + std::string(tokens[hi].text) + ": expected " + std::to_string(lo) +
                          (lo == hi ? "" : " or " + std::to_string(hi)) + " fields (" + field_list(d) + ") but found " +
                          std::to_string(tokens.size()));
  }
  return assemble(parsed, tokens, d);
}

}  // namespace clockwork::cron::detail
