// How the cron expression fuzzer reads its input (and how tools/cron_fuzz_seeds.py writes it):
//
//   byte 0      bits 0-1 dialect (0 cronos5, 1 cronos6, 2 quartz, 3 cronos5), bit 2 policy
//               (quartz_delta_shift), bit 3 inclusive, bits 4-7 zone (index into fuzz_zones)
//   byte 1      bit 0: bytes 2-9 are `from` as a utc_time tick count (any instant, the ends
//               of the range included); else they are seconds reduced into 1970..2040, where
//               zones have their transitions, and bit 1 adds the sub-second part of bytes 10-13
//   bytes 2-9   little-endian
//   bytes 10-13 nanoseconds, reduced below 10^9
//   the rest    the expression text
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clockwork::fuzz {

inline constexpr std::array<const char*, 16> fuzz_zones = {"UTC",
                                                           "Europe/Berlin",
                                                           "America/New_York",
                                                           "Australia/Lord_Howe",
                                                           "Pacific/Apia",
                                                           "Asia/Amman",
                                                           "America/Santiago",
                                                           "America/Sao_Paulo",
                                                           "Europe/Dublin",
                                                           "Antarctica/Troll",
                                                           "Africa/Casablanca",
                                                           "Europe/London",
                                                           "Australia/Sydney",
                                                           "Asia/Kolkata",
                                                           "America/St_Johns",
                                                           "Asia/Tehran"};

inline constexpr std::size_t fuzz_header = 14;

}  // namespace clockwork::fuzz
