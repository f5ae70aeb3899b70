// Internal: the runtime's live tasks, in spawn order — an intrusive doubly linked list of
// task_records whose memory comes from a block_recycler.
//
// Why not a std::map keyed by id (what it replaced): every spawned task is added once and
// removed once, and the map paid a search and a rebalance for both, plus malloc for its node;
// here adding is an append and removing an unlink, both O(1), and the record's address (which
// waits keep as their owner) is stable either way. Ids only grow, so appending keeps the list in
// id order, which is the order every report lists tasks in.
//
//   detail::task_list tasks;
//   detail::task_record& r = tasks.add(id);   // last in the list
//   for (detail::task_record* t = tasks.first(); t != nullptr; t = t->next_task) ...
//   tasks.remove(r);                            // its memory goes back to the recycler
//
// Thread safety: none; the runtime's loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "clockwork/runtime/detail/block_recycler.hpp"
#include "clockwork/runtime/detail/task_record.hpp"

namespace clockwork::detail {

class task_list {
 public:
  task_list() = default;
  task_list(const task_list&) = delete;
  task_list& operator=(const task_list&) = delete;
  ~task_list() {
    while (first_ != nullptr) remove(*first_);
  }

  // A new, default-initialized record with this id, last in the list. Ids must grow.
  task_record& add(std::uint64_t id) {
    void* memory = memory_.allocate(sizeof(task_record), alignof(task_record));
    auto* record = new (memory) task_record();
    record->id = id;
    record->previous_task = last_;
    if (last_ != nullptr) {
      last_->next_task = record;
    } else {
      first_ = record;
    }
    last_ = record;
    ++size_;
    return *record;
  }

  // Unlinks and destroys record (not its frame: the caller owns that).
  void remove(task_record& record) noexcept {
    (record.previous_task != nullptr ? record.previous_task->next_task : first_) = record.next_task;
    (record.next_task != nullptr ? record.next_task->previous_task : last_) = record.previous_task;
    --size_;
    record.~task_record();
    memory_.deallocate(&record, sizeof(task_record), alignof(task_record));
  }

  // The live record with this id, or null. Linear, from the newest: for the rare lookups by id
  // (block_on cleaning up after a deadlock), never on a hot path.
  task_record* find(std::uint64_t id) const noexcept {
    for (task_record* r = last_; r != nullptr; r = r->previous_task) {
      if (r->id == id) return r;
      if (r->id < id) break;  // ids grow along the list
    }
    return nullptr;
  }

  task_record* first() const noexcept { return first_; }
  task_record* last() const noexcept { return last_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  block_recycler memory_;  // declared first: outlives the records
  task_record* first_ = nullptr;
  task_record* last_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace clockwork::detail
