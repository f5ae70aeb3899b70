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

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "clockwork/fakes/transactional_resource.hpp"
#include "clockwork/fakes/unit_of_work.hpp"

namespace clockwork::fakes {

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
  bool contains(const Key& key) const { return rows_.find(key) != rows_.end(); }
  const Value* find(const Key& key) const {
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }
  std::size_t size() const noexcept { return rows_.size(); }
  bool empty() const noexcept { return rows_.empty(); }
  const rows_type& rows() const noexcept { return rows_; }

  // ---- what one unit of work sees: committed rows plus its own staged writes ----
  bool contains(const unit_of_work& unit, const Key& key) const { return find(unit, key) != nullptr; }
  const Value* find(const unit_of_work& unit, const Key& key) const {
    if (const auto s = staged_.find(&unit); s != staged_.end()) {
      if (const auto w = s->second.latest.find(key); w != s->second.latest.end()) {
        const write& last = s->second.writes[w->second];
        return last.value ? &*last.value : nullptr;
      }
    }
    return find(key);
  }

  // ---- staged writes ----
  void insert(unit_of_work& unit, Key key, Value value) { stage(unit, kind::insert, std::move(key), std::move(value)); }
  void put(unit_of_work& unit, Key key, Value value) { stage(unit, kind::put, std::move(key), std::move(value)); }
  void erase(unit_of_work& unit, Key key) { stage(unit, kind::erase, std::move(key), std::nullopt); }

  // Test set-up: commits one row at once, outside any unit of work. Throws constraint_violation
  // if the key exists.
  void seed(Key key, Value value) {
    if (contains(key)) throw constraint_violation(message_for_existing(key, "seed"));
    rows_.emplace(std::move(key), std::move(value));
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
    const auto s = staged_.find(&unit);
    return s == staged_.end() ? 0 : s->second.writes.size();
  }
  void prepare(const unit_of_work& unit) const override {
    const auto s = staged_.find(&unit);
    if (s == staged_.end()) return;
    // Whether each touched key will exist, write by write, without touching rows_.
    std::map<Key, bool, Compare> present(rows_.key_comp());
    for (const write& w : s->second.writes) {
      auto [it, fresh] = present.try_emplace(w.key, false);
      if (fresh) it->second = contains(w.key);
      if (w.what == kind::insert && it->second) {
        throw constraint_violation(message_for_existing(w.key, "commit of unit of work '" + unit.name() + "'"));
      }
      it->second = w.what != kind::erase;
    }
  }
  void apply(const unit_of_work& unit) noexcept override {
    const auto s = staged_.find(&unit);
    if (s == staged_.end()) return;
    for (write& w : s->second.writes) {
      if (w.what == kind::erase) {
        rows_.erase(w.key);
      } else {
        rows_.insert_or_assign(std::move(w.key), std::move(*w.value));
      }
    }
    staged_.erase(s);
  }
  void discard(const unit_of_work& unit) noexcept override { staged_.erase(&unit); }

 private:
  enum class kind { insert, put, erase };
  struct write {
    kind what;
    Key key;
    std::optional<Value> value;  // none for erase
  };
  struct staging {
    explicit staging(const Compare& compare) : latest(compare) {}
    std::vector<write> writes;
    std::map<Key, std::size_t, Compare> latest;  // key -> index of its last write
  };

  void stage(unit_of_work& unit, kind what, Key key, std::optional<Value> value) {
    unit.enlist(*this);
    auto s = staged_.find(&unit);
    if (s == staged_.end()) s = staged_.emplace(&unit, staging{rows_.key_comp()}).first;
    s->second.latest.insert_or_assign(key, s->second.writes.size());
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
  std::unordered_map<const unit_of_work*, staging> staged_;
};

}  // namespace clockwork::fakes
