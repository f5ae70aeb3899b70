// GoogleMock matchers for clockwork::trace records.
//
//   is_record(kind)                 a trace_record of that kind
//   is_record(kind, source)         ... and that source
//   has_field(key, value)           a trace_record whose field key matches value
//   has_record(kind[, source])      a record list containing such a record
//   contains_in_order(m1, m2, ...)  a record list with records matching m1, m2, ... in this
//                                   order, not necessarily adjacent
//   kinds_of(records)               the kinds, in order, for ElementsAre and friends
// kind, source and value may be strings (exact match) or string matchers (HasSubstr, StartsWith...).
//
// Example:
//
//   using ::testing::Contains;
//   using ::testing::HasSubstr;
//   using namespace clockwork::testing;
//   EXPECT_THAT(tr.records(), Contains(is_record("service_started", "daily_log")));
//   EXPECT_THAT(tr.records(), has_record(clockwork::trace_kind::task_faulted, "importer"));
//   EXPECT_THAT(tr.records(), contains_in_order(is_record("delay_fired", "importer"),
//                                               AllOf(is_record("log"), has_field("message", HasSubstr("boom"))),
//                                               is_record("task_faulted", "importer")));
//   // production code never includes this header: it is GoogleTest-only, hence header-only.
//
// Thread safety: matchers are values; they read the records they are given (see
// trace::records() for when a trace's records may be read).
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork::testing {

namespace detail {

// Plain strings (including trace_kind's string_views) match exactly; anything else is taken as
// a matcher on std::string.
template <class M>
::testing::Matcher<const std::string&> text_matcher(M m) {
  if constexpr (std::is_convertible_v<const M&, std::string_view>) {
    return ::testing::Eq(std::string(std::string_view(m)));
  } else {
    return ::testing::MatcherCast<const std::string&>(std::move(m));
  }
}

class has_field_matcher final : public ::testing::MatcherInterface<const trace_record&> {
 public:
  has_field_matcher(std::string key, ::testing::Matcher<const std::string&> value)
      : key_(std::move(key)), value_(std::move(value)) {}

  bool MatchAndExplain(const trace_record& record, ::testing::MatchResultListener* listener) const override {
    const std::string* value = record.field(key_);
    if (value == nullptr) {
      *listener << "which has no field " << key_;
      return false;
    }
    *listener << "whose field " << key_ << " is \"" << *value << "\"";
    return value_.Matches(*value);
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has a field " << key_ << " that ";
    value_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "has no field " << key_ << " that ";
    value_.DescribeTo(os);
  }

 private:
  std::string key_;
  ::testing::Matcher<const std::string&> value_;
};

class in_order_matcher final : public ::testing::MatcherInterface<const std::vector<trace_record>&> {
 public:
  explicit in_order_matcher(std::vector<::testing::Matcher<const trace_record&>> steps) : steps_(std::move(steps)) {}

  bool MatchAndExplain(const std::vector<trace_record>& records,
                       ::testing::MatchResultListener* listener) const override {
    // Greedy: taking the earliest match for each step leaves the most room for the rest, so
    // it finds an order whenever one exists.
    std::size_t next = 0;
    for (std::size_t step = 0; step < steps_.size(); ++step) {
      while (next < records.size() && !steps_[step].Matches(records[next])) ++next;
      if (next == records.size()) {
        if (!listener->IsInterested()) return false;  // its stream is null then
        *listener << "where no record";
        if (step > 0) *listener << " after #" << records[found_at(records, step)].seq;
        *listener << " matches step " << step + 1 << " (";
        steps_[step].DescribeTo(listener->stream());
        *listener << ")";
        return false;
      }
      ++next;
    }
    return true;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "contains, in this order,";
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      *os << (i == 0 ? " " : "; then ") << "a record that ";
      steps_[i].DescribeTo(os);
    }
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not contain in order the ";
    *os << steps_.size() << " records described";
  }

 private:
  // The index at which step `done - 1` matched (replaying the greedy scan).
  std::size_t found_at(const std::vector<trace_record>& records, std::size_t done) const {
    std::size_t next = 0;
    std::size_t last = 0;
    for (std::size_t step = 0; step < done; ++step) {
      while (!steps_[step].Matches(records[next])) ++next;
      last = next++;
    }
    return last;
  }

  std::vector<::testing::Matcher<const trace_record&>> steps_;
};

}  // namespace detail

template <class KindMatcher>
::testing::Matcher<const trace_record&> is_record(KindMatcher kind) {
  return ::testing::Field("kind", &trace_record::kind, detail::text_matcher(std::move(kind)));
}

template <class KindMatcher, class SourceMatcher>
::testing::Matcher<const trace_record&> is_record(KindMatcher kind, SourceMatcher source) {
  return ::testing::AllOf(::testing::Field("kind", &trace_record::kind, detail::text_matcher(std::move(kind))),
                          ::testing::Field("source", &trace_record::source, detail::text_matcher(std::move(source))));
}

template <class ValueMatcher>
::testing::Matcher<const trace_record&> has_field(std::string key, ValueMatcher value) {
  return ::testing::MakeMatcher(new detail::has_field_matcher(std::move(key), detail::text_matcher(std::move(value))));
}

template <class KindMatcher>
auto has_record(KindMatcher kind) {
  return ::testing::Contains(is_record(std::move(kind)));
}

template <class KindMatcher, class SourceMatcher>
auto has_record(KindMatcher kind, SourceMatcher source) {
  return ::testing::Contains(is_record(std::move(kind), std::move(source)));
}

template <class... RecordMatchers>
::testing::Matcher<const std::vector<trace_record>&> contains_in_order(RecordMatchers... steps) {
  std::vector<::testing::Matcher<const trace_record&>> converted{
      ::testing::MatcherCast<const trace_record&>(std::move(steps))...};
  return ::testing::MakeMatcher(new detail::in_order_matcher(std::move(converted)));
}

inline std::vector<std::string> kinds_of(const std::vector<trace_record>& records) {
  std::vector<std::string> kinds;
  kinds.reserve(records.size());
  for (const trace_record& r : records) kinds.push_back(r.kind);
  return kinds;
}

}  // namespace clockwork::testing
