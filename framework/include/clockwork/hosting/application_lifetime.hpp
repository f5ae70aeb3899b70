// clockwork::application_lifetime — the application's three notifications and its stop switch,
// the counterpart of .NET's IHostApplicationLifetime.
//
//   started()   stopped once every service has started;
//   stopping()  stopped when shutdown begins (stop_application(), a fault under the stop_host
//               policy, SIGINT/SIGTERM on real_runtime, or the token given to host::run);
//   stopped()   stopped once shutdown has finished.
// They are std::stop_token: register a std::stop_callback, or pass them to any clockwork wait.
//
//   // in a service (production and test alike):
//   auto lifetime = provider.get<clockwork::application_lifetime>();
//   std::stop_callback on_stop{lifetime->stopping(), [&] { flush_metrics(); }};
//   ...
//   lifetime->stop_application();  // idempotent
//   // production main: rt.stop_on_signals(app.lifetime().stop_source());  // SIGINT/SIGTERM
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <stop_token>

namespace clockwork {

class application_lifetime {
 public:
  std::stop_token started() const noexcept { return started_.get_token(); }
  std::stop_token stopping() const noexcept { return stopping_.get_token(); }
  std::stop_token stopped() const noexcept { return stopped_.get_token(); }

  // Asks the host to shut down. Idempotent.
  void stop_application() noexcept { stopping_.request_stop(); }
  bool stop_requested() const noexcept { return stopping_.stop_requested(); }
  // A source whose request_stop() is stop_application(): hand it to whatever should be able to
  // stop the application, e.g. real_runtime::stop_on_signals.
  std::stop_source stop_source() const noexcept { return stopping_; }

  // Called by the host.
  void notify_started() noexcept { started_.request_stop(); }
  void notify_stopped() noexcept { stopped_.request_stop(); }

 private:
  std::stop_source started_;
  std::stop_source stopping_;
  std::stop_source stopped_;
};

}  // namespace clockwork
