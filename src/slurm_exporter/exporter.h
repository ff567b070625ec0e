// gpuwatchdog-slurm-exporter: flags, wiring and main.
#ifndef GW_SLURM_EXPORTER_EXPORTER_H_
#define GW_SLURM_EXPORTER_EXPORTER_H_

#include <memory>
#include <optional>
#include <string>

#include "common/cli.h"
#include "common/status.h"
#include "http/daemon.h"
#include "slurm_exporter/refresher.h"

namespace gw::slurm_exporter {

struct ExporterOptions {
  DaemonFlags daemon;
  RefresherOptions refresh;
};

struct FlagsResult {
  ExporterOptions options;
  std::optional<std::string> exit_message;  // --help / --version
};

// Errors: kInvalidArgument with a one-line message (exit 2).
StatusOr<FlagsResult> ParseExporterFlags(int argc, const char* const* argv);

class Exporter : public http::Daemon {
 public:
  // Runs the first refresh, then serves. Slurm being unreachable is not an error (the exporter
  // serves slurm_exporter_collector_success 0 and keeps refreshing). Errors: kUnavailable when
  // the listen address cannot be bound, kInvalidArgument for a bad web config file.
  static StatusOr<std::unique_ptr<Exporter>> Start(const ExporterOptions& options);
};

int RunExporterMain(int argc, const char* const* argv);

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_EXPORTER_H_
