// How the cron expression fuzzer reads its input (and how tools/cron_fuzz_seeds.py writes it):
//
//   byte 0      bits 0-1 dialect (0 cronos5, 1 cronos6, 2 quartz, 3 cronos5), bit 2 policy
//               (quartz_delta_shift), bit 3 inclusive, bits 4-7 zone (index into fuzz_zones)
//   byte 1      bit 0: `from` anywhere in utc_time's range (else 1970..2040, where zones
//               have their transitions), bit 1: `from` has a sub-second part
//   bytes 2-9   `from`, little-endian, reduced into the chosen range
//   bytes 10-13 the sub-second part (nanoseconds, reduced below 10^9)
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
