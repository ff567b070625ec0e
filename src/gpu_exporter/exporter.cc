#include "gpu_exporter/exporter.h"

#include <unistd.h>

#include <cstdlib>

#include "common/logging.h"
#include "common/signals.h"
#include "gpu_exporter/collector.h"
#include "gpu_exporter/xid_watcher.h"
#include "http/gzip.h"
#include "http/server.h"
#include "metrics/exposition_cache.h"
#include "nvml/nvml_backend.h"

namespace gw::gpu_exporter {
namespace {

std::string Gzip(std::string_view data) { return http::GzipCompress(data); }

class ExporterImpl final : public Exporter {
 public:
  explicit ExporterImpl(const ExporterOptions& o)
      : collector_backend_(o.nvml_library),
        xid_backend_(o.nvml_library),
        jobs_(o.job_mapping_dir),
        cache_(&Gzip),
        collector_(&collector_backend_, &xids_, o.job_mapping_dir.empty() ? nullptr : &jobs_,
                   &cache_, &SystemClock::Get(), {o.hostname, o.interval_ms, 30'000}),
        xid_watcher_(&xid_backend_, &xids_, &SystemClock::Get()) {}

  ~ExporterImpl() override { Shutdown(); }

  Status StartAll(const ExporterOptions& o) {
    // The first page is ready before the port opens, so no scrape sees an empty page.
    collector_.CollectOnce();
    GW_ASSIGN_OR_RETURN(server_,
                        http::StartExporterServer(o.daemon, cache_, "GPU Watchdog GPU exporter"));
    collector_.Start();
    xid_watcher_.Start();
    return Status::Ok();
  }

  uint16_t port() const override { return server_->port(); }
  Status Reload() override { return server_->ReloadWebConfig(); }

  void Shutdown() override {
    if (server_) server_->Shutdown();
    collector_.Stop();
    xid_watcher_.Stop();
  }

 private:
  nvml::NvmlBackend collector_backend_;
  nvml::NvmlBackend xid_backend_;
  XidCounts xids_;
  JobMap jobs_;
  metrics::ExpositionCache cache_;
  Collector collector_;
  XidWatcher xid_watcher_;
  std::unique_ptr<http::Server> server_;
};

std::string SystemHostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

StatusOr<std::unique_ptr<Exporter>> Exporter::Start(const ExporterOptions& options) {
  auto e = std::make_unique<ExporterImpl>(options);
  GW_RETURN_IF_ERROR(e->StartAll(options));
  return std::unique_ptr<Exporter>(std::move(e));
}

int RunExporterMain(int argc, const char* const* argv) {
  SignalWaiter signals;  // first, so every thread inherits the blocked signals
  const char* node_name = std::getenv("NODE_NAME");  // NOLINT(concurrency-mt-unsafe): one thread
  auto flags =
      ParseExporterFlags(argc, argv, node_name != nullptr ? node_name : "", SystemHostname());
  ExporterOptions options = flags.ok() ? flags->options : ExporterOptions{};
  return http::RunDaemonMain("gpuwatchdog-gpu-exporter", signals, flags.status(),
                             flags.ok() ? flags->exit_message : std::nullopt, options.daemon,
                             http::Starter<Exporter>(options));
}

}  // namespace gw::gpu_exporter
