// The real-time tick loops that the lateness, drift and CPU-per-tick benchmarks compare. Each
// contender runs the same plan — N ticks of a period, optional busy work after each tick — and
// logs, for every tick, the deadline it asked for and the instant it woke up, both read from
// std::chrono::steady_clock (CLOCK_MONOTONIC) by the same code in every contender.
//
// Contenders (baselines first; their code is all here, to read):
//   nanosleep_slack1   clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) with the thread's timer
//                      slack set to 1 ns (prctl PR_SET_TIMERSLACK): the floor for a sleeping
//                      thread, what real_runtime's lateness is quoted against.
//   nanosleep_default  the same with the kernel's default slack (50 µs): reference only.
//   timerfd            timerfd_settime(TFD_TIMER_ABSTIME) + a blocking read().
//   asio               standalone asio steady_timer awaited from a C++20 coroutine
//                      (asio::awaitable, co_spawn, one io_context with concurrency hint 1, the
//                      single-threaded configuration asio recommends).
//   clockwork_delay    real_runtime, co_await rt.delay_until(deadline) (or rt.delay(period)).
//   clockwork_periodic real_runtime, periodic_timer::next_tick.
//
// Schedules: `absolute` asks for origin + k·period (phase-aligned: a late tick does not move
// the next one); relative asks for "period after I finished my work", which is what a
// `while { work; delay(period) }` loop does and why it drifts.
//
// Timer slack is per thread and inherited by nothing; every contender starts from the kernel
// default (default_slack_scope) so that none runs with a setting another left behind. Those
// that set it (nanosleep_slack1, and real_runtime inside its loop) do so themselves.
#pragma once

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "bench_common.hpp"

#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/task.hpp"

namespace clockwork_bench {

struct tick_plan {
  nanos period{std::chrono::milliseconds(1)};
  int ticks = 1000;
  bool absolute = true;
  nanos work{0};  // busy work after each tick (busy_for), identical for every contender
};

// For tick k (1-based), deadline[k-1] is what the contender asked for and wake[k-1] when it
// ran again. origin is the start of the schedule: the ideal instant of tick k is
// origin + k·period.
struct tick_log {
  std::int64_t origin = 0;
  std::vector<std::int64_t> deadline;
  std::vector<std::int64_t> wake;
  // Waits that ended in operation_canceled although nothing ever requested stop (none of these
  // loops has a stop token). Counted and reported, never hidden: it is a defect of the
  // contender, and the loop waits again so that the run still has its ticks.
  std::int64_t canceled_without_stop = 0;

  void reserve(int n) {
    deadline.reserve(static_cast<std::size_t>(n));
    wake.reserve(static_cast<std::size_t>(n));
  }
  // wake - deadline: how late the OS / runtime woke us up.
  std::vector<double> lateness() const {
    std::vector<double> out(wake.size());
    for (std::size_t i = 0; i < wake.size(); ++i) out[i] = static_cast<double>(wake[i] - deadline[i]);
    return out;
  }
  // How far each tick is from the ideal schedule origin + j·period. A relative schedule has
  // no grid of its own: its tick k stands for j = k, so every late wake-up and every piece of
  // work pushes all later ticks back. An absolute schedule asks for grid points: its tick
  // stands for the grid point it asked for. That is j = k unless ticks were coalesced (a
  // periodic_timer folds ticks missed by more than a period into one, as .NET's does); those
  // are counted by coalesced(), not as drift.
  std::vector<double> drift(nanos period, bool absolute) const {
    std::vector<double> out(wake.size());
    for (std::size_t i = 0; i < wake.size(); ++i) {
      const auto ideal = absolute ? deadline[i] : origin + static_cast<std::int64_t>(i + 1) * period.count();
      out[i] = static_cast<double>(wake[i] - ideal);
    }
    return out;
  }
  // Grid points skipped by an absolute schedule (0 for one that never coalesces).
  std::int64_t coalesced(nanos period) const {
    if (deadline.empty()) return 0;
    return (deadline.back() - origin) / period.count() - static_cast<std::int64_t>(deadline.size());
  }
};

inline std::int64_t steady_ns() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

inline timespec to_timespec(std::int64_t ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

// ---- clock_nanosleep ---------------------------------------------------------------------

inline tick_log run_nanosleep(const tick_plan& plan, unsigned long slack_ns) {
  default_slack_scope restore;
  if (slack_ns != 0) set_timer_slack(slack_ns);
  tick_log log;
  log.reserve(plan.ticks);
  log.origin = steady_ns();
  std::int64_t deadline = log.origin;
  for (int k = 1; k <= plan.ticks; ++k) {
    deadline = plan.absolute ? log.origin + k * plan.period.count() : steady_ns() + plan.period.count();
    const timespec ts = to_timespec(deadline);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
    log.wake.push_back(steady_ns());
    log.deadline.push_back(deadline);
    busy_for(plan.work);
  }
  return log;
}
inline tick_log run_nanosleep_slack1(const tick_plan& plan) {
  return run_nanosleep(plan, 1);
}
inline tick_log run_nanosleep_default(const tick_plan& plan) {
  return run_nanosleep(plan, 0);
}

// ---- timerfd -----------------------------------------------------------------------------

inline tick_log run_timerfd(const tick_plan& plan) {
  default_slack_scope restore;
  const int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  tick_log log;
  log.reserve(plan.ticks);
  log.origin = steady_ns();
  for (int k = 1; k <= plan.ticks; ++k) {
    const std::int64_t deadline =
        plan.absolute ? log.origin + k * plan.period.count() : steady_ns() + plan.period.count();
    itimerspec spec{};
    spec.it_value = to_timespec(deadline);
    if (::timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
      ::close(fd);
      throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
    std::uint64_t expirations = 0;
    while (::read(fd, &expirations, sizeof expirations) < 0 && errno == EINTR) {
    }
    log.wake.push_back(steady_ns());
    log.deadline.push_back(deadline);
    busy_for(plan.work);
  }
  ::close(fd);
  return log;
}

// ---- asio --------------------------------------------------------------------------------

inline asio::awaitable<void> asio_tick_loop(asio::steady_timer& timer, const tick_plan& plan, tick_log& log) {
  using clock = std::chrono::steady_clock;
  const clock::time_point origin{nanos(log.origin)};
  for (int k = 1; k <= plan.ticks; ++k) {
    if (plan.absolute) {
      timer.expires_at(origin + k * plan.period);
    } else {
      timer.expires_after(plan.period);
    }
    const std::int64_t deadline = timer.expiry().time_since_epoch().count();
    co_await timer.async_wait(asio::use_awaitable);
    log.wake.push_back(steady_ns());
    log.deadline.push_back(deadline);
    busy_for(plan.work);
  }
}

inline tick_log run_asio(const tick_plan& plan) {
  default_slack_scope restore;
  asio::io_context io{1};
  asio::steady_timer timer{io};
  tick_log log;
  log.reserve(plan.ticks);
  log.origin = steady_ns();
  asio::co_spawn(io, asio_tick_loop(timer, plan, log), asio::detached);
  io.run();
  return log;
}

// ---- clockwork real_runtime --------------------------------------------------------------

inline clockwork::task<> clockwork_delay_loop(clockwork::runtime& rt, const tick_plan& plan, tick_log& log) {
  const clockwork::steady_time origin{nanos(log.origin)};
  for (int k = 1; k <= plan.ticks; ++k) {
    auto wait = plan.absolute ? rt.delay_until(origin + k * plan.period) : rt.delay(plan.period);
    const std::int64_t deadline = wait.deadline.time_since_epoch().count();
    co_await wait;
    log.wake.push_back(steady_ns());
    log.deadline.push_back(deadline);
    busy_for(plan.work);
  }
}

// A periodic timer is phase-aligned by definition: plan.absolute does not apply.
inline clockwork::task<> clockwork_periodic_loop(clockwork::runtime& rt, const tick_plan& plan, tick_log& log) {
  clockwork::periodic_timer timer{rt, plan.period, "bench"};
  log.origin = (timer.next_due() - plan.period).time_since_epoch().count();
  for (int k = 1; k <= plan.ticks;) {
    const std::int64_t deadline = timer.next_due().time_since_epoch().count();
    auto tick = timer.next_tick();
    bool ticked = false;
    try {
      ticked = co_await tick;
    } catch (const clockwork::operation_canceled&) {
      ++log.canceled_without_stop;
      continue;
    }
    if (!ticked) break;
    log.wake.push_back(steady_ns());
    log.deadline.push_back(deadline);
    busy_for(plan.work);
    ++k;
  }
}

inline clockwork::real_runtime_options real_options() {
  clockwork::real_runtime_options options;
  // 200 µs of busy work per tick is the point of the drift benchmark, not a mistake; the
  // budgets stay at their defaults (100 ms watchdog, 50 ms modeled work) either way.
  return options;
}

inline tick_log run_clockwork_delay(const tick_plan& plan) {
  default_slack_scope restore;
  clockwork::real_runtime rt{real_options()};
  tick_log log;
  log.reserve(plan.ticks);
  log.origin = steady_ns();
  rt.block_on(clockwork_delay_loop(rt, plan, log));
  return log;
}

inline tick_log run_clockwork_periodic(const tick_plan& plan) {
  default_slack_scope restore;
  clockwork::real_runtime rt{real_options()};
  tick_log log;
  log.reserve(plan.ticks);
  rt.block_on(clockwork_periodic_loop(rt, plan, log));
  return log;
}

}  // namespace clockwork_bench
