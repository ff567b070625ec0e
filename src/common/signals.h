// Signal handling for daemons: SIGTERM/SIGINT end the process, SIGHUP asks for a reload.
#ifndef GW_COMMON_SIGNALS_H_
#define GW_COMMON_SIGNALS_H_

#include <chrono>

namespace gw {

enum class SignalEvent { kNone, kTerminate, kReload };

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and every thread created after it, so
// that they are only received through Wait(). Construct it first thing in main().
// Thread-safety: Wait() is meant for one thread (main).
class SignalWaiter {
 public:
  SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // Waits up to `timeout` for one of the signals; kNone on timeout.
  SignalEvent Wait(std::chrono::milliseconds timeout) const;
};

}  // namespace gw

#endif  // GW_COMMON_SIGNALS_H_
