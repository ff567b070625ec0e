// A thread that runs a function now and then every interval until stopped.
#ifndef GW_COMMON_PERIODIC_H_
#define GW_COMMON_PERIODIC_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gw {

// Thread-safe Start/Stop. An exception thrown by `fn` is logged and the loop goes on: a bug in
// one round must not stop the work for good.
class PeriodicThread {
 public:
  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;
  ~PeriodicThread() { Stop(); }

  // REQUIRES: not running. `name` appears in the log when `fn` throws.
  void Start(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);
  // Wakes the thread, waits for the round in progress to finish and joins. Idempotent.
  void Stop();

 private:
  void Run();

  std::string name_;
  std::chrono::milliseconds interval_{1000};
  std::function<void()> fn_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace gw

#endif  // GW_COMMON_PERIODIC_H_
