// What every GPU Watchdog daemon shares: the exporter endpoints and the signal loop.
#ifndef GW_HTTP_DAEMON_H_
#define GW_HTTP_DAEMON_H_

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "common/cli.h"
#include "common/signals.h"
#include "common/status.h"
#include "http/http_types.h"
#include "http/server.h"
#include "metrics/exposition_cache.h"

namespace gw::http {

// A started daemon, as main() sees it.
class Daemon {
 public:
  virtual ~Daemon() = default;
  virtual uint16_t port() const = 0;
  // SIGHUP: re-reads configuration, keeping the old one when the new one is invalid.
  virtual Status Reload() = 0;
  // Stops serving (finishing in-flight requests) and stops background threads.
  virtual void Shutdown() = 0;
};

// The endpoints of an exporter: /metrics from `cache` (Prometheus text or OpenMetrics as the
// Accept header asks, gzip when accepted), /healthz, and an index page at / titled `title`.
// Anything else is 404.
Response ServeExporter(const Request& request, metrics::ExpositionCache& cache,
                       std::string_view title);

// The body of a daemon's main() after its flags are parsed: prints a flag error (exit 2) or the
// --help/--version text (exit 0), sets up logging, calls `start`, and runs until terminated.
// A start failure exits 2 for kInvalidArgument (bad config) and 1 otherwise.
// `malloc_arenas` > 0 caps glibc's malloc arenas (1 suits the exporters: little allocation,
// lowest RSS); 0 leaves glibc's default, for daemons that allocate from many threads (the hub).
int RunDaemonMain(std::string_view program, const SignalWaiter& signals, const Status& flags_status,
                  const std::optional<std::string>& exit_message, const DaemonFlags& flags,
                  const std::function<StatusOr<std::unique_ptr<Daemon>>()>& start,
                  int malloc_arenas = 1);

// Starts the HTTP server of an exporter: the daemon flags' address, web config and connection
// cap, serving ServeExporter(request, cache, title). `cache` must outlive the server.
StatusOr<std::unique_ptr<Server>> StartExporterServer(const DaemonFlags& flags,
                                                      metrics::ExpositionCache& cache,
                                                      std::string title);

// Adapts `T::Start(options)` (returning StatusOr<std::unique_ptr<T>>, T a Daemon) to the
// `start` argument of RunDaemonMain.
template <typename T, typename Options>
std::function<StatusOr<std::unique_ptr<Daemon>>()> Starter(const Options& options) {
  return [&options]() -> StatusOr<std::unique_ptr<Daemon>> {
    GW_ASSIGN_OR_RETURN(std::unique_ptr<T> daemon, T::Start(options));
    return std::unique_ptr<Daemon>(std::move(daemon));
  };
}

// Runs until SIGTERM/SIGINT, reloading on SIGHUP (and logging the outcome), then shuts the
// daemon down. Returns the process exit code (0).
int RunUntilTerminated(const SignalWaiter& signals, Daemon& daemon, std::string_view config_name);

}  // namespace gw::http

#endif  // GW_HTTP_DAEMON_H_
