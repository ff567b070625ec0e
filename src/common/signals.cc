#include "common/signals.h"

#include <csignal>
#include <ctime>

namespace gw {
namespace {

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalWaiter::SignalWaiter() {
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer that closes a connection mid-write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
}

SignalEvent SignalWaiter::Wait(std::chrono::milliseconds timeout) const {
  sigset_t set = HandledSignals();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec =
      static_cast<long>((timeout.count() % 1000) * 1'000'000);  // NOLINT(google-runtime-int)
  int sig = sigtimedwait(&set, nullptr, &ts);
  if (sig == SIGHUP) return SignalEvent::kReload;
  if (sig == SIGTERM || sig == SIGINT) return SignalEvent::kTerminate;
  return SignalEvent::kNone;
}

}  // namespace gw
