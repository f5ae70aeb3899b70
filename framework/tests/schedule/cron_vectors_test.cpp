// Every row of the public cron vectors (cron_vectors/, copied from the shared set), each checked
// in its own dialect: next-occurrence facts must match exactly, invalid expressions must be
// refused with a parse_error, and the croniter/robfig disagreements show what clockwork's
// documented policy gives instead. Rows that cannot pass are listed below with the reason, and
// the reason itself is checked, so that none is skipped silently. Pass counts per dialect and
// per source repository are printed (run the program, or ctest -V).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/time/clock.hpp"
#include "csv.hpp"

namespace {

using clockwork::utc_time;
namespace cron = clockwork::cron;
using row = std::map<std::string, std::string>;

std::string vectors_dir() {
  return CLOCKWORK_CRON_VECTORS_DIR;
}

std::optional<cron::dialect> dialect_of(const std::string& name) {
  if (name == "cronos5") return cron::dialect::cronos5;
  if (name == "cronos6") return cron::dialect::cronos6;
  if (name == "quartz") return cron::dialect::quartz;
  return std::nullopt;
}

// "HangfireIO/Cronos@aeb3bff2048c:tests/...:Method" -> "HangfireIO/Cronos", and -> "Method".
std::string repo_of(const std::string& source) {
  return source.substr(0, source.find('@'));
}
std::string method_of(const std::string& source) {
  return source.substr(source.rfind(':') + 1);
}

std::string show(const std::optional<utc_time>& t, const std::string& zone) {
  return t ? cron::format_instant(*t, clockwork::find_zone(zone)) : std::string("none");
}

// An instant written in a row (empty: none), rendered as show() renders an answer: the two
// strings are equal exactly when the instants are. (Comparing the renderings also keeps GCC 12
// from a false -Wmaybe-uninitialized on optional<time_point> == at -O2.)
std::string show(const std::string& iso_or_empty, const std::string& zone) {
  return iso_or_empty.empty() || iso_or_empty == "none"
             ? std::string("none")
             : cron::format_instant(cron::parse_instant(iso_or_empty), clockwork::find_zone(zone));
}

// Rows that cannot pass, and why. Each is identified by test method, expression and start, and
// its reason is re-checked by the test: if clockwork ever could pass it, the test says so.
enum class why_excluded {
  outside_utc_time,        // an instant of the row is outside utc_time (int64 ns: 1677..2262)
  refused_every_nth_week,  // Quartz.NET's NAME/n "every n-th week", refused by design
};
struct exclusion {
  const char* method;
  const char* expression;
  const char* from;
  why_excluded why;
  const char* reason;
};
constexpr exclusion exclusions[] = {
    {"GetNextOccurrence_ReturnsNull_WhenOutOfMaxRange", "* * * * * *", "9999-12-31T23:59:59+00:00",
     why_excluded::outside_utc_time,
     "impl-limit: the row is about .NET DateTime's last second (year 9999); clockwork instants are "
     "std::chrono::system_clock time points (int64 nanoseconds), which end in 2262"},
    {"GetNextOccurrence_VeryLastResult", "* * * * * *", "9999-12-31T23:59:58.9999999+00:00",
     why_excluded::outside_utc_time,
     "impl-limit: .NET DateTime's last representable second (year 9999) is past the end of utc_time (2262)"},
    {"test_last_day_of_month_with_leap_year_century_exception", "0 0 l * *", "2400-02-01T00:00:00+00:00",
     why_excluded::outside_utc_time,
     "year 2400 is past the end of utc_time (2262); the Gregorian century rule it checks is tested "
     "within range by cron_calendar_test (2000 leap; 1900, 2100, 2200 not)"},
    {"TestCronExpressionWeekdaysFridayEveryTwoWeeks", "0 0 12 ? * FRI/2", "2007-06-01T11:00:00+00:00",
     why_excluded::refused_every_nth_week,
     "quartz-every-nth-week: Quartz.NET reads FRI/2 as every second week counted from where a search starts; "
     "no pure next(from) can express that, so clockwork refuses NAME/n in the quartz dialect"},
    {"TestCronExpressionWeekdaysThirsdayAndFridayEveryTwoWeeks", "0 0 12 ? * THU,FRI/2", "2007-06-01T11:00:00+00:00",
     why_excluded::refused_every_nth_week, "quartz-every-nth-week: as above, for a list ending in FRI/2"},
};

const exclusion* find_exclusion(const row& r) {
  for (const exclusion& e : exclusions) {
    if (method_of(r.at("source")) == e.method && r.at("expression") == e.expression && r.at("from") == e.from)
      return &e;
  }
  return nullptr;
}

// The excluded row still fails for the stated reason.
void check_exclusion_holds(const exclusion& e, const row& r) {
  SCOPED_TRACE(std::string("excluded row ") + e.method + " '" + e.expression + "'");
  if (e.why == why_excluded::outside_utc_time) {
    bool outside = false;
    for (const char* column : {"from", "expected"}) {
      if (r.at(column).empty()) continue;
      try {
        (void)cron::parse_instant(r.at(column));
      } catch (const std::out_of_range&) {
        outside = true;
      }
    }
    EXPECT_TRUE(outside) << "the row is representable now: remove its exclusion";
  } else {
    try {
      cron::expression x{r.at("expression"), *dialect_of(r.at("dialect"))};
      ADD_FAILURE() << "the expression parses now: remove its exclusion";
    } catch (const cron::parse_error& err) {
      EXPECT_NE(std::string(err.what()).find("every n-th week"), std::string::npos) << err.what();
    }
  }
}

struct tally {
  int passed = 0;
  int failed = 0;
  int excluded = 0;
};

void print_tallies(const char* title, const std::map<std::string, tally>& by) {
  std::printf("%s\n", title);
  for (const auto& [key, t] : by) {
    std::printf("  %-26s passed %4d  failed %3d  excluded %2d  (of %d)\n", key.c_str(), t.passed, t.failed, t.excluded,
                t.passed + t.failed + t.excluded);
  }
}

TEST(CronVectors, NextOccurrenceRowsMatchInTheirOwnDialect) {
  const auto rows = clockwork::test::read_csv_file(vectors_dir() + "/next_occurrence.csv");
  ASSERT_EQ(rows.size(), 987u) << "the vector file changed";
  std::map<std::string, tally> by_dialect, by_repo;
  std::map<const exclusion*, int> exclusions_used;
  for (const row& r : rows) {
    const std::string repo = repo_of(r.at("source"));
    const std::string& d = r.at("dialect");
    if (const exclusion* e = find_exclusion(r)) {
      check_exclusion_holds(*e, r);
      ++exclusions_used[e];
      ++by_dialect[d].excluded;
      ++by_repo[repo].excluded;
      continue;
    }
    const auto dialect = dialect_of(d);
    ASSERT_TRUE(dialect) << "unknown dialect " << d;
    const auto policy =
        *dialect == cron::dialect::quartz ? cron::dst_policy::quartz_delta_shift : cron::dst_policy::cronos;
    const auto boundary = r.at("inclusive") == "true" ? cron::boundary::inclusive : cron::boundary::exclusive;
    const std::string label = method_of(r.at("source")) + " [" + d + "] '" + r.at("expression") + "' " + r.at("zone") +
                              " from " + r.at("from") + (r.at("inclusive") == "true" ? " inclusive" : "");
    bool ok = false;
    std::string actual_text = "exception";
    try {
      const cron::schedule s{cron::expression{r.at("expression"), *dialect}, clockwork::find_zone(r.at("zone")),
                             policy};
      const utc_time from = cron::parse_instant(r.at("from"));
      actual_text = show(s.next(from, boundary), r.at("zone"));
      ok = actual_text == show(r.at("expected"), r.at("zone"));
    } catch (const std::exception& err) {
      actual_text = std::string("exception: ") + err.what();
    }
    if (ok) {
      ++by_dialect[d].passed;
      ++by_repo[repo].passed;
    } else {
      ++by_dialect[d].failed;
      ++by_repo[repo].failed;
      ADD_FAILURE() << label << "\n  expected " << (r.at("expected").empty() ? "none" : r.at("expected"))
                    << "\n  actual   " << actual_text;
    }
  }
  for (const exclusion& e : exclusions) {
    EXPECT_EQ(exclusions_used[&e], 1) << "exclusion " << e.method << " '" << e.expression << "' matched "
                                      << exclusions_used[&e] << " rows";
  }
  std::printf("next_occurrence.csv: %zu rows\n", rows.size());
  print_tallies("by dialect:", by_dialect);
  print_tallies("by source repository:", by_repo);
  std::printf("excluded rows:\n");
  for (const exclusion& e : exclusions)
    std::printf("  %s '%s' from %s: %s\n", e.method, e.expression, e.from, e.reason);
  int total = 0;
  for (const auto& [key, t] : by_dialect) total += t.passed + t.failed + t.excluded;
  EXPECT_EQ(total, static_cast<int>(rows.size())) << "every row is counted once";
}

// The policies differ only in gaps: swapping them changes no overlap row and no row away from
// a transition, only gap rows (and not all of those: a gap whose first matching wall time is
// its start lands on the transition instant under both). The counts are printed; the vectors'
// README quotes 21 and 3 from its own evaluator (see docs/schedules.md).
TEST(CronVectors, SwappingTheDstPoliciesChangesOnlyGapRows) {
  const auto rows = clockwork::test::read_csv_file(vectors_dir() + "/next_occurrence.csv");
  int cronos_dst_rows = 0, cronos_changed = 0, quartz_rows = 0, quartz_changed = 0;
  for (const row& r : rows) {
    if (find_exclusion(r) != nullptr) continue;
    const bool gap = r.at("features").find("dst-gap") != std::string::npos;
    const bool dst = r.at("features").find("dst-") != std::string::npos;
    const auto dialect = *dialect_of(r.at("dialect"));
    const bool quartz = dialect == cron::dialect::quartz;
    if (!quartz && !dst) continue;
    const auto swapped = quartz ? cron::dst_policy::cronos : cron::dst_policy::quartz_delta_shift;
    const cron::schedule s{cron::expression{r.at("expression"), dialect}, clockwork::find_zone(r.at("zone")), swapped};
    const auto b = r.at("inclusive") == "true" ? cron::boundary::inclusive : cron::boundary::exclusive;
    const auto actual = s.next(cron::parse_instant(r.at("from")), b);
    (quartz ? quartz_rows : cronos_dst_rows)++;
    if (show(actual, r.at("zone")) == show(r.at("expected"), r.at("zone"))) continue;
    (quartz ? quartz_changed : cronos_changed)++;
    EXPECT_TRUE(gap) << r.at("expression") << " in " << r.at("zone") << " from " << r.at("from");
    std::printf("  %s row under %s: '%s' %s from %s: %s instead of %s\n", r.at("dialect").c_str(),
                std::string(cron::to_string(swapped)).c_str(), r.at("expression").c_str(), r.at("zone").c_str(),
                r.at("from").c_str(), show(actual, r.at("zone")).c_str(), r.at("expected").c_str());
  }
  std::printf("cronos DST rows under quartz_delta_shift: %d of %d change\n", cronos_changed, cronos_dst_rows);
  std::printf("quartz rows under cronos: %d of %d change\n", quartz_changed, quartz_rows);
  EXPECT_GT(cronos_changed, 0);
  EXPECT_GT(quartz_changed, 0);
}

// Cronos' test names the field its CronFormatException is about; clockwork must blame the same.
std::optional<cron::field> field_named_in(const std::string& why) {
  static const std::pair<const char*, cron::field> names[] = {
      {"\"Seconds\"", cron::field::second}, {"\"Minutes\"", cron::field::minute},
      {"\"Hours\"", cron::field::hour},     {"\"Days of month\"", cron::field::day_of_month},
      {"\"Months\"", cron::field::month},   {"\"Days of week\"", cron::field::day_of_week},
  };
  for (const auto& [text, f] : names)
    if (why.find(text) != std::string::npos) return f;
  return std::nullopt;
}

TEST(CronVectors, InvalidRowsAreRefusedNamingTheField) {
  const auto rows = clockwork::test::read_csv_file(vectors_dir() + "/invalid.csv");
  ASSERT_EQ(rows.size(), 282u) << "the vector file changed";
  std::map<std::string, tally> by_dialect, by_repo;
  int field_checked = 0;
  for (const row& r : rows) {
    const auto dialect = dialect_of(r.at("dialect"));
    ASSERT_TRUE(dialect);
    const std::string label = method_of(r.at("source")) + " [" + r.at("dialect") + "] '" + r.at("expression") + "'";
    bool ok = false;
    try {
      cron::expression e{r.at("expression"), *dialect};
      ADD_FAILURE() << label << " was accepted (" << r.at("why") << ")";
    } catch (const cron::parse_error& err) {
      ok = true;
      // Too few fields: Cronos blames the last field present ('* * * *' with seconds) or the last
      // field of the format ('* * *   '), clockwork the first missing one; not compared.
      const bool missing_field = err.reason().rfind("missing", 0) == 0;
      if (const auto f = field_named_in(r.at("why")); f && !missing_field) {
        ++field_checked;
        if (err.field() != *f) {
          ok = false;
          ADD_FAILURE() << label << ": blamed " << err.field_name() << ", expected " << cron::field_name(*f) << "\n  "
                        << err.what();
        }
      }
      EXPECT_GE(err.column(), 1u) << label;
    } catch (const std::exception& err) {
      ADD_FAILURE() << label << " threw something other than parse_error: " << err.what();
    }
    auto& t1 = by_dialect[r.at("dialect")];
    auto& t2 = by_repo[repo_of(r.at("source"))];
    (ok ? t1.passed : t1.failed)++;
    (ok ? t2.passed : t2.failed)++;
  }
  std::printf("invalid.csv: %zu rows (%d with the field checked against Cronos' message)\n", rows.size(),
              field_checked);
  print_tallies("by dialect:", by_dialect);
  print_tallies("by source repository:", by_repo);
}

// Not a target: croniter and robfig/cron follow other policies. Each row's note states what
// Cronos' semantics give for the same input; clockwork, documented as following Cronos for
// these dialects, must give exactly that. The other library's answer is printed alongside.
TEST(CronVectors, DisagreementsShowWhatClockworksPolicyGives) {
  const auto rows = clockwork::test::read_csv_file(vectors_dir() + "/disagreements.csv");
  ASSERT_EQ(rows.size(), 13u) << "the vector file changed";
  std::printf("disagreements.csv: what clockwork gives (other library's answer in brackets)\n");
  for (const row& r : rows) {
    const std::string& notes = r.at("notes");
    const std::string marker = "Cronos semantics give ";
    const auto at = notes.find(marker);
    ASSERT_NE(at, std::string::npos) << notes;
    const std::string stated =
        notes.substr(at + marker.size(), notes.find(' ', at + marker.size()) - at - marker.size());
    const auto as = notes.find("\" as ", at);
    ASSERT_NE(as, std::string::npos) << notes;
    const std::string dialect_name = notes.substr(as + 5, 7);
    const auto dialect = dialect_of(dialect_name);
    ASSERT_TRUE(dialect) << dialect_name;
    const cron::schedule s{cron::expression{r.at("expression"), *dialect}, clockwork::find_zone(r.at("zone"))};
    const auto boundary = r.at("inclusive") == "true" ? cron::boundary::inclusive : cron::boundary::exclusive;
    const std::optional<utc_time> actual = s.next(cron::parse_instant(r.at("from")), boundary);
    EXPECT_EQ(show(actual, r.at("zone")), show(stated, r.at("zone")))
        << r.at("expression") << " from " << r.at("from") << ", the note says " << stated;
    std::printf("  %-8s %-28s %s from %s: %s [%s says %s]\n", r.at("dialect").c_str(),
                ("'" + r.at("expression") + "'").c_str(), r.at("zone").c_str(), r.at("from").c_str(),
                show(actual, r.at("zone")).c_str(), repo_of(r.at("source")).c_str(),
                r.at("expected").empty() ? "none" : r.at("expected").c_str());
  }
}

}  // namespace
