// clockwork::detail::frame_cache — keeps freed coroutine frames of clockwork::task for reuse by
// the next frame of the same size class on the same thread.
//
// Why: services and fakes await small coroutines in tight loops — the DailyLog service asks its
// repository whether a log exists seven times per user per run, some 84,000 calls in an
// explored month, each a coroutine frame allocated and freed. Taking the frame from a
// per-thread free list skips the allocator's bookkeeping; exploring thousands of seeds is
// measurably faster (bench/explore_bench.cpp).
//
// Used only by task's promise (task.hpp); not an API:
//
//   void* frame = clockwork::detail::allocate_frame(size);   // operator new of the promise
//   clockwork::detail::free_frame(frame, size);               // operator delete of the promise
//
// Contract:
//   - Frames up to frame_classes * frame_granule bytes come from the cache when it has one of
//     their class, else from ::operator new, rounded up to their class; larger frames always
//     from ::operator new.
//   - A freed frame goes back to the freeing thread's cache, up to frames_kept_per_class per
//     class; the rest, and everything kept when the thread ends, goes to ::operator delete.
//     Memory kept is bounded: at most 68 KiB per thread.
//   - Under AddressSanitizer the cache is off, so that a frame used after it was freed is still
//     reported.
//   - Thread safety: each thread has its own cache; a frame may be freed on another thread than
//     the one that allocated it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define CLOCKWORK_FRAME_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLOCKWORK_FRAME_CACHE 0
#endif
#endif
#ifndef CLOCKWORK_FRAME_CACHE
#define CLOCKWORK_FRAME_CACHE 1
#endif

namespace clockwork::detail {

inline constexpr std::size_t frame_granule = 64;
inline constexpr std::size_t frame_classes = 16;  // frames up to 1 KiB
inline constexpr std::uint32_t frames_kept_per_class = 8;

#if CLOCKWORK_FRAME_CACHE

// Whether this thread's cache can be used: a frame freed while the thread's other
// thread_local objects are destroyed, after the cache itself, goes straight to the heap.
enum class frame_cache_state : unsigned char { unused, live, gone };
inline frame_cache_state& this_thread_frame_cache_state() noexcept {
  thread_local frame_cache_state state = frame_cache_state::unused;  // trivially destructible
  return state;
}

struct frame_cache {
  struct free_frame {
    free_frame* next;
  };
  free_frame* head[frame_classes] = {};
  std::uint32_t count[frame_classes] = {};

  frame_cache() noexcept { this_thread_frame_cache_state() = frame_cache_state::live; }
  frame_cache(const frame_cache&) = delete;
  frame_cache& operator=(const frame_cache&) = delete;
  ~frame_cache() {
    this_thread_frame_cache_state() = frame_cache_state::gone;
    for (auto*& h : head) {
      while (h != nullptr) ::operator delete(std::exchange(h, h->next));
    }
  }
};

inline frame_cache& this_thread_frame_cache() noexcept {
  thread_local frame_cache cache;
  return cache;
}

inline void* allocate_frame(std::size_t size) {
  const std::size_t cls = (size - 1) / frame_granule;
  if (cls >= frame_classes || this_thread_frame_cache_state() == frame_cache_state::gone) return ::operator new(size);
  frame_cache& cache = this_thread_frame_cache();
  if (frame_cache::free_frame* f = cache.head[cls]; f != nullptr) {
    cache.head[cls] = f->next;
    --cache.count[cls];
    return f;
  }
  return ::operator new((cls + 1) * frame_granule);
}

inline void free_frame(void* frame, std::size_t size) noexcept {
  const std::size_t cls = (size - 1) / frame_granule;
  if (cls < frame_classes && this_thread_frame_cache_state() != frame_cache_state::gone) {
    frame_cache& cache = this_thread_frame_cache();
    if (cache.count[cls] < frames_kept_per_class) {
      cache.head[cls] = new (frame) frame_cache::free_frame{cache.head[cls]};
      ++cache.count[cls];
      return;
    }
  }
  ::operator delete(frame);
}

#else

inline void* allocate_frame(std::size_t size) {
  return ::operator new(size);
}
inline void free_frame(void* frame, std::size_t) noexcept {
  ::operator delete(frame);
}

#endif

}  // namespace clockwork::detail
