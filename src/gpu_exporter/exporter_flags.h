// Command-line flags of gpuwatchdog-gpu-exporter.
#ifndef GW_GPU_EXPORTER_EXPORTER_FLAGS_H_
#define GW_GPU_EXPORTER_EXPORTER_FLAGS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/cli.h"
#include "common/status.h"

namespace gw::gpu_exporter {

struct ExporterOptions {
  DaemonFlags daemon;            // --web.*, --log.level
  int64_t interval_ms = 1000;
  std::string nvml_library;      // empty: the normal library search
  std::string job_mapping_dir;   // empty: no hpc_job labels
  std::string hostname;          // the Hostname label
};

struct FlagsResult {
  ExporterOptions options;
  // Set for --help and --version: print it to stdout and exit 0.
  std::optional<std::string> exit_message;
};

// Parses argv. Errors: kInvalidArgument with a one-line message naming the flag (exit 2).
// `env_hostname` (NODE_NAME) and `system_hostname` supply the default Hostname label.
StatusOr<FlagsResult> ParseExporterFlags(int argc, const char* const* argv,
                                         const std::string& env_hostname,
                                         const std::string& system_hostname);

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_EXPORTER_FLAGS_H_
