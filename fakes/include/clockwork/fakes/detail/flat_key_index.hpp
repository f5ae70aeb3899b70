// clockwork::fakes::detail::flat_key_index — a hash map from a key to a small value, kept in
// one array (open addressing, linear probing, a power-of-two size): what in_memory_table looks
// its rows up in.
//
// Why hand-written: std::unordered_map reaches a key through a bucket list and a modulo by a
// prime, a division that alone costs as much as the rest of a fake repository's call; a DailyLog
// month explored under a thousand seeds makes some 84 million such lookups. Abseil's flat map
// would do, but would make every user of the fakes depend on abseil; one that only needs find,
// assign, erase and reserve is short.
//
// Why a control byte per slot: a probe that walks slot by slot ends after a number of steps that
// depends on the data (a neighbour's key, an empty slot), and the processor mispredicts that
// end on about every other lookup — in an explored DailyLog month that cost more than the
// lookups' instructions. Each slot's byte says "empty" or holds 7 bits of the key's hash, and a
// lookup compares the eight bytes from the key's home slot with a handful of word operations:
// the key is nearly always among them (at most half the slots are used), so the lookup compares
// one key and takes the same branches every time.
//
//   flat_key_index<daily_log_key, std::size_t> latest;
//   latest.reserve(700);                 // optional: room for 700 keys without growing
//   latest.assign(key, 3);
//   if (const std::size_t* at = latest.find(key)) ...;
//   latest.erase(key);
//
// Contract: Key needs std::hash<Key> and ==; Key and Value are copyable. Pointers from find()
// stay valid until the next assign, erase or reserve. At most half the slots are used. Erasing
// shifts the following entries back (no tombstones): a table that churns stays as fast as a
// fresh one. Thread safety: none.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace clockwork::fakes::detail {

template <class Key, class Value>
class flat_key_index {
 public:
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // The key's hash as the index uses it. The same for every index of Key: a caller probing
  // several (a unit's staged writes, then the committed rows) hashes the key once.
  static std::uint64_t hash_of(const Key& key) noexcept {
    // Fibonacci hashing: the high bits of the product are used, so a weak std::hash (identity
    // for integers) still spreads over the table.
    return static_cast<std::uint64_t>(std::hash<Key>{}(key)) * 0x9e3779b97f4a7c15ULL;
  }

  const Value* find(const Key& key) const { return size_ == 0 ? nullptr : find(key, hash_of(key)); }
  // find() with the key's hash_of() computed by the caller.
  const Value* find(const Key& key, std::uint64_t hash) const {
    if (size_ == 0) return nullptr;
    const std::size_t at = locate(key, hash);
    return at == npos ? nullptr : &slots_[at]->second;
  }

  // Adds key, or replaces its value.
  void assign(const Key& key, Value value) {
    if (2 * (size_ + 1) > slots_.size()) grow(slots_.empty() ? min_slots : slots_.size() * 2);
    const std::uint64_t hash = hash_of(key);
    for (std::size_t i = home(hash);; i = next_group(i)) {
      const std::uint64_t group = load_group(i);
      if (const std::size_t at = first_match(key, i, matches(group, hash)); at != npos) {
        slots_[at]->second = std::move(value);
        return;
      }
      if (const std::uint64_t empties = zero_bytes(group); empties != 0) {
        place(slot_at(i, empties), hash, key, std::move(value));
        return;
      }
    }
  }

  // Removes key if present.
  void erase(const Key& key) {
    if (size_ == 0) return;
    std::size_t hole = locate(key, hash_of(key));
    if (hole == npos) return;
    slots_[hole].reset();
    set_control(hole, empty_control);
    --size_;
    // Backward-shift: move each following entry of the run into the hole when its home slot
    // does not lie (cyclically) between the hole and where it sits, so every entry stays
    // reachable from its home without tombstones.
    for (std::size_t i = next(hole); slots_[i]; i = next(i)) {
      const std::size_t h = home(hash_of(slots_[i]->first));
      const bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (stays) continue;
      slots_[hole] = std::move(slots_[i]);
      set_control(hole, control_[i]);
      slots_[i].reset();
      set_control(i, empty_control);
      hole = i;
    }
  }

  // Makes room for n keys in all, so that the next assigns up to that many do not grow the table.
  void reserve(std::size_t n) {
    std::size_t wanted = min_slots;
    while (wanted < 2 * n) wanted *= 2;
    if (wanted > slots_.size()) grow(wanted);
  }

  void clear() noexcept {
    slots_.clear();
    control_.clear();
    size_ = 0;
    mask_ = 0;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t group_width = 8;  // control bytes compared at once: one word
  static constexpr std::size_t min_slots = 16;   // at least a group
  static constexpr std::uint8_t empty_control = 0;
  static constexpr std::uint64_t low_bits = 0x0101010101010101ULL;
  static constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

  std::size_t home(std::uint64_t hash) const noexcept { return static_cast<std::size_t>(hash >> shift_); }
  std::size_t next(std::size_t i) const noexcept { return (i + 1) & mask_; }
  std::size_t next_group(std::size_t i) const noexcept { return (i + group_width) & mask_; }
  // A used slot's byte: the high bit set, and 7 bits of the hash below the ones home() takes
  // (while the table has fewer than 2^32 slots), so that keys sharing a home rarely share it.
  static std::uint8_t control_of(std::uint64_t hash) noexcept {
    return static_cast<std::uint8_t>(0x80U | ((hash >> 25) & 0x7fU));
  }

  // The control bytes of slots i .. i+7, byte k of the word for slot i+k. control_ repeats its
  // first bytes after its end, so a group that runs past the last slot reads on from the first.
  std::uint64_t load_group(std::size_t i) const noexcept { return read_group(control_.data() + i); }
  static std::uint64_t read_group(const std::uint8_t* bytes) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes, sizeof word);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    return word;
  }
  // The high bit of every zero byte of word, exactly (no false positives).
  static std::uint64_t zero_bytes(std::uint64_t word) noexcept {
    return ~(((word & ~high_bits) + ~high_bits) | word | ~high_bits);
  }
  static std::uint64_t matches(std::uint64_t group, std::uint64_t hash) noexcept {
    return zero_bytes(group ^ (low_bits * control_of(hash)));
  }
  std::size_t slot_at(std::size_t group_start, std::uint64_t flags) const noexcept {
    return (group_start + static_cast<std::size_t>(std::countr_zero(flags)) / 8) & mask_;
  }
  // The slot among the flagged ones of the group at i that holds key, or npos. A flagged slot
  // past an empty one belongs to another probe run: it holds another key, and comparing it
  // costs less than masking it off on every lookup.
  std::size_t first_match(const Key& key, std::size_t i, std::uint64_t candidates) const {
    for (; candidates != 0; candidates &= candidates - 1) {
      const std::size_t at = slot_at(i, candidates);
      if (slots_[at]->first == key) return at;
    }
    return npos;
  }
  // Where key sits, or npos: the groups from its home up to the first one with an empty slot.
  std::size_t locate(const Key& key, std::uint64_t hash) const {
    for (std::size_t i = home(hash);; i = next_group(i)) {
      const std::uint64_t group = load_group(i);
      if (const std::size_t at = first_match(key, i, matches(group, hash)); at != npos) return at;
      if (zero_bytes(group) != 0) return npos;
    }
  }

  void set_control(std::size_t i, std::uint8_t c) noexcept {
    control_[i] = c;
    if (i < group_width) control_[slots_.size() + i] = c;  // the copy after the end
  }
  void place(std::size_t at, std::uint64_t hash, const Key& key, Value value) {
    slots_[at].emplace(key, std::move(value));
    set_control(at, control_of(hash));
    ++size_;
  }

  void grow(std::size_t capacity) {
    std::vector<std::optional<std::pair<Key, Value>>> old = std::move(slots_);
    const std::vector<std::uint8_t> old_control = std::move(control_);
    slots_.clear();
    slots_.resize(capacity);
    control_.assign(capacity + group_width, empty_control);
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
    mask_ = capacity - 1;
    size_ = 0;
    // Keys are distinct: each goes to the first empty slot of its run, found by the control
    // bytes alone. Used slots are found a word of control bytes at a time.
    for (std::size_t g = 0; g < old.size(); g += group_width) {
      for (std::uint64_t used = read_group(old_control.data() + g) & high_bits; used != 0; used &= used - 1) {
        auto& slot = old[g + static_cast<std::size_t>(std::countr_zero(used)) / 8];
        const std::uint64_t hash = hash_of(slot->first);
        std::size_t i = home(hash);
        std::uint64_t empties = zero_bytes(load_group(i));
        for (; empties == 0; empties = zero_bytes(load_group(i))) i = next_group(i);
        place(slot_at(i, empties), hash, slot->first, std::move(slot->second));
      }
    }
  }

  std::vector<std::optional<std::pair<Key, Value>>> slots_;
  std::vector<std::uint8_t> control_;  // one per slot, then the first group_width again
  std::size_t size_ = 0;
  // slots_.size() - 1, kept: the size of a vector of slots is a division by the slot's size,
  // and every probe step needs it.
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
};

}  // namespace clockwork::fakes::detail
