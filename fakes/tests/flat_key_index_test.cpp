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

}  // namespace

template <>
struct std::hash<colliding> {
  std::size_t operator()(const colliding&) const noexcept { return 42; }
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

// A long random mix of assigns and erases over a small key space (so that runs wrap around the
// end of the array and entries are erased from their middle), checked against std::map.
TEST(FlatKeyIndex, AgreesWithAnOrderedMapOverARandomMix) {
  std::mt19937_64 random{7};
  flat_key_index<std::uint32_t, std::uint64_t> index;
  std::map<std::uint32_t, std::uint64_t> expected;
  for (int step = 0; step < 200'000; ++step) {
    const auto key = static_cast<std::uint32_t>(random() % 300);
    if (random() % 3 == 0) {
      index.erase(key);
      expected.erase(key);
    } else {
      const std::uint64_t value = random();
      index.assign(key, value);
      expected[key] = value;
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(index.size(), expected.size());
      for (std::uint32_t k = 0; k < 300; ++k) {
        const auto* found = index.find(k);
        const auto it = expected.find(k);
        ASSERT_EQ(found != nullptr, it != expected.end()) << "key " << k << " at step " << step;
        if (found != nullptr) {
          ASSERT_EQ(*found, it->second);
        }
      }
    }
  }
}

}  // namespace
