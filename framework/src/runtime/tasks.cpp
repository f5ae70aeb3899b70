// Spawned coroutines: spawning them, their ends, destroying them (shutdown, a crashed or
// frozen process), and describing what each one waits for.
#include <spdlog/logger.h>

#include <algorithm>
#include <cstddef>
#include <memory_resource>
#include <typeinfo>
#include <utility>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/time/time_format.hpp"
#include "frozen_root.hpp"

namespace clockwork {

// The wrapper coroutine that owns a spawned task: it starts suspended (the runtime schedules
// it), never rethrows (it hands every outcome to task_finished), and frees itself at the end.
struct detail::detached_task::promise_type {
  // The frame comes from the runtime's recycler (one per spawned task); operator delete gets no
  // runtime, so a header in front of the frame names the recycler it goes back to.
  static constexpr std::size_t header = alignof(std::max_align_t);
  template <class... Rest>
  static void* operator new(std::size_t size, runtime& rt, Rest&... /*the coroutine's other arguments*/) {
    void* block = rt.wrapper_frames_.allocate(size + header, alignof(std::max_align_t));
    *static_cast<std::pmr::memory_resource**>(block) = &rt.wrapper_frames_;
    return static_cast<std::byte*>(block) + header;
  }
  static void operator delete(void* frame, std::size_t size) noexcept {
    void* block = static_cast<std::byte*>(frame) - header;
    (*static_cast<std::pmr::memory_resource**>(block))->deallocate(block, size + header, alignof(std::max_align_t));
  }

  detached_task get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
  std::suspend_always initial_suspend() const noexcept { return {}; }
  std::suspend_never final_suspend() const noexcept { return {}; }
  void return_void() const noexcept {}
  void unhandled_exception() const noexcept { std::terminate(); }  // run_detached catches all
};

// GCC 12 without optimisation warns that the frame is freed by an operator delete that does not
// match its operator new: a coroutine's frame is always freed by the usual (sized) operator
// delete, whatever placement form allocated it ([dcl.fct.def.coroutine]), so this pair is the
// only one possible. The warning is silenced for this function alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
detail::detached_task runtime::run_detached(runtime& rt, task<> work, detail::task_record* record) {
  // settle() rather than try/co_await/catch: stopping 10k waiters is dominated by exception
  // handling, and this saves one rethrow per cancelled task.
  std::exception_ptr error = co_await std::move(work).settle();
  const bool canceled = error && is_cancellation(error);
  rt.task_finished(record, error, canceled);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void runtime::spawn(task<> work, std::string name) {
  std::string root = current_ != nullptr && !current_->transparent ? current_->root : std::string();
  spawn_as(std::move(work), std::move(name), std::move(root));
}

void runtime::spawn_as(task<> work, std::string name, std::string root) {
  if (!admit_spawn(work, name)) return;
  spawn_named(std::move(work), std::move(name), std::move(root));
}

bool runtime::admit_spawn(const task<>& work, const std::string& name) {
  // Shutting down comes first: work spawned then is dropped whatever it is, as it always was.
  if (shutting_down_) {
    drop_work(name);
    return false;
  }
  if (!work.valid()) {
    throw std::invalid_argument("clockwork::runtime: cannot spawn '" + name +
                                "': the task is empty (moved-from or already awaited)");
  }
  return true;
}

void runtime::drop_work(const std::string& name) noexcept {
  try {
    report(finding_kind::dropped_work, name, "spawned while the runtime was shutting down: dropped without running");
  } catch (...) {
    // Reporting needs memory; dropping the work does not.
  }
}

void runtime::spawn_inline(task<> work, std::string name, std::string root) {
  if (!admit_spawn(work, name)) return;
  if (root.empty() && current_ != nullptr && !current_->transparent) root = current_->root;
  detail::task_record* record = &spawn_record(std::move(work), std::move(name), std::move(root), false);
  // spawn_record queued it last; take it back out and run it now, as a nested slice.
  ready_.pop_back();
  const auto outer_work = slice_work_;
  resume_slice(record->frame, record);
  slice_work_ = outer_work;
}

std::uint64_t runtime::spawn_named(task<> work, std::string name, std::string root, bool transparent) {
  return spawn_record(std::move(work), std::move(name), std::move(root), transparent).id;
}

detail::task_record& runtime::spawn_record(task<> work, std::string name, std::string root, bool transparent) {
  auto& record = tasks_.add(next_task_id_++);
  record.transparent = transparent;
  record.root = root.empty() ? name : std::move(root);
  record.name = std::move(name);
  record.frame = run_detached(*this, std::move(work), &record).handle;
  if (observer_) observer_->on_task_spawned(record);
  make_ready(record.frame, &record);
  return record;
}

void runtime::task_finished(detail::task_record* record, std::exception_ptr error, bool canceled) noexcept {
  if (error && !canceled) {
    std::string what = describe_exception(error);
    logger_->error("detached task '{}' failed: {}", record->name, what);
    // Named after the work's root: the service whose fire-and-forget work this was.
    report(finding_kind::unobserved_exception, record->root,
           record->root == record->name
               ? "exception escaped detached work: " + what
               : "exception escaped detached work '" + record->name + "' (spawned by '" + record->root + "'): " + what);
    unobserved_.push_back({record->id, record->name, error, std::move(what), now()});
  }
  if (observer_) observer_->on_task_finished(*record, error, canceled);
  record->frame = {};  // the frame frees itself right after this call
  finished_ = record;  // erased once its slice ends; resume_slice may still read its name
}

void runtime::destroy_task(std::uint64_t id) noexcept {
  if (detail::task_record* record = tasks_.find(id)) destroy_record(record);
}

void runtime::destroy_record(detail::task_record* record) noexcept {
  if (record == finished_) finished_ = nullptr;  // ended in the running slice: removed here instead
  std::erase_if(ready_, [record](const ready_item& item) { return item.owner == record; });
  for (auto& f : frozen_) std::erase_if(f->held, [record](const ready_item& item) { return item.owner == record; });
  auto frame = record->frame;
  tasks_.remove(*record);
  if (frame) frame.destroy();
}

void runtime::freeze_root(std::string root, steady_time until) {
  for (auto& f : frozen_) {
    if (f->root == root) {
      // Frozen already: the later of the two ends counts.
      if (until <= f->deadline) return;
      disarm(*f);
      f->deadline = until;
      arm(*f);
      return;
    }
  }
  if (until <= now()) return;
  auto f = std::make_unique<frozen_root>(*this, std::move(root));
  f->deadline = until;
  arm(*f);
  frozen_.push_back(std::move(f));
}

bool runtime::hold_if_frozen(const ready_item& item) {
  if (!item.owner) return false;
  for (auto& f : frozen_) {
    if (f->root == item.owner->root) {
      f->held.push_back(item);
      return true;
    }
  }
  return false;
}

void runtime::thaw(frozen_root& frozen) {
  // Held items go back to the ready queue in the order they became ready.
  for (const ready_item& item : frozen.held) ready_.push_back(item);
  std::erase_if(frozen_, [&frozen](const std::unique_ptr<frozen_root>& f) { return f.get() == &frozen; });
}

std::size_t runtime::destroy_rooted(std::string_view root) noexcept {
  for (auto& f : frozen_) {
    if (f->root == root) f->held.clear();
  }
  // Newest first: work a coroutine spawned goes before it, as a dying process takes its threads
  // with it in no particular order, and nothing here resumes anything. Destroying a frame runs
  // destructors, which may spawn (appended after the walk's start: not visited) but never end
  // another task, so the record before this one is still live when the walk gets to it.
  std::size_t destroyed = 0;
  for (detail::task_record* record = tasks_.last(); record != nullptr;) {
    detail::task_record* const earlier = record->previous_task;
    if (record->root == root && !record->transparent) {
      destroy_record(record);
      ++destroyed;
    }
    record = earlier;
  }
  return destroyed;
}

void runtime::shutdown_tasks() noexcept {
  shutting_down_ = true;
  while (!tasks_.empty()) {
    detail::task_record& first = *tasks_.first();
    auto frame = first.frame;
    tasks_.remove(first);
    // Destroying a suspended frame runs its destructors: awaitables disarm their timers.
    if (frame) frame.destroy();
  }
  ready_.clear();
  posted_.clear();
  for (auto& f : frozen_) disarm(*f);
  frozen_.clear();
}

std::vector<task_info> runtime::tasks() const {
  std::vector<task_info> out;
  out.reserve(tasks_.size());
  for (const detail::task_record* r = tasks_.first(); r != nullptr; r = r->next_task) out.push_back(*r);
  return out;
}

std::string runtime::describe_pending() const {
  const steady_time origin{};
  std::string out;
  for (const detail::task_record* r = tasks_.first(); r != nullptr; r = r->next_task) {
    const detail::task_record& record = *r;
    out += "task #" + std::to_string(record.id) + " '" + record.name + "': ";
    const bool ready =
        std::any_of(ready_.begin(), ready_.end(), [&](const ready_item& item) { return item.owner == &record; });
    if (ready) {
      out += "ready to run";
    } else {
      switch (record.waiting) {
        case wait_kind::delay:
        case wait_kind::deadline:
          out += "waiting for a delay until " + format_offset(record.wait_deadline, origin);
          break;
        case wait_kind::tick:
          out += "waiting for the next tick of periodic timer";
          if (!record.wait_what.empty()) out += " '" + record.wait_what + "'";
          out += ", due " + format_offset(record.wait_deadline, origin);
          break;
        case wait_kind::signal:
          out += "waiting for " + (record.wait_what.empty() ? std::string("a signal") : record.wait_what);
          break;
        case wait_kind::offload: out += "waiting for offloaded work"; break;
        case wait_kind::wall: out += "waiting for the wall clock to read " + record.wait_what; break;
        case wait_kind::none:
          out += "suspended on an awaitable clockwork does not track (nothing in the runtime will resume it)";
          break;
      }
      if (record.waiting != wait_kind::none) out += " (since " + format_offset(record.wait_since, origin) + ")";
    }
    out += '\n';
  }
  return out;
}

}  // namespace clockwork
