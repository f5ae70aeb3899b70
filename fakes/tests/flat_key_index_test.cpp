// flat_key_index: the open-addressing index in_memory_table finds rows with agrees, operation for
// operation, with std::map — through growth, replacement and the backward shift of erase.
#include "clockwork/fakes/detail/flat_key_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>

namespace {

using clockwork::fakes::detail::flat_key_index;

// Every key hashes alike: one long probe run, so erase must shift entries back correctly.
struct colliding {
  int value = 0;
  friend bool operator==(const colliding&, const colliding&) = default;
};

// Sixteen keys in a row hash alike: runs of keys sharing both their home slot and their
// control byte, between runs of others.
struct clumped {
  std::uint32_t value = 0;
  friend bool operator==(const clumped&, const clumped&) = default;
};

}  // namespace

template <>
struct std::hash<colliding> {
  std::size_t operator()(const colliding&) const noexcept { return 42; }
};
template <>
struct std::hash<clumped> {
  std::size_t operator()(const clumped& key) const noexcept { return key.value / 16; }
};

namespace {

TEST(FlatKeyIndex, FindsAssignsReplacesAndErases) {
  flat_key_index<std::string, int> index;
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.find("a"), nullptr);
  index.assign("a", 1);
  index.assign("b", 2);
  index.assign("a", 3);  // replaces
  EXPECT_EQ(index.size(), 2u);
  ASSERT_NE(index.find("a"), nullptr);
  EXPECT_EQ(*index.find("a"), 3);
  index.erase("a");
  index.erase("missing");  // nothing
  EXPECT_EQ(index.find("a"), nullptr);
  EXPECT_EQ(*index.find("b"), 2);
  EXPECT_EQ(index.size(), 1u);
  index.clear();
  EXPECT_EQ(index.find("b"), nullptr);
  EXPECT_TRUE(index.empty());
}

TEST(FlatKeyIndex, ErasingFromOneProbeRunKeepsTheRestReachable) {
  flat_key_index<colliding, int> index;
  for (int i = 0; i < 10; ++i) index.assign(colliding{i}, i * 10);
  index.erase(colliding{0});
  index.erase(colliding{5});
  index.erase(colliding{9});
  for (int i = 0; i < 10; ++i) {
    const int* found = index.find(colliding{i});
    if (i == 0 || i == 5 || i == 9) {
      EXPECT_EQ(found, nullptr) << i;
    } else {
      ASSERT_NE(found, nullptr) << i;
      EXPECT_EQ(*found, i * 10);
    }
  }
  EXPECT_EQ(index.size(), 7u);
}

// Room reserved up front: the assigns it covers never move an entry (pointers from find stay
// valid), and a probe run of colliding keys longer than the eight slots a lookup compares at
// once still finds every key.
TEST(FlatKeyIndex, ReserveKeepsEntriesInPlaceAndRunsSpanSeveralGroups) {
  flat_key_index<colliding, int> index;
  index.reserve(40);
  index.assign(colliding{0}, 0);
  const int* first = index.find(colliding{0});
  for (int i = 1; i < 40; ++i) index.assign(colliding{i}, i);
  EXPECT_EQ(index.find(colliding{0}), first);
  for (int i = 0; i < 40; ++i) {
    const int* found = index.find(colliding{i});
    ASSERT_NE(found, nullptr) << i;
    EXPECT_EQ(*found, i);
  }
  EXPECT_EQ(index.find(colliding{40}), nullptr);
  index.erase(colliding{3});
  index.erase(colliding{20});
  for (int i = 0; i < 40; ++i) EXPECT_EQ(index.find(colliding{i}) == nullptr, i == 3 || i == 20) << i;
  index.reserve(10);  // less than it holds: nothing changes
  EXPECT_EQ(index.size(), 38u);
  EXPECT_EQ(*index.find(colliding{39}), 39);
}

// A long random mix of assigns and erases over a small key space (so that runs wrap around the
// end of the array and entries are erased from their middle), checked against std::map.
// Run with well-spread keys, and with clumps of keys that share a hash.
template <class Key>
void agrees_with_an_ordered_map(std::uint64_t seed, int steps) {
  std::mt19937_64 random{seed};
  flat_key_index<Key, std::uint64_t> index;
  std::map<std::uint32_t, std::uint64_t> expected;
  for (int step = 0; step < steps; ++step) {
    const auto key = static_cast<std::uint32_t>(random() % 300);
    if (random() % 3 == 0) {
      index.erase(Key{key});
      expected.erase(key);
    } else {
      const std::uint64_t value = random();
      index.assign(Key{key}, value);
      expected[key] = value;
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(index.size(), expected.size());
      for (std::uint32_t k = 0; k < 300; ++k) {
        const auto* found = index.find(Key{k});
        const auto it = expected.find(k);
        ASSERT_EQ(found != nullptr, it != expected.end()) << "key " << k << " at step " << step;
        if (found != nullptr) {
          ASSERT_EQ(*found, it->second);
        }
      }
    }
  }
}

TEST(FlatKeyIndex, AgreesWithAnOrderedMapOverARandomMix) {
  agrees_with_an_ordered_map<std::uint32_t>(7, 200'000);
}

TEST(FlatKeyIndex, AgreesWithAnOrderedMapWhenKeysShareTheirHash) {
  agrees_with_an_ordered_map<clumped>(11, 100'000);
}

}  // namespace
