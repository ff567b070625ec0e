// Running outside programs: one-shot commands with a timeout, and long-lived children.
#ifndef GW_COMMON_PROCESS_H_
#define GW_COMMON_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace gw {

struct CommandResult {
  int exit_code = -1;  // the exit status, or 128+signal when killed by a signal
  std::string stdout_text;
  std::string stderr_text;
};

// Runs argv[0] (looked up in PATH) with the given arguments, collects its output and waits at
// most `timeout`; past it the child is killed with SIGKILL.
// Errors: kNotFound when the program cannot be executed, kDeadlineExceeded on timeout.
StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout,
                                   const std::map<std::string, std::string>& extra_env = {});

// A child process that lives as long as this object: the destructor sends SIGTERM, waits up to
// two seconds, then SIGKILLs. Output goes to `log_path` (or /dev/null when empty).
// Thread-compatible.
class ChildProcess {
 public:
  static StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                      const std::map<std::string, std::string>& extra_env,
                                      const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Sends `sig`. Returns false when the child is already gone.
  bool Signal(int sig) const;
  // True while the child has not exited (reaps it when it has).
  bool Running();
  // Terminates (SIGTERM, then SIGKILL after `grace`) and returns the exit code.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace gw

#endif  // GW_COMMON_PROCESS_H_
