// The dashboard's pages over a SQLite store of 100,000 jobs, on the real clock:
//
//   dashboard/page/NAME    one GET over loopback HTTP (a keep-alive client): the request posted to
//                          the runtime's loop, the store's answer, the page rendered and sent;
//   dashboard/store/NAME   the floor: the same store calls made on the loop and waited for the
//                          same way, without HTTP or rendering.
//
// NAME: jobs_first   /jobs?state=available            (the first page of 50)
//       jobs_deep    /jobs?state=available&page=1000
//       jobs_last    /jobs?page=1999                   (the last page, any state)
//       search       /jobs?search=54347                (by id or unique key)
//       job          /jobs/54347                       (a job and its history)
//       api_jobs     /api/jobs?state=available&page=1000
//       overview     /                                 (counts over every job)
//
// The page's figure over the floor's is what HTTP and rendering add; the target is a page in under
// 200 ms. The store is made once per process (100,000 jobs enqueued in batches of 1,000; a tenth of
// them worked to succeeded), in a temporary folder removed at the end.
//
//   build/bench/bench/clockwork-bench-dashboard --benchmark_repetitions=5
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"
#include "clockwork/dashboard/dashboard.hpp"
#include "clockwork/jobs/sqlite_job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"

namespace {

namespace fs = std::filesystem;
namespace jobs = clockwork::jobs;
using clockwork::task;

std::int64_t job_count() {
  return clockwork_bench::smoke() ? 2000 : 100000;
}

// The store, the runtime's loop on a thread of its own, the dashboard: made once, on first use.
class served_store {
 public:
  served_store() {
    folder_ = fs::temp_directory_path() / ("clockwork-bench-dashboard-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    jobs::sqlite_job_store::migrate(folder_ / "jobs.db");
    store_ = std::make_shared<jobs::sqlite_job_store>(rt_, folder_ / "jobs.db");
    rt_.block_on(fill());
    server_.emplace(rt_, store_, clockwork::dashboard::dashboard_options{});
    server_->start();
    loop_ = std::thread([this] { rt_.run(); });
  }
  ~served_store() {
    server_->stop();
    rt_.request_stop();
    loop_.join();
    store_.reset();
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }

  std::uint16_t port() const { return server_->port(); }

  // A store call made on the loop and waited for, as the dashboard's request threads do.
  template <class T>
  T on_loop(std::function<task<T>()> call) {
    auto answer = std::make_shared<std::promise<T>>();
    auto done = answer->get_future();
    rt_.post([this, answer, call = std::move(call)]() mutable {
      rt_.spawn(deliver<T>(answer, std::move(call)), "bench request");
    });
    return done.get();
  }

  std::shared_ptr<jobs::sqlite_job_store> store() const { return store_; }

 private:
  template <class T>
  static task<> deliver(std::shared_ptr<std::promise<T>> answer, std::function<task<T>()> call) {
    try {
      answer->set_value(co_await call());
    } catch (...) {
      answer->set_exception(std::current_exception());
    }
  }

  task<> fill() {
    for (std::int64_t made = 0; made < job_count(); made += 1000) {
      std::vector<jobs::new_job> batch(1000);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].kind = i % 3 == 0 ? "email.send" : "report.build";
        batch[i].payload = {{"n", made + static_cast<std::int64_t>(i)}};
      }
      co_await store_->enqueue(std::move(batch));
    }
    // A tenth worked to succeeded: the other states' lists and counts are not empty.
    jobs::claim_request claim;
    claim.instance = "bench";
    claim.queues = {"default"};
    claim.kinds = {"email.send", "report.build"};
    claim.limit = static_cast<std::size_t>(std::min<std::int64_t>(1000, job_count() / 10));
    for (std::int64_t worked = 0; worked < job_count() / 10; worked += static_cast<std::int64_t>(claim.limit)) {
      const std::vector<jobs::job> claimed = co_await store_->claim(claim);
      for (const jobs::job& j : claimed) co_await store_->complete(j.fence());
    }
  }

  fs::path folder_;
  clockwork::real_runtime rt_;
  std::shared_ptr<jobs::sqlite_job_store> store_;
  std::optional<clockwork::dashboard::dashboard_server> server_;
  std::thread loop_;
};

served_store& served() {
  static served_store s;
  return s;
}

std::string middle_id() {
  return std::to_string(job_count() / 2 + job_count() / 23);  // 54347 of 100,000
}

void bm_page(benchmark::State& state, std::string path) {
  httplib::Client client("127.0.0.1", served().port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_read_timeout(60, 0);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto r = client.Get(path.c_str());
    if (!r || r->status != 200) {
      state.SkipWithError(("GET " + path + " failed").c_str());
      return;
    }
    bytes = r->body.size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void bm_store(benchmark::State& state, std::function<task<std::size_t>(jobs::job_store&)> call) {
  served();
  auto store = served().store();
  for (auto _ : state) {
    const std::size_t n = served().on_loop<std::size_t>([store, call]() { return call(*store); });
    benchmark::DoNotOptimize(n);
  }
}

jobs::job_query query(std::optional<jobs::job_state> state, std::size_t page, std::string search = {}) {
  jobs::job_query q;
  q.state = state;
  q.page = page;
  q.search = std::move(search);
  return q;
}

task<std::size_t> listed(jobs::job_store& store, jobs::job_query q) {
  co_return (co_await store.list(std::move(q))).jobs.size();
}

task<std::size_t> with_history(jobs::job_store& store, jobs::job_id id) {
  const auto j = co_await store.get(id);
  co_return (co_await store.history(id)).size() + (j ? 1 : 0);
}

task<std::size_t> counted(jobs::job_store& store) {
  co_return (co_await store.stats()).queues.size();
}

void register_all() {
  const std::int64_t last_page = (job_count() - 1) / 50;
  const auto available = jobs::job_state::available;
  struct pair {
    std::string name;
    std::string path;
    std::function<task<std::size_t>(jobs::job_store&)> floor;
  };
  const std::string id = middle_id();
  const std::size_t deep = clockwork_bench::smoke() ? 20 : 1000;
  const std::vector<pair> pages{
      {"jobs_first", "/jobs?state=available", [=](jobs::job_store& s) { return listed(s, query(available, 0)); }},
      {"jobs_deep", "/jobs?state=available&page=" + std::to_string(deep),
       [=](jobs::job_store& s) { return listed(s, query(available, deep)); }},
      {"jobs_last", "/jobs?page=" + std::to_string(last_page),
       [=](jobs::job_store& s) { return listed(s, query(std::nullopt, static_cast<std::size_t>(last_page))); }},
      {"search", "/jobs?search=" + id, [=](jobs::job_store& s) { return listed(s, query(std::nullopt, 0, id)); }},
      {"job", "/jobs/" + id, [=](jobs::job_store& s) { return with_history(s, std::stoll(id)); }},
      {"api_jobs", "/api/jobs?state=available&page=" + std::to_string(deep),
       [=](jobs::job_store& s) { return listed(s, query(available, deep)); }},
      {"overview", "/", [](jobs::job_store& s) { return counted(s); }},
  };
  for (const auto& p : pages) {
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark(("dashboard/store/" + p.name).c_str(),
                                     [f = p.floor](benchmark::State& state) { bm_store(state, f); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark(("dashboard/page/" + p.name).c_str(),
                                     [path = p.path](benchmark::State& state) { bm_page(state, path); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
  }
  benchmark::AddCustomContext("clockwork.dashboard_jobs", std::to_string(job_count()));
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
