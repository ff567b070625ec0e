#include "common/periodic.h"

#include <pthread.h>

#include "common/logging.h"

namespace gw {

void PeriodicThread::Start(std::string name, std::chrono::milliseconds interval,
                           std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  name_ = std::move(name);
  interval_ = interval;
  fn_ = std::move(fn);
  thread_ = std::thread([this] { Run(); });
}

void PeriodicThread::Run() {
  // Named so that top -H and /proc/PID/task show which thread spends what.
  pthread_setname_np(pthread_self(), ("gw-" + name_).substr(0, 15).c_str());
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    try {
      fn_();
    } catch (const std::exception& e) {
      GW_LOG_ERROR("{} failed: {}", name_, e.what());
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

void PeriodicThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gw
