// Watches the driver's Xid events on a dedicated thread, independent of collections and
// scrapes, so Xids are counted even while collections fail.
#ifndef GW_GPU_EXPORTER_XID_WATCHER_H_
#define GW_GPU_EXPORTER_XID_WATCHER_H_

#include <atomic>
#include <thread>

#include "common/clock.h"
#include "gpu_exporter/xid_counts.h"
#include "nvml/gpu_backend.h"

namespace gw::gpu_exporter {

// Owns its thread. `backend` is a session of its own (not the collector's) and, with `counts`
// and `clock`, must outlive the watcher.
class XidWatcher {
 public:
  XidWatcher(nvml::GpuBackend* backend, XidCounts* counts, const Clock* clock)
      : backend_(backend), counts_(counts), clock_(clock) {}
  ~XidWatcher() { Stop(); }

  void Start();
  void Stop();

 private:
  void Run();
  // Opens a session and registers events; false (after logging once) when it cannot.
  bool Connect();
  // Sleeps up to ms, waking early on Stop.
  void Sleep(int64_t ms);

  nvml::GpuBackend* backend_;
  XidCounts* counts_;
  const Clock* clock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string last_error_;
  bool complete_ = false;  // every GPU the driver reports is registered
};

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_XID_WATCHER_H_
