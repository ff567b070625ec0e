// The remote_write 1.0 sender: forwards everything the store ingests to a remote_write
// receiver (Prometheus, Mimir, Thanos Receive, VictoriaMetrics). It sits on the store as an
// IngestObserver, queues samples without ever blocking the committing thread (a full queue
// drops and counts), and sends batches from a few shard threads with retries and backoff.
// The queue, retry rules and metrics are written up in docs/formats/remote-write.md "The
// sender".
#ifndef GW_REMOTE_SENDER_H_
#define GW_REMOTE_SENDER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/client.h"
#include "metrics/metric_family.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace gw::remote {

// The Authorization header of every request, as Prometheus' basic_auth and authorization
// blocks make it: "Basic base64(username:secret)" when type is "Basic", else "type secret".
struct SenderAuthorization {
  std::string type = "Bearer";
  std::string username;     // Basic only
  std::string secret;       // the password or the credentials
  std::string secret_file;  // when set, read before every request instead of `secret`, so a
                            // rotated token needs no restart; surrounding whitespace is dropped
};

// One remote_write destination. Defaults are Prometheus' (config.DefaultQueueConfig). The hub
// fills this from its RemoteWriteConfig; src/remote does not depend on src/hub.
struct SenderOptions {
  std::string url;   // http(s)://host:port/path of the receiver
  std::string name;  // the remote_name label of the metrics; empty: the url
  std::chrono::milliseconds remote_timeout{30'000};  // per request
  // Parallel senders; a series always goes to the same shard (ref % shards), so its samples
  // are sent in order. The count is fixed: there is no resharding.
  int shards = 1;
  size_t capacity = 10'000;  // samples queued per shard; past it new samples are dropped
  size_t max_samples_per_send = 2'000;
  std::chrono::milliseconds batch_send_deadline{5'000};  // longest a sample waits for a batch
  std::chrono::milliseconds min_backoff{30};
  std::chrono::milliseconds max_backoff{5'000};
  tsdb::Labels external_labels;  // added to every series; the series' own labels win
  std::string user_agent = "gpuwatchdog/0.1.0";
  std::map<std::string, std::string> headers;  // extra headers (X-Scope-OrgID, THANOS-TENANT)
  // When the secret file cannot be read, or holds a line break, the request is not sent and
  // the batch is retried as after a network error; the log names the file, never the secret.
  std::optional<SenderAuthorization> authorization;
  http::ClientOptions client;  // TLS settings for https URLs
};

// Errors: kInvalidArgument naming the field and what to do (an unparsable URL, shards or
// capacity or max_samples_per_send below 1, a non-positive timeout or deadline, min_backoff
// above max_backoff, a header name that is not an HTTP token or a value with a line break).
[[nodiscard]] Status ValidateSenderOptions(const SenderOptions& options);

// Counters for tests and the metrics; a snapshot, each field read atomically.
struct SenderStats {
  uint64_t samples_sent = 0;     // acknowledged with 2xx
  uint64_t samples_failed = 0;   // answered with a non-retryable status: dropped
  uint64_t samples_retried = 0;  // counted once per retry of the batch they were in
  uint64_t dropped_queue_full = 0;
  uint64_t dropped_unknown_series = 0;  // a ref never announced by OnSeries
  uint64_t dropped_shutdown = 0;        // still queued or being retried when Stop's time ran out
  uint64_t pending = 0;                 // queued or in flight
  uint64_t requests = 0;                // HTTP attempts, whatever their outcome
  int64_t highest_ingested_ms = 0;      // newest sample timestamp seen by OnSamples
  int64_t highest_sent_ms = 0;          // newest sample timestamp acknowledged
};

// Thread-safety: the IngestObserver methods may be called from any thread (the store calls
// them under its commit lock; they only take short locks and never wait on the network).
// Stop, stats and AppendMetrics may be called from any thread.
class RemoteWriteSender : public tsdb::IngestObserver {
 public:
  // Validates the options and starts the shard threads. Errors: as ValidateSenderOptions.
  [[nodiscard]] static StatusOr<std::unique_ptr<RemoteWriteSender>> Start(SenderOptions options);
  RemoteWriteSender(const RemoteWriteSender&) = delete;
  RemoteWriteSender& operator=(const RemoteWriteSender&) = delete;
  // Stop(0): whatever is still queued is dropped (counted).
  ~RemoteWriteSender() override;

  void OnSeries(tsdb::SeriesRef ref, const tsdb::Labels& labels) override;
  void OnSamples(std::span<const RefSample> samples) override;
  void OnSeriesRemoved(std::span<const tsdb::SeriesRef> refs) override;

  // Stops taking samples, sends what is queued (full batches, no batch deadline) for up to
  // `flush_deadline`, then stops the threads. Samples not sent by then, and any arriving later,
  // are dropped with reason "shutdown". A request already in flight is waited for up to its
  // timeout (no longer than the deadline when it started after Stop). Idempotent.
  void Stop(std::chrono::milliseconds flush_deadline);

  SenderStats stats() const;

  // Appends the gw_remote_storage_* families, each sample labelled remote_name and url.
  void AppendMetrics(std::vector<metrics::MetricFamily>& out) const;

 private:
  struct Impl;
  explicit RemoteWriteSender(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::remote

#endif  // GW_REMOTE_SENDER_H_
