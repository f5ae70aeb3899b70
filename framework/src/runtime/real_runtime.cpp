#include "clockwork/runtime/real_runtime.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <spdlog/logger.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

namespace {

using std::chrono::nanoseconds;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), std::string("clockwork::real_runtime: ") + what);
}

// Owns one file descriptor.
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~unique_fd() { reset(); }
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

timespec to_timespec(steady_time t) noexcept {
  const auto ns = t.time_since_epoch().count();
  if (ns <= 0) return timespec{0, 1};  // zero would disarm a timerfd; this is "long past"
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

// d * factor, rounded up, saturated to [0, limit]. Durations here are never negative.
nanoseconds scale_duration(nanoseconds d, double factor, nanoseconds limit) noexcept {
  if (d.count() <= 0) return nanoseconds{0};
  const double v = std::ceil(static_cast<double>(d.count()) * factor);
  if (!(v < static_cast<double>(limit.count()))) return limit;
  return nanoseconds{static_cast<std::int64_t>(v)};
}

// The runtime's clock: the OS clocks, optionally scaled. A private type because nothing but
// real_runtime needs the conversion back to real time, and services only see clockwork::clock.
class loop_clock final : public clock {
 public:
  loop_clock(double scale, std::optional<utc_time> start_utc, const std::string& zone)
      : real_(zone.empty() ? real_clock() : real_clock(zone)),
        scale_(scale),
        scaled_(scale != 1.0),
        own_utc_(scaled_ || start_utc.has_value()),
        real_origin_(real_.steady_now()),
        utc_origin_(start_utc.value_or(real_.utc_now())) {}

  steady_time steady_now() const override {
    const steady_time real = real_.steady_now();
    if (!scaled_) return real;
    // The scaled clock starts where the real one stood at construction, so both agree on the
    // origin and a scaled deadline converts back with one multiplication.
    return real_origin_ + scale_duration(real - real_origin_, scale_, steady_time::max() - real_origin_);
  }

  utc_time utc_now() const override {
    if (!own_utc_) return real_.utc_now();
    const nanoseconds elapsed =
        scale_duration(real_.steady_now() - real_origin_, scale_, utc_time::max() - utc_origin_);
    return utc_origin_ + elapsed;
  }

  const date::time_zone& local_zone() const override { return real_.local_zone(); }

  double scale() const noexcept { return scale_; }
  // Whether utc_now() is the system's CLOCK_REALTIME (which an administrator or NTP may step).
  bool follows_system_clock() const noexcept { return !own_utc_; }

  // The CLOCK_MONOTONIC instant at which steady_now() reaches t. Rounded up, plus 1 ns, so
  // that the loop never wakes before the deadline is due in the scaled time (it would only
  // re-arm and sleep again, but there is no reason to spin).
  steady_time to_real(steady_time t) const noexcept {
    if (!scaled_) return t;
    if (t <= real_origin_) return real_origin_;
    const nanoseconds room = steady_time::max() - real_origin_ - nanoseconds{1};
    return real_origin_ + scale_duration(t - real_origin_, 1.0 / scale_, room) + nanoseconds{1};
  }

  nanoseconds to_real(nanoseconds d) const noexcept {
    if (!scaled_) return d;
    return scale_duration(d, 1.0 / scale_, nanoseconds::max());
  }

 private:
  real_clock real_;
  double scale_;
  bool scaled_;
  bool own_utc_;
  steady_time real_origin_;
  utc_time utc_origin_;
};

std::string signal_name(int signo) {
  if (const char* abbrev = ::sigabbrev_np(signo)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signo);
}

// Asynchronous signals are not the workers' business: a process-directed SIGTERM must reach
// the loop's signalfd (or the default action), never a worker that happens to be running.
void block_async_signals_on_this_thread() noexcept {
  sigset_t set;
  ::sigfillset(&set);
  for (int sync : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) ::sigdelset(&set, sync);
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

constexpr std::uint32_t wake_tag = 1;
constexpr std::uint32_t timer_tag = 2;
constexpr std::uint32_t signal_tag = 3;
constexpr std::uint32_t realtime_tag = 4;

// A CLOCK_REALTIME timer far in the future whose only purpose is TFD_TIMER_CANCEL_ON_SET: the
// kernel cancels it — read() fails with ECANCELED — whenever the system clock is set or stepped.
void arm_realtime_watch(int fd) {
  itimerspec spec{};
  spec.it_value.tv_sec = std::numeric_limits<time_t>::max() / 2;
  if (::timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0) {
    throw_errno("timerfd_settime (CLOCK_REALTIME watch)");
  }
}

// While ready work keeps the loop busy, it still looks at its file descriptors (inbox, signals)
// once every this many batches, so that a busy loop cannot starve other threads or a SIGTERM.
constexpr unsigned poll_every_batches = 64;

}  // namespace

// What another thread asks of the loop.
struct inbox_message {
  enum class kind : std::uint8_t { call, cancel, shared_stop, offload_done };
  kind what;
  std::function<void()> fn{};                 // call
  detail::timed_wait* wait = nullptr;         // cancel
  detail::stop_registrations::ticket stop{};  // shared_stop
  detail::offload_job* job = nullptr;         // offload_done
};

struct real_runtime::state {
  state(const real_runtime_options& options, real_runtime* owner)
      : clock(options.time_scale, options.start_utc, options.local_zone),
        offload_threads(options.offload_threads),
        registrations(&real_runtime::defer_shared_stop, owner) {}

  loop_clock clock;

  unique_fd epoll_fd;
  unique_fd wake_fd;
  unique_fd timer_fd;
  unique_fd signal_fd;
  unique_fd realtime_fd;  // notices steps of the system clock (only when utc_now() follows it)

  nanoseconds allowance{0};  // real_timing_allowance, scaled

  // --- loop thread only ---
  std::uint64_t timers_fired = 0;
  nanoseconds max_lateness{0};
  nanoseconds total_lateness{0};
  std::optional<steady_time> armed;  // the real deadline in timer_fd, until it expires
  bool precise_timeouts = true;      // epoll_pwait2 available (Linux 5.11+)
  unsigned busy_batches = 0;
  std::vector<inbox_message> batch;  // the inbox being processed (kept to reuse its storage)
  std::optional<std::stop_source> signal_source;
  sigset_t newly_blocked{};
  std::thread::id signal_thread;

  // --- shared between threads ---
  std::atomic<bool> running{false};
  // The thread inside run()/block_on(); no thread while none is. Other threads, and every
  // thread between runs, go through the inbox: only the loop touches the base's queues.
  std::atomic<std::thread::id> loop_thread{};
  std::atomic<bool> stop_requested{false};
  // True while a wake-up is written to wake_fd and not yet taken in by the loop: later wakers
  // skip the syscall. seq_cst throughout, so that a stop request whose waker skipped the write
  // is still seen by the loop's next check (request, skip, clear and check are totally ordered).
  std::atomic<bool> wake_pending{false};
  // Cancellations in the inbox: lets forget_wait skip the lock in the common case.
  std::atomic<std::size_t> queued_cancels{0};
  // Stops of shared registrations in the inbox: the loop reads its inbox before firing timers
  // while there are some, so that a stop requested before a deadline passed wins over it.
  std::atomic<std::size_t> queued_shared_stops{0};

  // Guards the inbox and the worker pool together: a worker finishing a job and queuing its
  // completion is one step, so forget_offload can never see the job neither running nor queued
  // for the loop.
  std::mutex mutex;
  std::vector<inbox_message> inbox;
  std::condition_variable work_cv;  // a job was queued, or the pool is stopping
  std::condition_variable done_cv;  // a job finished running
  std::deque<detail::offload_job*> jobs;
  std::vector<detail::offload_job*> running_jobs;
  bool pool_stopping = false;

  std::size_t offload_threads;
  std::vector<std::thread> workers;  // started by the loop on first offload, joined on destruction

  // The stop callbacks the waits share, one per token; a stop requested on another thread comes
  // to the loop through the inbox. Last, so destroyed first: a callback that handed its stop to
  // the inbox may still be returning on its thread (waking the loop), and destroying it waits for
  // that while the inbox, its mutex and the wake-up descriptor still exist.
  detail::stop_registrations registrations;
};

real_runtime::real_runtime(const real_runtime_options& options) : runtime(options) {
  if (!(options.time_scale >= real_runtime_options::min_time_scale &&
        options.time_scale <= real_runtime_options::max_time_scale)) {
    char message[160];
    std::snprintf(message, sizeof message, "clockwork::real_runtime: time_scale must be in [%g, %g], got %.6g",
                  real_runtime_options::min_time_scale, real_runtime_options::max_time_scale, options.time_scale);
    throw std::invalid_argument(message);
  }
  if (options.offload_threads == 0) {
    throw std::invalid_argument("clockwork::real_runtime: offload_threads must be at least 1");
  }
  if (options.real_timing_allowance.count() < 0) {
    throw std::invalid_argument("clockwork::real_runtime: real_timing_allowance must not be negative");
  }
  state_ = std::make_unique<state>(options, this);
  share_stop_registrations(&state_->registrations);
  if (options.logger) set_logger(options.logger);
  measure_slices();
  random_.seed((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}());
  const double allowance = static_cast<double>(options.real_timing_allowance.count()) * options.time_scale;
  state_->allowance = allowance < 9.2e18 ? nanoseconds{static_cast<std::int64_t>(allowance)} : nanoseconds::max();

  state& s = *state_;
  s.epoll_fd = unique_fd{::epoll_create1(EPOLL_CLOEXEC)};
  if (!s.epoll_fd) throw_errno("epoll_create1");
  s.wake_fd = unique_fd{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
  if (!s.wake_fd) throw_errno("eventfd");
  s.timer_fd = unique_fd{::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)};
  if (!s.timer_fd) throw_errno("timerfd_create");
  for (auto [fd, tag] : {std::pair{s.wake_fd.get(), wake_tag}, std::pair{s.timer_fd.get(), timer_tag}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = tag;
    if (::epoll_ctl(s.epoll_fd.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("epoll_ctl");
  }
  if (s.clock.follows_system_clock()) {
    // Wall-clock waits (delay_until_utc) are re-evaluated when the system clock is stepped.
    s.realtime_fd = unique_fd{::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC)};
    if (!s.realtime_fd) throw_errno("timerfd_create (CLOCK_REALTIME)");
    arm_realtime_watch(s.realtime_fd.get());
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = realtime_tag;
    if (::epoll_ctl(s.epoll_fd.get(), EPOLL_CTL_ADD, s.realtime_fd.get(), &ev) != 0) throw_errno("epoll_ctl");
  }
}

real_runtime::~real_runtime() {
  // Frames first, while everything they may call back into exists: a wait whose cancellation
  // is queued removes it (forget_wait), an offload still on a worker is waited for
  // (forget_offload).
  shutdown_tasks();

  state& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.pool_stopping = true;
  }
  s.work_cv.notify_all();
  for (auto& worker : s.workers) worker.join();
  {
    // Whatever is left (posts nobody will run, completions of jobs whose frames are gone) is
    // dropped unread.
    std::lock_guard lock(s.mutex);
    s.inbox.clear();
  }

  if (s.signal_fd) {
    // Consume what already arrived, so that unblocking below cannot deliver it with its
    // default action (terminating the process) after the loop has gone.
    read_signals(/*request=*/false);
    ::epoll_ctl(s.epoll_fd.get(), EPOLL_CTL_DEL, s.signal_fd.get(), nullptr);
    s.signal_fd.reset();
    if (std::this_thread::get_id() == s.signal_thread) {
      ::pthread_sigmask(SIG_UNBLOCK, &s.newly_blocked, nullptr);
    } else {
      logger()->warn(
          "real_runtime destroyed on another thread than the one that called stop_on_signals: its signal mask "
          "stays as it is");
    }
  }
}

const clockwork::clock& real_runtime::clock() const noexcept {
  return state_->clock;
}

double real_runtime::time_scale() const noexcept {
  return state_->clock.scale();
}

std::chrono::nanoseconds real_runtime::timing_allowance() const noexcept {
  return state_->allowance;
}

real_runtime_stats real_runtime::stats() const noexcept {
  real_runtime_stats out;
  out.timers_fired = state_->timers_fired;
  out.max_timer_lateness = state_->max_lateness;
  const double scaled = static_cast<double>(longest_slice().count()) * time_scale();
  out.longest_slice = scaled < 9.2e18 ? nanoseconds{static_cast<std::int64_t>(scaled)} : nanoseconds::max();
  out.total_timer_lateness = state_->total_lateness;
  const double scaled_total = static_cast<double>(total_slice_time().count()) * time_scale();
  out.total_slices = scaled_total < 9.2e18 ? nanoseconds{static_cast<std::int64_t>(scaled_total)} : nanoseconds::max();
  return out;
}

void real_runtime::reset_stats() noexcept {
  state_->timers_fired = 0;
  state_->max_lateness = nanoseconds{0};
  state_->total_lateness = nanoseconds{0};
  reset_longest_slice();
}

bool real_runtime::on_loop_thread() const noexcept {
  return std::this_thread::get_id() == state_->loop_thread.load(std::memory_order_acquire);
}

void real_runtime::wake() noexcept {
  state& s = *state_;
  if (s.wake_pending.exchange(true, std::memory_order_seq_cst)) return;
  const std::uint64_t one = 1;
  // Cannot fail short of the counter overflowing, which takes 2^64 - 1 unread wake-ups.
  [[maybe_unused]] const auto written = ::write(s.wake_fd.get(), &one, sizeof one);
}

void real_runtime::post(std::function<void()> fn) {
  if (!fn) throw std::invalid_argument("clockwork::real_runtime::post: empty function");
  if (on_loop_thread()) {
    enqueue_posted(std::move(fn));
    return;
  }
  state& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.inbox.push_back({.what = inbox_message::kind::call, .fn = std::move(fn)});
  }
  wake();
}

void real_runtime::request_stop() noexcept {
  state_->stop_requested.store(true, std::memory_order_seq_cst);
  wake();
}

void real_runtime::cancel_wait(detail::timed_wait& wait) {
  // The stop callback already won the race against the timer (timed_wait::try_complete); what
  // is left is to disarm and resume, which only the loop may do.
  if (on_loop_thread()) {
    runtime::cancel_wait(wait);
    return;
  }
  state& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.inbox.push_back({.what = inbox_message::kind::cancel, .wait = &wait});
    s.queued_cancels.fetch_add(1, std::memory_order_release);
  }
  wake();
}

bool real_runtime::defer_shared_stop(void* context, detail::stop_registrations::ticket stop) noexcept {
  auto& self = *static_cast<real_runtime*>(context);
  // On the loop the callback cancels the waits itself, at once, as their own callbacks would.
  if (self.on_loop_thread()) return false;
  state& s = *self.state_;
  {
    std::lock_guard lock(s.mutex);
    s.inbox.push_back({.what = inbox_message::kind::shared_stop, .stop = stop});
    s.queued_shared_stops.fetch_add(1, std::memory_order_release);
  }
  self.wake();
  return true;
}

void real_runtime::forget_wait(detail::timed_wait& wait) noexcept {
  // The stop callback that queued a cancellation has returned before the wait's destructor
  // gets here (std::stop_callback's destructor waits for it), so a queued message is counted.
  state& s = *state_;
  if (s.queued_cancels.load(std::memory_order_acquire) == 0) return;
  std::lock_guard lock(s.mutex);
  const auto removed = std::erase_if(
      s.inbox, [&wait](const inbox_message& m) { return m.what == inbox_message::kind::cancel && m.wait == &wait; });
  s.queued_cancels.fetch_sub(removed, std::memory_order_relaxed);
}

void real_runtime::submit_offload(detail::offload_job& job) {
  state& s = *state_;
  if (s.workers.empty()) start_workers();
  {
    std::lock_guard lock(s.mutex);
    s.jobs.push_back(&job);
  }
  s.work_cv.notify_one();
}

void real_runtime::forget_offload(detail::offload_job& job) noexcept {
  state& s = *state_;
  std::unique_lock lock(s.mutex);
  if (auto it = std::find(s.jobs.begin(), s.jobs.end(), &job); it != s.jobs.end()) {
    s.jobs.erase(it);  // never started: nothing else refers to it
    return;
  }
  // Running on a worker: it writes its result into the frame being destroyed, so wait.
  s.done_cv.wait(lock,
                 [&] { return std::find(s.running_jobs.begin(), s.running_jobs.end(), &job) == s.running_jobs.end(); });
  std::erase_if(
      s.inbox, [&job](const inbox_message& m) { return m.what == inbox_message::kind::offload_done && m.job == &job; });
}

void real_runtime::start_workers() {
  state& s = *state_;
  s.workers.reserve(s.offload_threads);
  for (std::size_t i = 0; i < s.offload_threads; ++i) s.workers.emplace_back([this] { worker_main(); });
}

void real_runtime::worker_main() noexcept {
  block_async_signals_on_this_thread();
  state& s = *state_;
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.work_cv.wait(lock, [&s] { return s.pool_stopping || !s.jobs.empty(); });
    if (s.jobs.empty()) return;  // stopping, and nothing left to run
    detail::offload_job* job = s.jobs.front();
    s.jobs.pop_front();
    s.running_jobs.push_back(job);
    lock.unlock();
    job->run();  // never throws: the awaitable keeps the exception for its awaiter
    lock.lock();
    std::erase(s.running_jobs, job);
    s.inbox.push_back({.what = inbox_message::kind::offload_done, .job = job});
    s.done_cv.notify_all();
    lock.unlock();
    wake();
    lock.lock();
  }
}

void real_runtime::work(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::real_runtime::work: negative duration " + format_duration(d));
  }
  if (d.count() > 0) {
    // An absolute deadline, so that an interruption by a signal does not lengthen the sleep.
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const steady_time start{std::chrono::seconds(now.tv_sec) + nanoseconds(now.tv_nsec)};
    const nanoseconds real = state_->clock.to_real(d);
    const steady_time end = real < steady_time::max() - start ? start + real : steady_time::max();
    const timespec target = to_timespec(end);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nullptr) == EINTR) {
    }
    add_slice_blocked_real(real);  // on purpose: not the machine's distortion
  }
  add_slice_work(d);
}

void real_runtime::stop_on_signals(std::stop_source source, std::initializer_list<int> signals) {
  state& s = *state_;
  if (s.signal_fd) throw std::logic_error("clockwork::real_runtime::stop_on_signals: already watching signals");
  if (signals.size() == 0) throw std::invalid_argument("clockwork::real_runtime::stop_on_signals: no signals given");
  sigset_t set;
  ::sigemptyset(&set);
  for (int signo : signals) {
    if (::sigaddset(&set, signo) != 0) {
      throw std::invalid_argument("clockwork::real_runtime::stop_on_signals: invalid signal " + std::to_string(signo));
    }
  }
  sigset_t previous;
  if (const int rc = ::pthread_sigmask(SIG_BLOCK, &set, &previous); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "clockwork::real_runtime: pthread_sigmask");
  }
  // Only what this call blocked is unblocked later: a signal the thread already blocked stays
  // blocked.
  ::sigemptyset(&s.newly_blocked);
  for (int signo : signals) {
    if (::sigismember(&previous, signo) == 0) ::sigaddset(&s.newly_blocked, signo);
  }
  s.signal_thread = std::this_thread::get_id();
  unique_fd fd{::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)};
  if (!fd) {
    const int error = errno;
    ::pthread_sigmask(SIG_UNBLOCK, &s.newly_blocked, nullptr);
    throw std::system_error(error, std::generic_category(), "clockwork::real_runtime: signalfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = signal_tag;
  if (::epoll_ctl(s.epoll_fd.get(), EPOLL_CTL_ADD, fd.get(), &ev) != 0) {
    const int error = errno;
    ::pthread_sigmask(SIG_UNBLOCK, &s.newly_blocked, nullptr);
    throw std::system_error(error, std::generic_category(), "clockwork::real_runtime: epoll_ctl");
  }
  s.signal_fd = std::move(fd);
  s.signal_source = std::move(source);
}

void real_runtime::read_signals(bool request) {
  state& s = *state_;
  signalfd_siginfo info{};
  while (::read(s.signal_fd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const int signo = static_cast<int>(info.ssi_signo);
    if (!request) {
      logger()->info("received {} while shutting down: ignored", signal_name(signo));
      continue;
    }
    logger()->info("received {}: requesting stop", signal_name(signo));
    // Stop callbacks run here, on the loop thread; waits cancelled by them resume on the loop.
    if (s.signal_source) s.signal_source->request_stop();
  }
}

// ---- the loop ----------------------------------------------------------------------------

void real_runtime::run() {
  drive(nullptr);
}

bool real_runtime::finished(const bool* done) const noexcept {
  if (done != nullptr) return *done;
  return state_->stop_requested.load(std::memory_order_seq_cst);
}

void real_runtime::drive(const bool* done) {
  state& s = *state_;
  if (s.running.exchange(true, std::memory_order_acq_rel)) {
    throw std::logic_error("clockwork::real_runtime: run() or block_on() is already running (loops never nest)");
  }
  // Timer slack is per thread: 1 ns while this thread is the loop, the previous value after.
  struct loop_guard {
    state& s;
    int previous_slack;
    ~loop_guard() {
      if (previous_slack > 0) ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(previous_slack));
      s.loop_thread.store(std::thread::id{}, std::memory_order_release);
      s.running.store(false, std::memory_order_release);
    }
  } guard{s, ::prctl(PR_GET_TIMERSLACK)};
  ::prctl(PR_SET_TIMERSLACK, 1UL);
  s.loop_thread.store(std::this_thread::get_id(), std::memory_order_release);

  // Take in what other threads sent while no loop ran, before running anything.
  poll(false);
  while (!finished(done) && !fire_due_timers(done) && !run_ready_batch(done)) {
    if (!has_ready()) {
      s.busy_batches = 0;
      poll(true);
    } else if (++s.busy_batches >= poll_every_batches) {
      s.busy_batches = 0;
      poll(false);
    }
  }
  // run() consumed the stop request; requests made meanwhile meant the same thing.
  if (done == nullptr) s.stop_requested.store(false, std::memory_order_release);
}

bool real_runtime::fire_due_timers(const bool* done) {
  state& s = *state_;
  // A stop requested on another thread reached the inbox, not yet the waits it cancels: read it
  // first, so that a timer due now does not complete a wait its stop came before.
  if (s.queued_shared_stops.load(std::memory_order_acquire) != 0) drain_inbox();
  auto next = next_deadline();
  if (!next) return false;
  // One reading of the clock: timers that come due while these fire wait for the next round,
  // so a long run of timers cannot keep the loop from its inbox.
  const steady_time current = now();
  if (current == steady_time::max()) {
    // Only a scaled clock gets here (292 years of its time): no deadline could ever pass again.
    throw std::overflow_error("clockwork::real_runtime: the scaled clock reached the end of its range (time_scale " +
                              std::to_string(time_scale()) + "); no timer can fire any more");
  }
  while (next && *next <= current) {
    ++s.timers_fired;
    if (current - *next > s.max_lateness) s.max_lateness = current - *next;
    s.total_lateness = saturating_add(s.total_lateness, current - *next);
    fire_next_timer();
    if (finished(done)) return true;
    next = next_deadline();
  }
  return false;
}

bool real_runtime::run_ready_batch(const bool* done) {
  // One batch: what is ready now. What it readies runs in the next batch, after the loop had a
  // chance to fire timers and, now and then, to read its inbox.
  for (std::size_t n = ready_count(); n > 0 && has_ready(); --n) {
    run_one_ready(/*in_run=*/true);
    if (finished(done)) {
      end_slice_run();
      return true;
    }
  }
  // What the loop does next (wait for events, fire timers) takes time no slice should own.
  end_slice_run();
  return false;
}

void real_runtime::poll(bool may_block) {
  state& s = *state_;
  epoll_event events[4];
  int n = 0;
  std::optional<steady_time> real_deadline;
  bool wait_forever = false;
  if (may_block) {
    if (auto next = next_deadline()) {
      if (*next > now()) real_deadline = s.clock.to_real(*next);
    } else {
      wait_forever = true;
    }
  }
  // Short waits sleep in epoll_pwait2: an hrtimer woken without a timerfd's wait queue, measurably
  // less late (see docs/benchmarks.md). But the kernel lets a poll-family timeout expire up to
  // 0.1% late (select_estimate_accuracy: the thread's timer slack is only the floor), so a
  // 1-hour wait may end 3.6 s late; from 20 ms on (20 µs of that slack) the loop arms its
  // timerfd at the absolute deadline instead, which the kernel fires with no slack added.
  constexpr std::int64_t longest_precise_wait_ns = 20'000'000;
  std::int64_t left_ns = 0;
  if (real_deadline) {
    left_ns = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::nanoseconds>(*real_deadline - std::chrono::steady_clock::now())
               .count());
  }
  if (real_deadline && s.precise_timeouts && left_ns <= longest_precise_wait_ns) {
    const auto ns = left_ns;
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    n = ::epoll_pwait2(s.epoll_fd.get(), events, 4, &timeout, nullptr);
    if (n < 0 && errno == ENOSYS) {
      s.precise_timeouts = false;  // kernel before 5.11: fall back to the timerfd
      return;
    }
  } else {
    int timeout_ms = may_block && wait_forever ? -1 : 0;
    if (real_deadline) {
      timeout_ms = -1;
      if (s.armed != *real_deadline) {
        itimerspec spec{};
        spec.it_value = to_timespec(*real_deadline);
        if (::timerfd_settime(s.timer_fd.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0) throw_errno("timerfd_settime");
        s.armed = *real_deadline;
      }
    } else if (may_block && s.armed) {
      const itimerspec disarm{};
      ::timerfd_settime(s.timer_fd.get(), 0, &disarm, nullptr);
      s.armed.reset();
    }
    n = ::epoll_wait(s.epoll_fd.get(), events, 4, timeout_ms);
  }
  if (n < 0) {
    if (errno == EINTR) return;
    throw_errno("epoll_wait");
  }
  for (int i = 0; i < n; ++i) {
    switch (events[i].data.u32) {
      case wake_tag: {
        // Read, then clear the flag, then drain. A waker that found the flag set before it was
        // cleared pushed its message before that, so the drain sees it; a waker after it writes
        // again. (Clearing before the read would let the read swallow a write whose waker then
        // left the flag set, and every later waker would skip its write: a lost wake-up.)
        std::uint64_t count = 0;
        [[maybe_unused]] const auto got = ::read(s.wake_fd.get(), &count, sizeof count);
        s.wake_pending.store(false, std::memory_order_seq_cst);
        drain_inbox();
        break;
      }
      case timer_tag: {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const auto got = ::read(s.timer_fd.get(), &expirations, sizeof expirations);
        s.armed.reset();  // expired: the next deadline must be written again, even if equal
        break;
      }
      case signal_tag: read_signals(/*request=*/true); break;
      case realtime_tag: system_clock_stepped(); break;
      default: break;
    }
  }
}

void real_runtime::system_clock_stepped() {
  state& s = *state_;
  std::uint64_t expirations = 0;
  const auto got = ::read(s.realtime_fd.get(), &expirations, sizeof expirations);
  if (got < 0 && errno == ECANCELED) {
    arm_realtime_watch(s.realtime_fd.get());  // the cancellation disarmed it
    logger()->info("the system clock was set or stepped: re-evaluating wall-clock waits");
    wall_clock_moved();
    if (auto* obs = observer()) {
      const utc_time now_utc = clock().stamp_utc();
      obs->on_wall_clock_changed(
          {wall_clock_change::kind::set, now_utc, now_utc, "the system clock was set or stepped"});
    }
  }
}

void real_runtime::drain_inbox() {
  state& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.batch.swap(s.inbox);
    s.queued_cancels.store(0, std::memory_order_relaxed);
    s.queued_shared_stops.store(0, std::memory_order_relaxed);
  }
  // Nothing below runs a coroutine or user code that could destroy a frame, so every wait and
  // job named in the batch is alive until the batch is done (forget_wait and forget_offload
  // only ever look at the inbox).
  for (inbox_message& m : s.batch) {
    switch (m.what) {
      case inbox_message::kind::call: enqueue_posted(std::move(m.fn)); break;
      case inbox_message::kind::cancel: m.wait->cancel_on_loop(); break;
      case inbox_message::kind::shared_stop: s.registrations.deliver(m.stop); break;
      case inbox_message::kind::offload_done: {
        // Cleared so that the awaitable's destructor knows nothing is in flight any more.
        const std::coroutine_handle<> continuation = std::exchange(m.job->continuation, {});
        make_ready(continuation, m.job->owner);
        break;
      }
    }
  }
  s.batch.clear();
}

}  // namespace clockwork
