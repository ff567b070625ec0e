// The inside of RemoteWriteSender, shared by sender.cc (the observer side: series map and
// queues), sender_shard.cc (the shard threads: batching, sending, retrying) and
// sender_metrics.cc. Not for use outside src/remote.
#ifndef GW_REMOTE_SENDER_IMPL_H_
#define GW_REMOTE_SENDER_IMPL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "remote/remote_write_format.h"
#include "remote/sender.h"

namespace gw::remote {

using SteadyTime = std::chrono::steady_clock::time_point;

// A series' labels as sent (external labels merged in). Shared by every queued sample of the
// series, so a series the store drops while its samples wait still goes out with its labels.
using SeriesLabels = std::shared_ptr<const std::vector<Label>>;

struct QueuedSample {
  SeriesLabels series;
  int64_t t_ms = 0;
  double v = 0;
};

struct Shard {
  std::mutex mu;
  std::condition_variable cv;      // a full batch, Stop, or the end of a backoff wait
  std::deque<QueuedSample> queue;  // guarded by mu
  std::thread thread;
};

struct RemoteWriteSender::Impl {
  explicit Impl(SenderOptions o);

  // The shard thread: waits for a full batch or the batch deadline, sends, repeats; on Stop,
  // drains the queue until it is empty or the flush deadline passes.
  void RunShard(Shard& shard);
  // Sends one batch, retrying transient failures; accounts for every sample in it.
  void SendBatch(Shard& shard, const std::vector<QueuedSample>& batch);
  // Waits up to `delay`, less when Stop's deadline comes first.
  void Sleep(Shard& shard, std::chrono::milliseconds delay);
  bool PastStopDeadline() const;
  // Drops the samples still queued in `shard`. REQUIRES: shard.mu held.
  void DropQueued(Shard& shard);
  void CountRequest(const std::string& code);
  // POSTs one encoded batch with the request headers and, when configured, Authorization.
  StatusOr<http::ClientResponse> Post(const std::string& body, std::chrono::milliseconds timeout);

  const SenderOptions options;
  const std::string remote_name;
  std::map<std::string, std::string> request_headers;

  std::mutex series_mu;
  std::unordered_map<tsdb::SeriesRef, SeriesLabels> series;  // guarded by series_mu

  std::vector<std::unique_ptr<Shard>> shards;

  std::mutex stop_mu;  // serializes Stop
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> stop_deadline_ns{0};  // steady_clock, valid once stopping

  std::atomic<uint64_t> samples_sent{0};
  std::atomic<uint64_t> samples_failed{0};
  std::atomic<uint64_t> samples_retried{0};
  std::atomic<uint64_t> dropped_queue_full{0};
  std::atomic<uint64_t> dropped_unknown_series{0};
  std::atomic<uint64_t> dropped_shutdown{0};
  std::atomic<uint64_t> pending{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> sent_bytes{0};
  std::atomic<int64_t> highest_ingested_ms{0};
  std::atomic<int64_t> highest_sent_ms{0};

  mutable std::mutex codes_mu;
  std::map<std::string, uint64_t> requests_by_code;  // guarded by codes_mu
};

// Raises `target` to `value` if it is lower.
inline void StoreMax(std::atomic<int64_t>& target, int64_t value) {
  int64_t seen = target.load();
  while (seen < value && !target.compare_exchange_weak(seen, value)) {
  }
}

// The value of the Authorization header, the secret file read now. Errors: kUnavailable when
// the file cannot be read, or holds a line break where the secret goes into the header as it is
// (not Basic); the message names the file, never the secret.
StatusOr<std::string> AuthorizationValue(const SenderAuthorization& auth);

// One TimeSeries per distinct series of the batch, samples in batch order.
WriteRequest BuildWriteRequest(const std::vector<QueuedSample>& batch);

}  // namespace gw::remote

#endif  // GW_REMOTE_SENDER_IMPL_H_
