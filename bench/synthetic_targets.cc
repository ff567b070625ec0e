// Synthetic scrape targets for the hub-versus-Prometheus benchmark (scripts/bench-hub): one
// server on every loopback address at --port, each address a target whose page holds --series
// GPU-like series (8 GPUs per page: utilization and temperature that wander, memory in steps,
// energy counters that grow). Values are a function of the address, the series and the 5-second
// step, so every scraper of a target at the same moment sees the same page.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "synthetic_series.h"
#include "common/signals.h"
#include "http/server.h"

namespace {

std::string Page(const std::string& host, int series, int64_t step) {
  const uint64_t seed = gw::bench::Mix(std::hash<std::string>{}(host));
  std::string out;
  out.reserve(static_cast<size_t>(series) * 80);
  char value[32];
  for (int i = 0; i < series; ++i) {
    std::snprintf(value, sizeof(value), " %.17g\n", gw::bench::SeriesValue(seed, i, step));
    out += gw::bench::SeriesText(seed, i);
    out += value;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 19700;
  int series = 500;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--port=", 0) == 0) port = std::atoi(a.c_str() + 7);
    if (a.rfind("--series=", 0) == 0) series = std::atoi(a.c_str() + 9);
  }
  gw::SignalWaiter signals;
  gw::http::ServerOptions options;
  options.listen_address = ":" + std::to_string(port);
  options.threads = 2;
  options.max_connections = 1024;
  auto server = gw::http::Server::Start(options, [series](const gw::http::Request& r) {
    const int64_t step = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() / 5;
    std::string host = r.Header("host");
    if (size_t colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
    auto response = gw::http::Response::Text(200, Page(host, series, step));
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  });
  if (!server.ok()) {
    std::fprintf(stderr, "synthetic_targets: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "synthetic_targets: %d series per target on port %d\n", series, port);
  while (signals.Wait(std::chrono::seconds(3600)) != gw::SignalEvent::kTerminate) {
  }
  (*server)->Shutdown();
  return 0;
}
