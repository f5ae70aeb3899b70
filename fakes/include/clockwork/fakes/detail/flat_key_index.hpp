// clockwork::fakes::detail::flat_key_index — a hash map from a key to a small value, kept in
// one array (open addressing, linear probing, a power-of-two size): what in_memory_table looks
// its rows up in.
//
// Why hand-written: std::unordered_map reaches a key through a bucket list and a modulo by a
// prime, a division that alone costs as much as the rest of a fake repository's call; a DailyLog
// month explored under a thousand seeds makes some 84 million such lookups. Abseil's flat map
// would do, but would make every user of the fakes depend on abseil; one that only needs find,
// assign and erase is short.
//
//   flat_key_index<daily_log_key, std::size_t> latest;
//   latest.assign(key, 3);
//   if (const std::size_t* at = latest.find(key)) ...;
//   latest.erase(key);
//
// Contract: Key needs std::hash<Key> and ==; Key and Value are copyable. Pointers from find()
// stay valid until the next assign or erase. At most half the slots are used, so a probe ends
// within a few slots. Erasing shifts the following entries back (no tombstones): a table that
// churns stays as fast as a fresh one. Thread safety: none.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
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
    for (std::size_t i = static_cast<std::size_t>(hash >> shift_);; i = next(i)) {
      const auto& slot = slots_[i];
      if (!slot) return nullptr;
      if (slot->first == key) return &slot->second;
    }
  }

  // Adds key, or replaces its value.
  void assign(const Key& key, Value value) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (std::size_t i = home(key);; i = next(i)) {
      auto& slot = slots_[i];
      if (!slot) {
        slot.emplace(key, std::move(value));
        ++size_;
        return;
      }
      if (slot->first == key) {
        slot->second = std::move(value);
        return;
      }
    }
  }

  // Removes key if present.
  void erase(const Key& key) {
    if (size_ == 0) return;
    std::size_t hole = home(key);
    for (;; hole = next(hole)) {
      if (!slots_[hole]) return;
      if (slots_[hole]->first == key) break;
    }
    slots_[hole].reset();
    --size_;
    // Backward-shift: move each following entry of the run into the hole when its home slot
    // does not lie (cyclically) between the hole and where it sits, so every entry stays
    // reachable from its home without tombstones.
    for (std::size_t i = next(hole); slots_[i]; i = next(i)) {
      const std::size_t h = home(slots_[i]->first);
      const bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (stays) continue;
      slots_[hole] = std::move(slots_[i]);
      slots_[i].reset();
      hole = i;
    }
  }

  void clear() noexcept {
    slots_.clear();
    size_ = 0;
  }

 private:
  std::size_t home(const Key& key) const noexcept { return static_cast<std::size_t>(hash_of(key) >> shift_); }
  std::size_t next(std::size_t i) const noexcept { return (i + 1) & (slots_.size() - 1); }

  void grow() {
    std::vector<std::optional<std::pair<Key, Value>>> old = std::move(slots_);
    const std::size_t capacity = old.empty() ? 16 : old.size() * 2;
    slots_.clear();
    slots_.resize(capacity);
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
    size_ = 0;
    for (auto& slot : old) {
      if (slot) assign(slot->first, std::move(slot->second));
    }
  }

  std::vector<std::optional<std::pair<Key, Value>>> slots_;
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

}  // namespace clockwork::fakes::detail
