#include "gpu_exporter/collector.h"

#include <algorithm>

#include "common/logging.h"

namespace gw::gpu_exporter {

Collector::Collector(nvml::GpuBackend* backend, XidCounts* xids, JobMap* jobs,
                     metrics::ExpositionCache* cache, const Clock* clock, CollectorOptions options)
    : backend_(backend),
      xids_(xids),
      jobs_(jobs),
      cache_(cache),
      clock_(clock),
      options_(std::move(options)) {
  state_.hostname = options_.hostname;
}

bool Collector::Due(Backoff& b, int64_t now_ms) const { return now_ms >= b.next_attempt_ms; }

void Collector::Failed(Backoff& b, int64_t now_ms) const {
  b.delay_ms = std::clamp<int64_t>(b.delay_ms * 2, 1000, options_.max_backoff_ms);
  b.next_attempt_ms = now_ms + b.delay_ms;
}

void Collector::ConnectIfDue(int64_t now_ms) {
  if (connected_ || !Due(driver_backoff_, now_ms)) return;
  Status s = backend_->Init();
  StatusOr<unsigned> count = s.ok() ? backend_->DeviceCount() : StatusOr<unsigned>(s);
  if (!count.ok()) {
    backend_->Shutdown();
    Failed(driver_backoff_, now_ms);
    if (count.status().message() != driver_error_) {
      driver_error_ = count.status().message();
      GW_LOG_WARN("NVIDIA driver unavailable, retrying in the background: {}", driver_error_);
    }
    return;
  }
  connected_ = true;
  driver_backoff_ = {};
  driver_error_.clear();
  state_.driver_version = backend_->DriverVersion();
  state_.gpus.assign(*count, GpuState{});
  for (unsigned i = 0; i < *count; ++i) state_.gpus[i].index = i;
  opened_.assign(*count, false);
  gpu_backoff_.assign(*count, Backoff{});
  gpu_error_.assign(*count, "");
  GW_LOG_INFO("NVIDIA driver {} ready with {} GPU(s)", state_.driver_version, *count);
}

void Collector::Disconnect(const std::string& why) {
  GW_LOG_WARN("NVIDIA driver stopped answering ({}); reconnecting in the background", why);
  backend_->Shutdown();
  connected_ = false;
  driver_error_ = why;
  state_.gpus.clear();
  opened_.clear();
  Failed(driver_backoff_, clock_->NowMs());
}

void Collector::CountErrors(const nvml::GpuReading& reading) {
  for (const nvml::CallError& e : reading.errors) ++state_.nvml_errors[{e.function, e.code}];
}

namespace {

// Codes that mean the driver itself went away, not one GPU: the session must be rebuilt.
bool MeansDriverGone(const std::string& message) {
  for (const char* code : {"NVML_ERROR_UNINITIALIZED", "NVML_ERROR_DRIVER_NOT_LOADED",
                           "NVML_ERROR_UNKNOWN", "NVML_ERROR_LIBRARY_NOT_FOUND"}) {
    if (message.find(code) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool Collector::CollectGpu(unsigned i, int64_t now_ms) {
  GpuState& gpu = state_.gpus[i];
  if (!opened_[i]) {
    if (!Due(gpu_backoff_[i], now_ms)) {
      gpu.reading.reset();
      return false;
    }
    StatusOr<nvml::GpuStatic> info = backend_->Open(i);
    if (!info.ok()) {
      gpu.reading.reset();
      Failed(gpu_backoff_[i], now_ms);
      // One log line per change of state: only when the GPU was up (or never seen) before.
      if (gpu_error_[i].empty()) GW_LOG_WARN("GPU {} is down: {}", i, info.status().message());
      gpu_error_[i] = info.status().message();
      return MeansDriverGone(info.status().message());
    }
    gpu.info = std::move(info).value();
    opened_[i] = true;
    gpu_backoff_[i] = {};
    if (!gpu_error_[i].empty()) GW_LOG_INFO("GPU {} ({}) is back", i, gpu.info->uuid);
    gpu_error_[i].clear();
  }
  nvml::GpuReading reading = backend_->Read(i);
  CountErrors(reading);
  if (reading.lost || reading.driver_gone) {
    opened_[i] = false;
    gpu.reading.reset();
    gpu_error_[i] = reading.errors.empty() ? "lost" : reading.errors.front().code;
    GW_LOG_WARN("GPU {} ({}) is down: {}", i, gpu.info ? gpu.info->uuid : "?", gpu_error_[i]);
    Failed(gpu_backoff_[i], now_ms);
    return reading.driver_gone;
  }
  gpu.reading = std::move(reading);
  return false;
}

void Collector::CollectOnce() {
  int64_t start_ns = clock_->MonotonicNs();
  int64_t now_ms = clock_->NowMs();
  ConnectIfDue(now_ms);
  if (connected_) {
    bool driver_gone = false;
    std::string why;
    for (unsigned i = 0; i < state_.gpus.size(); ++i) {
      if (CollectGpu(i, now_ms)) {
        driver_gone = true;
        why = gpu_error_[i];
      }
    }
    if (driver_gone) Disconnect(why);
  }
  state_.nvml_up = connected_;
  // Asked every collection: the library is loaded by the first successful Init, connected or
  // not afterwards.
  state_.nvml_simulated = backend_->Simulated();
  if (jobs_ != nullptr) {
    Status s = jobs_->Refresh();
    state_.job_mapping_up = s.ok();
    state_.jobs = jobs_->all();
  }
  if (xids_ != nullptr) {
    state_.xids = xids_->Snapshot();
    state_.xid_watching = xids_->watching();
  }
  ++state_.collections;
  state_.collection_duration_s = static_cast<double>(clock_->MonotonicNs() - start_ns) / 1e9;
  state_.last_collection_s = static_cast<double>(clock_->NowMs()) / 1000.0;
  cache_->Publish(BuildFamilies(state_));
}

}  // namespace gw::gpu_exporter
