// GoogleTest assertions for golden files (see golden.hpp for the comparison and updating).
//
//   EXPECT_TRUE(clockwork::testing::matches_golden(clockwork::to_text(tr), dir / "daily_log.txt"));
//
// On a mismatch the failure message names the file, shows the first differing lines and says
// how to accept the new output (CLOCKWORK_UPDATE_GOLDEN=1). Header-only, so that the
// framework library does not depend on GoogleTest.
//
// Thread safety: as golden_mismatch.
#pragma once

#include <filesystem>
#include <string_view>

#include <gtest/gtest.h>

#include "clockwork/testing/golden.hpp"

namespace clockwork::testing {

inline ::testing::AssertionResult matches_golden(std::string_view actual, const std::filesystem::path& golden) {
  if (auto mismatch = golden_mismatch(actual, golden)) return ::testing::AssertionFailure() << *mismatch;
  return ::testing::AssertionSuccess();
}

}  // namespace clockwork::testing
