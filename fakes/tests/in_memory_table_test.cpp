// in_memory_table: staged writes are private to their unit of work until it commits, commits
// are all-or-nothing, and a unit that ends without committing leaves no trace.
#include "clockwork/fakes/in_memory_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

namespace {

using clockwork::fakes::constraint_violation;
using clockwork::fakes::in_memory_table;
using clockwork::fakes::unit_of_work;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(InMemoryTable, StagedWritesAreInvisibleToOthersUntilCommit) {
  in_memory_table<int, std::string> table{"names"};
  unit_of_work unit;
  table.insert(unit, 1, "one");
  EXPECT_FALSE(table.contains(1));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.staged(unit), 1u);
  EXPECT_EQ(table.staged_total(), 1u);
  unit.commit_staged();
  EXPECT_TRUE(table.contains(1));
  EXPECT_EQ(*table.find(1), "one");
  EXPECT_EQ(table.staged_total(), 0u);
  EXPECT_EQ(unit.commits(), 1u);
}

TEST(InMemoryTable, AUnitSeesItsOwnWritesAndNoOneElses) {
  in_memory_table<int, std::string> table{"names"};
  table.seed(1, "one");
  unit_of_work mine{{.name = "mine"}};
  unit_of_work theirs{{.name = "theirs"}};
  table.insert(mine, 2, "two");
  table.erase(mine, 1);
  EXPECT_TRUE(table.contains(mine, 2));
  EXPECT_FALSE(table.contains(mine, 1));  // erased, for this unit
  EXPECT_TRUE(table.contains(theirs, 1));
  EXPECT_FALSE(table.contains(theirs, 2));
  table.put(mine, 2, "deux");
  EXPECT_EQ(*table.find(mine, 2), "deux");
  EXPECT_EQ(table.units_with_staged_writes(), 1u);
  mine.rollback();
  theirs.rollback();
}

TEST(InMemoryTable, CommitAppliesWritesInTheOrderTheyWereStaged) {
  in_memory_table<int, std::string> table{"names"};
  table.seed(1, "one");
  table.seed(2, "two");
  unit_of_work unit;
  table.put(unit, 1, "uno");     // replaces
  table.erase(unit, 2);          // removes
  table.insert(unit, 2, "dos");  // and adds it back: absent at that point of the unit
  table.erase(unit, 9);          // missing: does nothing
  table.put(unit, 3, "tres");    // adds
  unit.commit_staged();
  EXPECT_THAT(table.rows(), ElementsAre(Pair(1, "uno"), Pair(2, "dos"), Pair(3, "tres")));
}

TEST(InMemoryTable, InsertOfAnExistingKeyFailsTheWholeCommitAndAppliesNothing) {
  in_memory_table<int, std::string> table{"names"};
  table.seed(5, "five");
  unit_of_work unit{{.name = "run 1"}};
  table.insert(unit, 1, "one");
  table.insert(unit, 5, "again");
  table.insert(unit, 6, "six");
  try {
    unit.commit_staged();
    FAIL() << "expected a constraint violation";
  } catch (const constraint_violation& e) {
    EXPECT_THAT(e.what(), HasSubstr("'names'"));
    EXPECT_THAT(e.what(), HasSubstr("key 5"));
    EXPECT_THAT(e.what(), HasSubstr("'run 1'"));
  }
  EXPECT_THAT(table.rows(), ElementsAre(Pair(5, "five")));
  EXPECT_EQ(unit.commits(), 0u);
  EXPECT_EQ(table.staged(unit), 3u);  // still staged: the caller rolls back or the unit drops them
}

TEST(InMemoryTable, TwoUnitsInsertingTheSameKeyBehaveLikeAUniqueIndex) {
  in_memory_table<int, std::string> table{"names"};
  unit_of_work first;
  unit_of_work second;
  table.insert(first, 1, "from first");
  table.insert(second, 1, "from second");
  first.commit_staged();
  EXPECT_THROW(second.commit_staged(), constraint_violation);
  EXPECT_EQ(*table.find(1), "from first");
}

TEST(InMemoryTable, AUnitEndingWithoutCommitLeavesTheTableAsItWas) {
  in_memory_table<int, std::string> table{"names"};
  table.seed(1, "one");
  {
    unit_of_work unit;
    table.insert(unit, 2, "two");
    table.erase(unit, 1);
  }
  EXPECT_THAT(table.rows(), ElementsAre(Pair(1, "one")));
  EXPECT_EQ(table.staged_total(), 0u);
  EXPECT_EQ(table.units_with_staged_writes(), 0u);
}

TEST(InMemoryTable, SeedRefusesADuplicateKeyNamingTableAndKey) {
  in_memory_table<std::string, int> table{"users"};
  table.seed("ada", 1);
  try {
    table.seed("ada", 2);
    FAIL();
  } catch (const constraint_violation& e) {
    EXPECT_THAT(e.what(), HasSubstr("'users'"));
    EXPECT_THAT(e.what(), HasSubstr("key ada"));
  }
}

struct opaque_key {
  int id;
  friend auto operator<=>(const opaque_key&, const opaque_key&) = default;
};

TEST(InMemoryTable, AKeyFmtCannotPrintIsDescribedByTheGivenFunction) {
  in_memory_table<opaque_key, int> described{"described",
                                             [](const opaque_key& k) { return "#" + std::to_string(k.id); }};
  described.seed({7}, 1);
  try {
    described.seed({7}, 2);
    FAIL();
  } catch (const constraint_violation& e) {
    EXPECT_THAT(e.what(), HasSubstr("key #7"));
  }
  in_memory_table<opaque_key, int> plain{"plain"};
  plain.seed({7}, 1);
  EXPECT_THROW(plain.seed({7}, 2), constraint_violation);
}

TEST(InMemoryTable, ATableNeedsAName) {
  try {
    in_memory_table<int, int> table{""};
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("needs a name"));
  }
}

}  // namespace

namespace {

// A table with the default order finds rows by hash; one with its own order walks the map. Both
// must see the same rows, staged and committed, whatever the mix of writes.
TEST(InMemoryTable, HashedAndOrderedLookupsAgree) {
  static_assert(clockwork::fakes::hashed_table_key<int>);
  in_memory_table<int, int> hashed{"hashed"};
  in_memory_table<int, int, std::greater<int>> ordered{"ordered"};
  std::uint64_t state = 12345;
  const auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % 64);
  };
  for (int round = 0; round < 300; ++round) {
    unit_of_work a{{.name = "a"}};
    unit_of_work b{{.name = "b"}};
    for (int i = 0; i < 20; ++i) {
      const int key = next();
      unit_of_work& unit = i % 2 == 0 ? a : b;
      switch (next() % 3) {
        case 0:
          hashed.put(unit, key, round);
          ordered.put(unit, key, round);
          break;
        case 1:
          hashed.erase(unit, key);
          ordered.erase(unit, key);
          break;
        default:
          if (!hashed.contains(unit, key)) {
            hashed.insert(unit, key, -round);
            ordered.insert(unit, key, -round);
          }
      }
      for (int k = 0; k < 64; ++k) {
        ASSERT_EQ(hashed.contains(unit, k), ordered.contains(unit, k)) << "key " << k << " round " << round;
        if (const int* v = hashed.find(unit, k)) {
          ASSERT_EQ(*v, *ordered.find(unit, k));
        }
      }
    }
    a.commit_staged();
    if (round % 3 == 0) {
      b.rollback();
    } else {
      // b may now collide with a's inserts: both tables must refuse (or accept) alike.
      bool hashed_failed = false;
      bool ordered_failed = false;
      try {
        hashed.prepare(b);
      } catch (const constraint_violation&) {
        hashed_failed = true;
      }
      try {
        ordered.prepare(b);
      } catch (const constraint_violation&) {
        ordered_failed = true;
      }
      ASSERT_EQ(hashed_failed, ordered_failed);
      if (hashed_failed) {
        b.rollback();
      } else {
        b.commit_staged();
      }
    }
    ASSERT_EQ(hashed.size(), ordered.size());
    for (int k = 0; k < 64; ++k) {
      ASSERT_EQ(hashed.contains(k), ordered.contains(k)) << "key " << k << " round " << round;
      if (const int* v = hashed.find(k)) {
        ASSERT_EQ(*v, *ordered.find(k));
      }
    }
  }
}

}  // namespace
