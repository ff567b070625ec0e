#include "http/daemon.h"

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
