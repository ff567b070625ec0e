#include "slurm/command_runner.h"

namespace gw::slurm {

ProcessCommandRunner::ProcessCommandRunner(std::map<std::string, std::string> extra_env)
    : env_(std::move(extra_env)) {
  env_["SLURM_TIME_FORMAT"] = "%s";
}

StatusOr<CommandResult> ProcessCommandRunner::Run(const std::vector<std::string>& argv,
                                                  std::chrono::milliseconds timeout) {
  return RunCommand(argv, timeout, env_);
}

StatusOr<std::string> RunForOutput(CommandRunner& runner, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) {
  GW_ASSIGN_OR_RETURN(CommandResult r, runner.Run(argv, timeout));
  if (r.exit_code == 0) return std::move(r.stdout_text);
  std::string first = r.stderr_text.substr(0, r.stderr_text.find('\n'));
  if (first.empty()) first = "no message";
  return UnavailableError(argv[0] + " exited " + std::to_string(r.exit_code) + ": " + first);
}

}  // namespace gw::slurm
