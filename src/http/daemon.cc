#include "http/daemon.h"

#include <malloc.h>

#include <cstdio>
#include <string>

#include "common/logging.h"
#include "http/gzip.h"
#include "metrics/text_writer.h"

namespace gw::http {

Response ServeExporter(const Request& request, metrics::ExpositionCache& cache,
                       std::string_view title) {
  if (request.path == "/metrics") {
    metrics::ExpositionFormat format = metrics::NegotiateFormat(request.Header("accept"));
    bool gzip = AcceptsGzip(request.Header("accept-encoding"));
    Response response;
    response.content_type = std::string(metrics::ContentType(format));
    response.body = cache.Get(format, gzip);
    if (gzip) response.content_encoding = "gzip";
    return response;
  }
  if (request.path == "/healthz") return Response::Text(200, "ok\n");
  if (request.path == "/") {
    std::string page = "<!doctype html><html><head><title>" + std::string(title) +
                       "</title></head><body><h1>" + std::string(title) +
                       "</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";
    Response response = Response::Text(200, std::move(page));
    response.content_type = "text/html; charset=utf-8";
    return response;
  }
  return Response::Text(404, "not found: try /metrics\n");
}

StatusOr<std::unique_ptr<Server>> StartExporterServer(const DaemonFlags& flags,
                                                      metrics::ExpositionCache& cache,
                                                      std::string title) {
  ServerOptions options;
  options.listen_address = flags.listen_address;
  options.web_config_file = flags.web_config_file;
  options.max_connections = static_cast<size_t>(flags.max_connections);
  return Server::Start(options, [&cache, title = std::move(title)](const Request& request) {
    return ServeExporter(request, cache, title);
  });
}

int RunDaemonMain(std::string_view program, const SignalWaiter& signals, const Status& flags_status,
                  const std::optional<std::string>& exit_message, const DaemonFlags& flags,
                  const std::function<StatusOr<std::unique_ptr<Daemon>>()>& start,
                  int malloc_arenas) {
  std::string name(program);
  if (!flags_status.ok()) {
    std::fprintf(stderr, "%s: %s (see --help)\n", name.c_str(), flags_status.message().c_str());
    return 2;
  }
  if (exit_message) {
    std::fputs(exit_message->c_str(), stdout);
    return 0;
  }
  // One malloc arena: the daemons allocate little per request (pages are pre-rendered), and
  // per-thread arenas cost about 1.5 MiB of resident memory for nothing (docs/benchmarks.md).
  if (malloc_arenas > 0) mallopt(M_ARENA_MAX, malloc_arenas);
  if (Status s = InitLogging(flags.log_level); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), s.message().c_str());
    return 2;
  }
  StatusOr<std::unique_ptr<Daemon>> daemon = start();
  if (!daemon.ok()) {
    GW_LOG_ERROR("cannot start: {}", daemon.status().message());
    return daemon.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  GW_LOG_INFO("{} serving on {} (port {})", name, flags.listen_address, (*daemon)->port());
  return RunUntilTerminated(signals, **daemon, flags.web_config_file);
}

int RunUntilTerminated(const SignalWaiter& signals, Daemon& daemon, std::string_view config_name) {
  for (;;) {
    SignalEvent event = signals.Wait(std::chrono::seconds(1));
    if (event == SignalEvent::kTerminate) break;
    if (event != SignalEvent::kReload) continue;
    Status s = daemon.Reload();
    if (s.ok()) {
      GW_LOG_INFO("reloaded {}", config_name.empty() ? "(nothing to reload)" : config_name);
    } else {
      GW_LOG_ERROR("reload failed, keeping the previous configuration: {}", s.message());
    }
  }
  GW_LOG_INFO("shutting down");
  daemon.Shutdown();
  return 0;
}

}  // namespace gw::http
