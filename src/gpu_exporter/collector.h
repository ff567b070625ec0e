// The collector: reads every GPU on its own interval, keeps per-GPU and driver state, and
// publishes a rendered page. Scrapes never call the driver.
#ifndef GW_GPU_EXPORTER_COLLECTOR_H_
#define GW_GPU_EXPORTER_COLLECTOR_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/periodic.h"
#include "gpu_exporter/gpu_metrics.h"
#include "gpu_exporter/job_map.h"
#include "gpu_exporter/xid_counts.h"
#include "metrics/exposition_cache.h"
#include "nvml/gpu_backend.h"

namespace gw::gpu_exporter {

struct CollectorOptions {
  std::string hostname;
  int64_t interval_ms = 1000;
  int64_t max_backoff_ms = 30'000;  // between attempts to reach a missing driver or lost GPU
};

// Not thread-safe except Start/Stop; CollectOnce is called from the collector thread (or by
// tests directly). `backend`, `xids`, `jobs` (may be null) and `cache` must outlive it.
class Collector {
 public:
  Collector(nvml::GpuBackend* backend, XidCounts* xids, JobMap* jobs,
            metrics::ExpositionCache* cache, const Clock* clock, CollectorOptions options);
  ~Collector() { Stop(); }

  // One collection: (re)connects to the driver when due, reads every GPU, publishes the page.
  void CollectOnce();
  // The state the last collection published (for tests).
  const ExporterState& state() const { return state_; }

  // Runs CollectOnce every interval on a background thread until Stop.
  void Start() {
    thread_.Start("collect", std::chrono::milliseconds(options_.interval_ms),
                  [this] { CollectOnce(); });
  }
  void Stop() { thread_.Stop(); }

 private:
  struct Backoff {
    int64_t next_attempt_ms = 0;
    int64_t delay_ms = 0;
  };
  void ConnectIfDue(int64_t now_ms);
  void Disconnect(const std::string& why);
  // Returns true when the failure means the whole driver is gone.
  bool CollectGpu(unsigned index, int64_t now_ms);
  bool Due(Backoff& b, int64_t now_ms) const;
  void Failed(Backoff& b, int64_t now_ms) const;
  void CountErrors(const nvml::GpuReading& reading);

  nvml::GpuBackend* backend_;
  XidCounts* xids_;
  JobMap* jobs_;
  metrics::ExpositionCache* cache_;
  const Clock* clock_;
  CollectorOptions options_;

  bool connected_ = false;
  Backoff driver_backoff_;
  std::string driver_error_;  // the last reason the driver was unusable, for state-change logs
  std::vector<bool> opened_;
  std::vector<Backoff> gpu_backoff_;
  std::vector<std::string> gpu_error_;
  ExporterState state_;

  PeriodicThread thread_;
};

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_COLLECTOR_H_
