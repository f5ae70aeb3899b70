// clockwork::fakes::in_memory_table — an in-memory table whose writes are transactional: staged
// per unit of work and made visible, all at once, only when that unit commits.
//
// It is what a fake repository stores its rows in. Committed rows are what every reader sees
// (contains, find, rows); a unit of work additionally sees its own staged writes
// (contains(unit, key), find(unit, key)), as a database connection sees its open transaction.
// An insert of a key that exists when the unit commits is a constraint_violation, so two units
// racing to insert the same row behave as they would against a unique index: the second
// commit fails and applies nothing.
//
// Example — a fake repository, with production alongside:
//
//   // production: class sql_log_repository : public log_repository { ... INSERT ... };
//   // test:
//   clockwork::fakes::in_memory_table<int, std::string> logs{"logs"};
//   {
//     clockwork::fakes::unit_of_work unit;
//     logs.insert(unit, 1, "first");
//     EXPECT_FALSE(logs.contains(1));         // staged: invisible to others
//     EXPECT_TRUE(logs.contains(unit, 1));    // but visible to its own unit
//     unit.commit_staged();
//   }
//   EXPECT_EQ(*logs.find(1), "first");
//   logs.seed(2, "set-up row");               // test set-up, committed at once
//
// Contract:
//   - Writes (insert, put, erase) only stage. Committing applies them in the order they were
//     staged; put replaces or adds, erase of a missing key does nothing, insert requires the
//     key to be absent at commit time (counting the unit's earlier writes).
//   - A unit of work that ends without committing leaves the table exactly as it was.
//   - Key and Value must be copyable; Compare orders keys (rows() iterates in that order).
//   - Lookups (contains, find) take one hash probe when Compare is the default std::less<Key>,
//     std::hash<Key> is defined and Key has == (agreeing with <); otherwise they walk the
//     ordered rows, in O(log n). A fake repository on an explored hot path (tens of
//     thousands of lookups a simulated month, under thousands of seeds) defines the hash.
//   - Pointers from find() stay valid until the next commit that touches the table; those from
//     find(unit, key) until the next write staged in this table.
//   - Error messages name the table and, when it can be printed, the key: with fmt if Key is
//     formattable, or with the describe_key function given at construction.
//   - Applying a prepared commit allocates map nodes; running out of memory there terminates
//     (apply is noexcept). A fake does not model that failure.
//   - Neither copyable nor movable: units of work point at the tables they are enlisted in.
//   - Thread safety: none; one thread at a time (the thread driving the runtime). The table
//     must outlive every unit of work that staged writes in it.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "clockwork/fakes/detail/flat_key_index.hpp"
#include "clockwork/fakes/transactional_resource.hpp"
#include "clockwork/fakes/unit_of_work.hpp"

namespace clockwork::fakes {

// Keys an in_memory_table can index by hash as well as by order.
template <class Key>
concept hashed_table_key = requires(const Key& key) {
  { std::hash<Key>{}(key) } -> std::convertible_to<std::size_t>;
  { key == key } -> std::convertible_to<bool>;
};

template <class Key, class Value, class Compare = std::less<Key>>
class in_memory_table final : public transactional_resource {
 public:
  using key_type = Key;
  using mapped_type = Value;
  using rows_type = std::map<Key, Value, Compare>;

  explicit in_memory_table(std::string name, std::function<std::string(const Key&)> describe_key = {})
      : name_(std::move(name)), describe_key_(std::move(describe_key)) {
    if (name_.empty()) throw std::invalid_argument("clockwork::fakes::in_memory_table: the table needs a name");
  }
  in_memory_table(const in_memory_table&) = delete;
  in_memory_table& operator=(const in_memory_table&) = delete;

  // ---- committed rows: what everyone sees ----
  bool contains(const Key& key) const { return find(key) != nullptr; }
  const Value* find(const Key& key) const {
    if constexpr (hashed) {
      const auto* row = index_.find(key);
      return row == nullptr ? nullptr : &(*row)->second;
    } else {
      const auto it = rows_.find(key);
      return it == rows_.end() ? nullptr : &it->second;
    }
  }
  std::size_t size() const noexcept { return rows_.size(); }
  bool empty() const noexcept { return rows_.empty(); }
  const rows_type& rows() const noexcept { return rows_; }

  // ---- what one unit of work sees: committed rows plus its own staged writes ----
  bool contains(const unit_of_work& unit, const Key& key) const { return find(unit, key) != nullptr; }
  const Value* find(const unit_of_work& unit, const Key& key) const {
    if constexpr (hashed) {
      // Two probes, one hash.
      const std::uint64_t hash = detail::flat_key_index<Key, std::size_t>::hash_of(key);
      if (const staging* s = staging_of(unit); s != nullptr) {
        if (const std::size_t* w = s->latest.find(key, hash); w != nullptr) return value_of(s->writes[*w]);
      }
      const auto* row = index_.find(key, hash);
      return row == nullptr ? nullptr : &(*row)->second;
    } else {
      if (const staging* s = staging_of(unit); s != nullptr) {
        if (const std::size_t* w = s->latest_write(key); w != nullptr) return value_of(s->writes[*w]);
      }
      return find(key);
    }
  }

  // ---- staged writes ----
  void insert(unit_of_work& unit, Key key, Value value) { stage(unit, kind::insert, std::move(key), std::move(value)); }
  void put(unit_of_work& unit, Key key, Value value) { stage(unit, kind::put, std::move(key), std::move(value)); }
  void erase(unit_of_work& unit, Key key) { stage(unit, kind::erase, std::move(key), std::nullopt); }

  // Test set-up: commits one row at once, outside any unit of work. Throws constraint_violation
  // if the key exists.
  void seed(Key key, Value value) {
    if (contains(key)) throw constraint_violation(message_for_existing(key, "seed"));
    const auto row = rows_.emplace(std::move(key), std::move(value)).first;
    if constexpr (hashed) index_.assign(row->first, row);
  }

  // Writes staged by every unit and not yet committed or dropped, and how many units hold some.
  std::size_t staged_total() const noexcept {
    std::size_t n = 0;
    for (const auto& [unit, s] : staged_) n += s.writes.size();
    return n;
  }
  std::size_t units_with_staged_writes() const noexcept { return staged_.size(); }

  // ---- transactional_resource ----
  const std::string& name() const noexcept override { return name_; }
  std::size_t staged(const unit_of_work& unit) const noexcept override {
    const staging* s = staging_of(unit);
    return s == nullptr ? 0 : s->writes.size();
  }
  void prepare(const unit_of_work& unit) const override {
    const staging* s = staging_of(unit);
    if (s == nullptr) return;
    // Whether each touched key will exist, write by write, without touching rows_.
    presence present = make_presence();
    if constexpr (hashed) present.reserve(s->writes.size());  // one allocation, no regrowth
    for (const write& w : s->writes) {
      bool exists = false;
      if constexpr (hashed) {
        const bool* known = present.find(w.key);
        exists = known != nullptr ? *known : contains(w.key);
        present.assign(w.key, w.what != kind::erase);
      } else {
        auto [it, fresh] = present.try_emplace(w.key, false);
        if (fresh) it->second = contains(w.key);
        exists = it->second;
        it->second = w.what != kind::erase;
      }
      if (w.what == kind::insert && exists) {
        throw constraint_violation(message_for_existing(w.key, "commit of unit of work '" + unit.name() + "'"));
      }
    }
  }
  void apply(const unit_of_work& unit) noexcept override {
    const auto s = position_of(unit);
    if (s == staged_.end()) return;
    for (write& w : s->second.writes) {
      if (w.what == kind::erase) {
        if constexpr (hashed) index_.erase(w.key);
        rows_.erase(w.key);
      } else {
        const auto [row, added] = rows_.insert_or_assign(std::move(w.key), std::move(*w.value));
        if constexpr (hashed) {
          if (added) index_.assign(row->first, row);
        }
      }
    }
    staged_.erase(s);
  }
  void discard(const unit_of_work& unit) noexcept override {
    if (const auto s = position_of(unit); s != staged_.end()) staged_.erase(s);
  }

 private:
  enum class kind { insert, put, erase };
  struct write {
    kind what;
    Key key;
    std::optional<Value> value;  // none for erase
  };
  // What a unit sees of a key it wrote last with w: the value, or nothing after an erase.
  static const Value* value_of(const write& w) noexcept { return w.value ? &*w.value : nullptr; }
  static constexpr bool hashed = hashed_table_key<Key> && std::is_same_v<Compare, std::less<Key>>;
  // A unit's writes in order, and where each key's last write is.
  struct staging {
    using latest_writes =
        std::conditional_t<hashed, detail::flat_key_index<Key, std::size_t>, std::map<Key, std::size_t, Compare>>;
    std::vector<write> writes;
    latest_writes latest;

    const std::size_t* latest_write(const Key& key) const {
      if constexpr (hashed) {
        return latest.find(key);
      } else {
        const auto w = latest.find(key);
        return w == latest.end() ? nullptr : &w->second;
      }
    }
    void note(const Key& key, std::size_t index) {
      if constexpr (hashed) {
        latest.assign(key, index);
      } else {
        latest.insert_or_assign(key, index);
      }
    }
  };
  // A second way into rows_ for hashed keys; a map's iterators stay valid until their row is
  // erased, which erases the index entry first.
  struct no_index {};
  using row_index = std::conditional_t<hashed, detail::flat_key_index<Key, typename rows_type::iterator>, no_index>;
  using presence = std::conditional_t<hashed, detail::flat_key_index<Key, bool>, std::map<Key, bool, Compare>>;
  presence make_presence() const {
    if constexpr (hashed) {
      return presence{};
    } else {
      return presence(rows_.key_comp());
    }
  }
  // Units holding staged writes: a few at a time, searched linearly.
  using staged_units = std::vector<std::pair<const unit_of_work*, staging>>;

  typename staged_units::iterator position_of(const unit_of_work& unit) noexcept {
    return std::find_if(staged_.begin(), staged_.end(), [&unit](const auto& s) { return s.first == &unit; });
  }
  const staging* staging_of(const unit_of_work& unit) const noexcept {
    for (const auto& [holder, s] : staged_) {
      if (holder == &unit) return &s;
    }
    return nullptr;
  }

  void stage(unit_of_work& unit, kind what, Key key, std::optional<Value> value) {
    unit.enlist(*this);
    auto s = position_of(unit);
    if (s == staged_.end()) {
      if constexpr (hashed) {
        s = staged_.insert(staged_.end(), {&unit, staging{}});
      } else {
        s = staged_.insert(staged_.end(), {&unit, staging{{}, typename staging::latest_writes(rows_.key_comp())}});
      }
    }
    s->second.note(key, s->second.writes.size());
    s->second.writes.push_back(write{what, std::move(key), std::move(value)});
  }

  std::string describe(const Key& key) const {
    if (describe_key_) return describe_key_(key);
    if constexpr (fmt::is_formattable<Key>::value) {
      return fmt::format("{}", key);
    } else {
      return "(a key without a description)";
    }
  }
  std::string message_for_existing(const Key& key, const std::string& during) const {
    return "clockwork::fakes::in_memory_table '" + name_ + "': " + during + ": insert of key " + describe(key) +
           ", which already exists";
  }

  std::string name_;
  std::function<std::string(const Key&)> describe_key_;
  rows_type rows_;
  [[no_unique_address]] row_index index_;
  staged_units staged_;
};

}  // namespace clockwork::fakes
