#include "slurm_exporter/exporter.h"

#include "common/flags.h"
#include "http/gzip.h"
#include "http/server.h"

#ifndef GW_VERSION
#define GW_VERSION "dev"
#endif

namespace gw::slurm_exporter {
namespace {

std::string Gzip(std::string_view data) { return http::GzipCompress(data); }

class ExporterImpl final : public Exporter {
 public:
  explicit ExporterImpl(const ExporterOptions& o)
      : cache_(&Gzip), refresher_(&runner_, &cache_, &SystemClock::Get(), o.refresh) {}
  ~ExporterImpl() override { Shutdown(); }

  Status StartAll(const ExporterOptions& o) {
    refresher_.RefreshOnce();  // the first page is ready before the port opens
    GW_ASSIGN_OR_RETURN(server_,
                        http::StartExporterServer(o.daemon, cache_, "GPU Watchdog Slurm exporter"));
    refresher_.Start();
    return Status::Ok();
  }
  uint16_t port() const override { return server_->port(); }
  Status Reload() override { return server_->ReloadWebConfig(); }
  void Shutdown() override {
    if (server_) server_->Shutdown();
    refresher_.Stop();
  }

 private:
  slurm::ProcessCommandRunner runner_;
  metrics::ExpositionCache cache_;
  Refresher refresher_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace

StatusOr<FlagsResult> ParseExporterFlags(int argc, const char* const* argv) {
  FlagsResult result;
  ExporterOptions& o = result.options;
  std::string interval = "15s";
  std::string timeout = "10s";
  CLI::App app(
      "gpuwatchdog-slurm-exporter: Slurm scheduler metrics for Prometheus (nodes, "
      "CPUs, GPUs, queue, jobs), refreshed in the background",
      "gpuwatchdog-slurm-exporter");
  AddDaemonFlags(app, ":9341", std::string("gpuwatchdog-slurm-exporter ") + GW_VERSION, &o.daemon);
  app.add_option("--slurm.refresh-interval", interval,
                 "How often to run the Slurm commands (scrapes never do)")
      ->capture_default_str();
  app.add_option("--slurm.command-timeout", timeout, "Longest a single command may run")
      ->capture_default_str();
  app.add_option("--slurm.sinfo", o.refresh.sinfo, "sinfo command")->capture_default_str();
  app.add_option("--slurm.squeue", o.refresh.squeue, "squeue command")->capture_default_str();
  app.add_option("--slurm.scontrol", o.refresh.scontrol, "scontrol command")->capture_default_str();
  app.add_option("--slurm.sdiag", o.refresh.sdiag, "sdiag command")->capture_default_str();
  GW_ASSIGN_OR_RETURN(result.exit_message, ParseCli(app, argc, argv, o.daemon));
  if (result.exit_message) return result;
  GW_ASSIGN_OR_RETURN(o.refresh.interval_ms, ParseDurationMs(interval));
  GW_ASSIGN_OR_RETURN(o.refresh.timeout_ms, ParseDurationMs(timeout));
  if (o.refresh.interval_ms < 1000) {
    return InvalidArgumentError("--slurm.refresh-interval " + interval +
                                ": too short (the minimum is 1s; slurmctld serves everyone)");
  }
  if (o.refresh.timeout_ms < 100) {
    return InvalidArgumentError("--slurm.command-timeout " + timeout +
                                ": too short (the minimum is 100ms)");
  }
  return result;
}

StatusOr<std::unique_ptr<Exporter>> Exporter::Start(const ExporterOptions& options) {
  auto e = std::make_unique<ExporterImpl>(options);
  GW_RETURN_IF_ERROR(e->StartAll(options));
  return std::unique_ptr<Exporter>(std::move(e));
}

int RunExporterMain(int argc, const char* const* argv) {
  SignalWaiter signals;  // first, so every thread inherits the blocked signals
  auto flags = ParseExporterFlags(argc, argv);
  ExporterOptions options = flags.ok() ? flags->options : ExporterOptions{};
  return http::RunDaemonMain("gpuwatchdog-slurm-exporter", signals, flags.status(),
                             flags.ok() ? flags->exit_message : std::nullopt, options.daemon,
                             http::Starter<Exporter>(options));
}

}  // namespace gw::slurm_exporter
