// Running Slurm's client commands behind an interface, so the exporter's refresh logic is tested
// with captured output and the real commands run only in integration tests.
#ifndef GW_SLURM_COMMAND_RUNNER_H_
#define GW_SLURM_COMMAND_RUNNER_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/process.h"
#include "common/status.h"

namespace gw::slurm {

// Thread-compatible; implementations may be called from one refresh thread.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv and returns its output. A non-zero exit is not an error here (the result says
  // it); errors: kNotFound (cannot execute), kDeadlineExceeded (killed at the timeout).
  virtual StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) = 0;
};

// Forks the real command with SLURM_TIME_FORMAT=%s (times as Unix seconds, whatever the site's
// environment says) and the given extra environment.
class ProcessCommandRunner final : public CommandRunner {
 public:
  explicit ProcessCommandRunner(std::map<std::string, std::string> extra_env = {});
  StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout) override;

 private:
  std::map<std::string, std::string> env_;
};

// Runs a command and returns its stdout, turning a non-zero exit into kUnavailable with the
// first line of stderr: "squeue exited 1: slurm_load_jobs error: Unable to contact slurm
// controller".
StatusOr<std::string> RunForOutput(CommandRunner& runner, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout);

}  // namespace gw::slurm

#endif  // GW_SLURM_COMMAND_RUNNER_H_
