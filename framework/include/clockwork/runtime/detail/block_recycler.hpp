// Internal: a memory resource that hands freed blocks of one size back out instead of returning
// them to the heap — for the runtime's per-task memory (the record in its map of tasks, the
// spawn wrapper's coroutine frame), which is allocated and freed once per spawned task.
//
// Why not std::pmr::unsynchronized_pool_resource: measured on stopping 10k waiters, its
// deallocation (finding the chunk a block belongs to) cost more instructions than malloc's free;
// a free list of one size costs a handful. Why not malloc: freeing 10k blocks at once runs its
// consolidation, a fifth of what stopping a try_delay waiter cost.
//
//   detail::block_recycler memory;
//   std::pmr::map<std::uint64_t, record> records{&memory};  // nodes recycled
//
// Contract:
//   - The block size is the first size asked for; blocks of that size (and alignment) are
//     recycled, any other size goes straight to ::operator new / delete.
//   - Freed blocks are kept until the recycler is destroyed: memory held is what the most blocks
//     alive at once needed.
//   - Under AddressSanitizer nothing is kept (as in task_frame_cache.hpp), so that a block used
//     after it was freed is still reported.
//   - Thread safety: none; one runtime's loop thread uses it.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <new>

#include "clockwork/task_frame_cache.hpp"  // CLOCKWORK_FRAME_CACHE: off under AddressSanitizer

namespace clockwork::detail {

class block_recycler final : public std::pmr::memory_resource {
 public:
  block_recycler() = default;
  block_recycler(const block_recycler&) = delete;
  block_recycler& operator=(const block_recycler&) = delete;
  ~block_recycler() override {
    while (free_ != nullptr) {
      free_block* next = free_->next;
      release(free_, size_, align_);
      free_ = next;
    }
  }

 private:
  struct free_block {
    free_block* next;
  };

  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    if (size_ == 0 && bytes >= sizeof(free_block)) {
      size_ = bytes;
      align_ = alignment < alignof(free_block) ? alignof(free_block) : alignment;
    }
    if (bytes == size_ && alignment <= align_) {
      if (free_ != nullptr) {
        free_block* block = free_;
        free_ = block->next;
        return block;
      }
      return obtain(size_, align_);
    }
    return obtain(bytes, alignment);
  }

  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
    if (bytes == size_ && alignment <= align_) {
#if CLOCKWORK_FRAME_CACHE
      free_ = new (p) free_block{free_};
#else
      release(p, size_, align_);
#endif
      return;
    }
    release(p, bytes, alignment);
  }

  // The aligned forms of new and delete only where needed: they take a slower path in malloc.
  static void* obtain(std::size_t bytes, std::size_t alignment) {
    if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
    return ::operator new (bytes, std::align_val_t{alignment});
  }
  // Unsized: Clang declares the sized forms only with -fsized-deallocation.
  static void release(void* p, std::size_t /*bytes*/, std::size_t alignment) noexcept {
    if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
      ::operator delete(p);
    } else {
      ::operator delete (p, std::align_val_t{alignment});
    }
  }

  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  free_block* free_ = nullptr;
  std::size_t size_ = 0;
  std::size_t align_ = alignof(free_block);
};

}  // namespace clockwork::detail
