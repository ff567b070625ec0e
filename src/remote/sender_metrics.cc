// RemoteWriteSender::AppendMetrics: the gw_remote_storage_* families, named after Prometheus'
// prometheus_remote_storage_* so the same dashboards and alerts carry over.
#include <utility>

#include "remote/sender_impl.h"

namespace gw::remote {
namespace {

class FamilyBuilder {
 public:
  FamilyBuilder(const std::string& remote_name, const std::string& url)
      : base_{{"remote_name", remote_name}, {"url", url}} {}

  metrics::MetricFamily Make(std::string name, metrics::MetricType type, std::string help) const {
    return {.name = std::move(name), .help = std::move(help), .type = type};
  }

  void Add(metrics::MetricFamily& family, double value, metrics::Labels extra = {}) const {
    metrics::Labels labels = base_;
    for (metrics::Label& l : extra) labels.push_back(std::move(l));
    family.samples.push_back({std::move(labels), value});
  }

 private:
  metrics::Labels base_;
};

}  // namespace

void RemoteWriteSender::AppendMetrics(std::vector<metrics::MetricFamily>& out) const {
  const Impl& impl = *impl_;
  const SenderStats s = stats();
  const FamilyBuilder b(impl.remote_name, impl.options.url);
  using metrics::MetricType;
  auto one = [&](std::string name, MetricType type, std::string help, double value) {
    metrics::MetricFamily f = b.Make(std::move(name), type, std::move(help));
    b.Add(f, value);
    out.push_back(std::move(f));
  };
  one("gw_remote_storage_samples_total", MetricType::kCounter,
      "Samples sent to the remote storage and acknowledged with 2xx.",
      static_cast<double>(s.samples_sent));
  one("gw_remote_storage_failed_samples_total", MetricType::kCounter,
      "Samples the remote storage refused with a non-retryable status (4xx other than 429); "
      "they are dropped.",
      static_cast<double>(s.samples_failed));
  one("gw_remote_storage_retried_samples_total", MetricType::kCounter,
      "Samples resent after a 5xx, a 429 or a connection error, once per retry.",
      static_cast<double>(s.samples_retried));

  metrics::MetricFamily dropped = b.Make(
      "gw_remote_storage_dropped_samples_total", MetricType::kCounter,
      "Samples never sent, by reason: queue_full (the shard's queue was at capacity), "
      "unknown_series (no labels for the ref), shutdown (still queued when Stop's time ran out).");
  b.Add(dropped, static_cast<double>(s.dropped_queue_full), {{"reason", "queue_full"}});
  b.Add(dropped, static_cast<double>(s.dropped_unknown_series), {{"reason", "unknown_series"}});
  b.Add(dropped, static_cast<double>(s.dropped_shutdown), {{"reason", "shutdown"}});
  out.push_back(std::move(dropped));

  one("gw_remote_storage_pending_samples", MetricType::kGauge,
      "Samples queued or in flight to the remote storage.", static_cast<double>(s.pending));
  one("gw_remote_storage_shards", MetricType::kGauge, "Sending shards (parallel requests).",
      static_cast<double>(impl.options.shards));
  one("gw_remote_storage_shard_capacity", MetricType::kGauge,
      "Samples each shard may queue before new ones are dropped.",
      static_cast<double>(impl.options.capacity));
  one("gw_remote_storage_sent_bytes_total", MetricType::kCounter,
      "Compressed request bytes acknowledged by the remote storage.",
      static_cast<double>(impl.sent_bytes.load()));
  // Absent until known: 0 would read as "lagging since 1970".
  if (s.highest_ingested_ms != 0) {
    one("gw_remote_storage_highest_timestamp_seconds", MetricType::kGauge,
        "Newest sample timestamp handed to the sender by the store.",
        static_cast<double>(s.highest_ingested_ms) / 1000.0);
  }
  if (s.highest_sent_ms != 0) {
    one("gw_remote_storage_sent_timestamp_seconds", MetricType::kGauge,
        "Newest sample timestamp acknowledged by the remote storage; the lag is "
        "highest_timestamp_seconds minus this.",
        static_cast<double>(s.highest_sent_ms) / 1000.0);
  }

  metrics::MetricFamily requests =
      b.Make("gw_remote_storage_requests_total", MetricType::kCounter,
             "Requests to the remote storage by HTTP status code (\"error\": no answer).");
  {
    std::lock_guard lock(impl.codes_mu);
    for (const auto& [code, n] : impl.requests_by_code) {
      b.Add(requests, static_cast<double>(n), {{"code", code}});
    }
  }
  out.push_back(std::move(requests));
}

}  // namespace gw::remote
