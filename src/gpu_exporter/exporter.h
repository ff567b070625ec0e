// Wires the GPU exporter together: the driver sessions, the collector and Xid threads, the job
// map and the HTTP server.
#ifndef GW_GPU_EXPORTER_EXPORTER_H_
#define GW_GPU_EXPORTER_EXPORTER_H_

#include <memory>

#include "common/status.h"
#include "gpu_exporter/exporter_flags.h"
#include "http/daemon.h"

namespace gw::gpu_exporter {

class Exporter : public http::Daemon {
 public:
  // Starts everything. A missing driver is not an error (the exporter serves nvml_up 0 and keeps
  // trying). Errors: kUnavailable when the listen address cannot be bound, kInvalidArgument for
  // a bad web config file. Reload() re-reads the web config file.
  static StatusOr<std::unique_ptr<Exporter>> Start(const ExporterOptions& options);
};

// The body of main(): parses flags, starts, waits for SIGTERM/SIGINT, reloads on SIGHUP.
// Returns the process exit code (2 for bad flags or config).
int RunExporterMain(int argc, const char* const* argv);

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_EXPORTER_H_
