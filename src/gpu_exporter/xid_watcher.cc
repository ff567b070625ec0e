#include "gpu_exporter/xid_watcher.h"

#include <pthread.h>

#include <algorithm>

#include "common/logging.h"

namespace gw::gpu_exporter {

void XidWatcher::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void XidWatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  backend_->Shutdown();
}

void XidWatcher::Sleep(int64_t ms) {
  for (int64_t slept = 0; slept < ms && !stop_; slept += 100) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

bool XidWatcher::Connect() {
  Status s = backend_->Init();
  if (s.ok()) {
    StatusOr<unsigned> count = backend_->DeviceCount();
    s = count.status();
    // A lost GPU cannot be opened; the others are still watched, and Run reconnects now and
    // then to pick the missing one up when it comes back.
    unsigned opened = 0;
    for (unsigned i = 0; count.ok() && i < *count; ++i) opened += backend_->Open(i).ok() ? 1 : 0;
    complete_ = count.ok() && opened == *count;
    if (s.ok()) s = backend_->WatchXid();
  }
  if (s.ok()) {
    if (!last_error_.empty()) GW_LOG_INFO("watching Xid events again");
    last_error_.clear();
    return true;
  }
  backend_->Shutdown();
  if (s.message() != last_error_) {
    GW_LOG_WARN("cannot watch Xid events: {}", s.message());
    last_error_ = s.message();
  }
  return false;
}

void XidWatcher::Run() {
  pthread_setname_np(pthread_self(), "gw-xid");
  int64_t backoff_ms = 1000;
  while (!stop_) {
    if (!Connect()) {
      counts_->SetWatching(false);
      Sleep(backoff_ms);
      backoff_ms = std::min<int64_t>(backoff_ms * 2, 30'000);
      continue;
    }
    backoff_ms = 1000;
    counts_->SetWatching(true);
    int64_t connected_ms = clock_->NowMs();
    while (!stop_) {
      if (!complete_ && clock_->NowMs() - connected_ms > 30'000) break;
      auto event = backend_->WaitXid(500);
      if (!event.ok()) {
        GW_LOG_WARN("Xid event wait failed ({}); re-registering", event.status().message());
        last_error_ = event.status().message();
        break;
      }
      if (*event) {
        const nvml::XidRecord& x = **event;
        GW_LOG_WARN("GPU {} ({}) reported Xid {}", x.index, x.uuid, x.xid);
        counts_->Record(x.index, x.uuid, x.xid, clock_->NowMs());
      }
    }
    counts_->SetWatching(false);
    backend_->Shutdown();
  }
}

}  // namespace gw::gpu_exporter
