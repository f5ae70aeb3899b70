#include "jobs_cli.hpp"

#include <CLI/CLI.hpp>

#include <ostream>
#include <stdexcept>

#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/version.hpp"
#include "jobs_commands.hpp"
#include "recurring_commands.hpp"
#include "store_url.hpp"
#include "work_command.hpp"
#ifdef CLOCKWORK_HAS_DASHBOARD
#include "dashboard_command.hpp"
#endif

namespace clockwork::cli {
namespace {

constexpr int refused = 1;
constexpr int usage = 2;

// Runs t to its end on the runtime (the caller's, or a real one of the call's own).
template <class T>
T drive(runtime* rt, task<T> t) {
  if (auto* v = dynamic_cast<virtual_runtime*>(rt)) return v->block_on(std::move(t));
  if (auto* r = dynamic_cast<real_runtime*>(rt)) return r->block_on(std::move(t));
  throw std::logic_error("clockwork-jobs: a runtime that is neither virtual nor real cannot be driven");
}

// The store's messages name the library; the command's name themselves.
std::string one_line(std::string message) {
  constexpr std::string_view library = "clockwork::jobs: ";
  if (message.rfind(library, 0) == 0) message.erase(0, library.size());
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return message;
}

struct parsed {
  std::string store;
  std::string listen_store;
  // enqueue
  enqueue_options enqueue;
  // list, stats
  std::string state;
  bool json = false;
  // retry, cancel
  std::string id;
  // work
  work_options work;
  // recurring
  recurring_add_options recurring;
  std::string name;
#ifdef CLOCKWORK_HAS_DASHBOARD
  dashboard_command_options dashboard;
#endif
};

}  // namespace

int run_jobs_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                 const jobs_cli_context& context) {
  CLI::App app{"Works a clockwork job store: migrate it, enqueue, list, count, retry, cancel, or run a worker.",
               "clockwork-jobs"};
  app.set_version_flag("--version", std::string("clockwork-jobs ") + CLOCKWORK_VERSION_STRING);
  app.require_subcommand(1, 1);
  parsed p;
  const auto with_store = [&p](CLI::App* cmd) {
    cmd->add_option(
           "--store", p.store,
           "the store: sqlite:PATH, or postgresql://... (libpq reads the password from PGPASSWORD or ~/.pgpass)")
        ->required();
    return cmd;
  };
  CLI::App* migrate = with_store(app.add_subcommand("migrate", "create the store, or upgrade its schema"));
  CLI::App* enqueue = with_store(app.add_subcommand("enqueue", "add jobs; prints their ids, one a line"));
  enqueue->add_option("kind", p.enqueue.kind, "the job's kind, such as example.sleep")->required();
  enqueue->add_option("--payload", p.enqueue.payload, "the job's payload, JSON (default {})");
  CLI::Option* in = enqueue->add_option("--in", p.enqueue.in, "due after this long, such as 30s or 5min");
  CLI::Option* at = enqueue->add_option("--at", p.enqueue.at, "due at this instant, such as 2026-06-01T09:00:00+02:00");
  in->excludes(at);
  enqueue->add_option("--queue", p.enqueue.queue, "the queue (default: default)");
  enqueue->add_option("--unique", p.enqueue.unique,
                      "a unique key: while a job with it is pending or running, no other");
  enqueue->add_option("--count", p.enqueue.count, "how many such jobs (default 1)");
  CLI::App* list = with_store(app.add_subcommand("list", "the jobs, newest first"));
  list->add_option("--state", p.state, "only jobs in this state");
  list->add_flag("--json", p.json, "a JSON array for scripts");
  CLI::App* stats = with_store(app.add_subcommand("stats", "jobs per state, counters, store totals"));
  stats->add_flag("--json", p.json, "a JSON object for scripts");
  CLI::App* retry = with_store(app.add_subcommand("retry", "make a finished job available again"));
  retry->add_option("id", p.id, "the job's id")->required();
  CLI::App* cancel = with_store(app.add_subcommand("cancel", "cancel a pending or running job"));
  cancel->add_option("id", p.id, "the job's id")->required();
#ifdef CLOCKWORK_HAS_DASHBOARD
  CLI::App* dashboard =
      with_store(app.add_subcommand("dashboard", "serve the store's web dashboard until SIGINT/SIGTERM"));
  dashboard->add_option("--listen", p.dashboard.listen, "ADDRESS:PORT (default 127.0.0.1:0: loopback, a free port)");
  dashboard->add_option("--token", p.dashboard.token,
                        "the access token every request needs (shows in ps: prefer --token-file)");
  dashboard->add_option("--token-file", p.dashboard.token_file, "a file holding the access token");
  dashboard->add_flag("--actions", p.dashboard.actions,
                      "enable retry, cancel, delete, trigger and pause/resume (needs a token)");
#endif
  CLI::App* work = with_store(app.add_subcommand("work", "run a worker serving the example kinds"));
  work->add_option("--instance", p.work.instance, "the worker's name in the store (default: worker)");
  work->add_option("--concurrency", p.work.concurrency, "jobs at once, per queue (default 10)");
  work->add_option("--lease", p.work.lease, "the lease of each claim, such as 30s (default)");
  work->add_option("--queue", p.work.queues, "a queue to work (repeatable; default: default)");
  work->add_flag("--until-empty", p.work.until_empty, "exit once nothing is pending or running under a lease");
#ifdef CLOCKWORK_HAS_DASHBOARD
  work->add_option("--dashboard", p.work.dashboard.listen,
                   "serve the dashboard inside this worker at ADDRESS:PORT (127.0.0.1:0: loopback, a free port)");
  work->add_option("--dashboard-token", p.work.dashboard.token, "the dashboard's access token");
  work->add_option("--dashboard-token-file", p.work.dashboard.token_file, "a file holding the dashboard's token");
  work->add_flag("--dashboard-actions", p.work.dashboard.actions,
                 "let the dashboard retry, cancel, delete, trigger, pause and resume (needs the token)");
#endif

  CLI::App* recurring = app.add_subcommand("recurring", "the recurring jobs: add, list, remove, trigger");
  recurring->require_subcommand(1, 1);
  CLI::App* recurring_add = with_store(recurring->add_subcommand("add", "add a recurring job, or change one"));
  recurring_add->add_option("name", p.recurring.name, "its name, unique in the store")->required();
  recurring_add->add_option("--cron", p.recurring.cron, "the schedule, such as '*/5 * * * *'")->required();
  recurring_add->add_option("--kind", p.recurring.kind, "the kind of job each occurrence enqueues")->required();
  recurring_add->add_option("--dialect", p.recurring.dialect, "cronos5 (default), cronos6 or quartz");
  recurring_add->add_option("--zone", p.recurring.zone, "the zone the schedule is read in (default UTC)");
  recurring_add->add_option("--payload", p.recurring.payload, "each job's payload, JSON (default {})");
  recurring_add->add_option("--queue", p.recurring.queue, "the queue (default: default)");
  recurring_add->add_option("--misfire", p.recurring.misfire, "relaxed (default), strict or ignorable");
  CLI::App* recurring_list = with_store(recurring->add_subcommand("list", "the recurring jobs"));
  recurring_list->add_flag("--json", p.json, "a JSON array for scripts");
  CLI::App* recurring_remove = with_store(recurring->add_subcommand("remove", "remove a recurring job"));
  recurring_remove->add_option("name", p.name, "its name")->required();
  CLI::App* recurring_trigger =
      with_store(recurring->add_subcommand("trigger", "enqueue a recurring job's job now; prints its id"));
  recurring_trigger->add_option("name", p.name, "its name")->required();

  work->add_option("--listen-store", p.listen_store,
                   "PostgreSQL: where to LISTEN for new work when --store goes through a pooler in transaction mode "
                   "(postgresql://..., straight to the server; default: --store)");

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "clockwork-jobs: " << one_line(e.what()) << " (see clockwork-jobs --help)\n";
    return usage;
  }

  try {
    store_url url = parse_store_url(p.store);
    if (!p.listen_store.empty()) {
      if (url.scheme == "sqlite" || p.listen_store.starts_with("sqlite:")) {
        // (The addresses are not repeated: a PostgreSQL one may hold a password.)
        throw usage_error(
            "--listen-store: only a PostgreSQL store listens; both --store and --listen-store must be "
            "postgresql:// addresses");
      }
      url.listen = parse_store_url(p.listen_store).text;
    }
    if (migrate->parsed()) {
      out << migrate_store(url) << "\n";
      return 0;
    }
#ifdef CLOCKWORK_HAS_DASHBOARD
    if (dashboard->parsed()) {
      p.dashboard.watch_signals = context.watch_signals;
      p.dashboard.stop = context.stop;
      return dashboard_command(url, p.dashboard, out, err);
    }
#endif
    if (work->parsed()) {
#ifdef CLOCKWORK_HAS_DASHBOARD
      p.work.with_dashboard = work->count("--dashboard") > 0;
#endif
      p.work.watch_signals = context.watch_signals;
      p.work.stop = context.stop;
      return work_command(url, p.work, out, err);
    }
    std::optional<real_runtime> own;
    runtime* rt = context.rt;
    if (!rt) rt = &own.emplace();
    const std::shared_ptr<jobs::job_store> store = open_store(url, *rt, "clockwork-jobs");
    if (recurring_add->parsed()) {
      recurring_definition_of(p.recurring);  // checked before the store is touched
      return drive(rt, recurring_add_command(*store, p.recurring, out));
    }
    if (recurring_list->parsed()) return drive(rt, recurring_list_command(*store, p.json, out));
    if (recurring_remove->parsed()) return drive(rt, recurring_remove_command(*store, p.name, out, err));
    if (recurring_trigger->parsed()) return drive(rt, recurring_trigger_command(*store, p.name, out, err));
    if (enqueue->parsed()) return drive(rt, enqueue_command(*store, p.enqueue, out, err));
    if (list->parsed()) return drive(rt, list_command(*store, p.state, p.json, out));
    if (stats->parsed()) return drive(rt, stats_command(*store, p.json, out));
    if (retry->parsed()) return drive(rt, retry_command(*store, parse_job_id(p.id), out, err));
    return drive(rt, cancel_command(*store, parse_job_id(p.id), out, err));
  } catch (const usage_error& e) {
    err << "clockwork-jobs: " << one_line(e.what()) << "\n";
    return usage;
  } catch (const std::exception& e) {
    err << "clockwork-jobs: " << one_line(e.what()) << "\n";
    return refused;
  }
}

}  // namespace clockwork::cli
