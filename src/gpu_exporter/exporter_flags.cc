#include "gpu_exporter/exporter_flags.h"

#include "common/flags.h"

#ifndef GW_VERSION
#define GW_VERSION "dev"
#endif

namespace gw::gpu_exporter {

StatusOr<FlagsResult> ParseExporterFlags(int argc, const char* const* argv,
                                         const std::string& env_hostname,
                                         const std::string& system_hostname) {
  FlagsResult result;
  ExporterOptions& o = result.options;
  std::string interval = "1s";
  CLI::App app("gpuwatchdog-gpu-exporter: per-node NVIDIA GPU metrics for Prometheus, read "
               "through NVML (dcgm-exporter's metric names)",
               "gpuwatchdog-gpu-exporter");
  AddDaemonFlags(app, ":9400", std::string("gpuwatchdog-gpu-exporter ") + GW_VERSION, &o.daemon);
  app.add_option("--collect.interval", interval, "How often to read the GPUs (e.g. 1s, 500ms)")
      ->capture_default_str();
  app.add_option("--nvml.library", o.nvml_library,
                 "Path of libnvidia-ml.so.1 (default: the normal library search)");
  app.add_option("--hpc-job-mapping-dir", o.job_mapping_dir,
                 "Directory of per-GPU job files written by the Slurm prolog (adds hpc_job)");
  app.add_option("--hostname", o.hostname,
                 "Value of the Hostname label (default: $NODE_NAME, else the host name)");
  GW_ASSIGN_OR_RETURN(result.exit_message, ParseCli(app, argc, argv, o.daemon));
  if (result.exit_message) return result;
  GW_ASSIGN_OR_RETURN(o.interval_ms, ParseDurationMs(interval));
  if (o.interval_ms < 100) {
    return InvalidArgumentError("--collect.interval " + interval +
                                ": too short (the minimum is 100ms)");
  }
  if (o.hostname.empty()) o.hostname = env_hostname.empty() ? system_hostname : env_hostname;
  return result;
}

}  // namespace gw::gpu_exporter
