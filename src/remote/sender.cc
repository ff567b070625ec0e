// RemoteWriteSender, the observer side: the series map and the shard queues. The shard threads
// are in sender_shard.cc, the metrics in sender_metrics.cc.
#include "remote/sender.h"

#include <utility>

#include "remote/sender_impl.h"

namespace gw::remote {
namespace {

// The series' labels with the external labels merged in; on a clash the series wins, as in
// Prometheus. Both inputs are sorted by name, so the result is too.
std::vector<Label> WithExternalLabels(const tsdb::Labels& labels, const tsdb::Labels& external) {
  std::vector<Label> out;
  out.reserve(labels.size() + external.size());
  auto l = labels.begin();
  auto e = external.begin();
  while (l != labels.end() || e != external.end()) {
    if (e == external.end() || (l != labels.end() && l->name <= e->name)) {
      if (e != external.end() && l->name == e->name) ++e;
      out.push_back({l->name, l->value});
      ++l;
    } else {
      out.push_back({e->name, e->value});
      ++e;
    }
  }
  return out;
}

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status ValidateSenderOptions(const SenderOptions& o) {
  if (StatusOr<http::Url> url = http::ParseUrl(o.url); !url.ok()) {
    return InvalidArgumentError("remote_write url: " + url.status().message());
  }
  auto need = [&](bool ok, const std::string& what) {
    return ok ? Status::Ok() : InvalidArgumentError("remote_write " + o.url + ": " + what);
  };
  GW_RETURN_IF_ERROR(need(o.shards >= 1, "shards must be at least 1"));
  GW_RETURN_IF_ERROR(need(o.capacity >= 1, "queue capacity must be at least 1"));
  GW_RETURN_IF_ERROR(need(o.max_samples_per_send >= 1, "max_samples_per_send must be at least 1"));
  GW_RETURN_IF_ERROR(need(o.remote_timeout.count() > 0, "remote_timeout must be positive"));
  GW_RETURN_IF_ERROR(
      need(o.batch_send_deadline.count() > 0, "batch_send_deadline must be positive"));
  GW_RETURN_IF_ERROR(need(o.min_backoff.count() > 0, "min_backoff must be positive"));
  GW_RETURN_IF_ERROR(need(o.min_backoff <= o.max_backoff,
                          "min_backoff must not exceed max_backoff (raise max_backoff)"));
  return Status::Ok();
}

RemoteWriteSender::Impl::Impl(SenderOptions o)
    : options(std::move(o)), remote_name(options.name.empty() ? options.url : options.name) {
  request_headers = options.headers;
  request_headers["Content-Encoding"] = kContentEncoding;
  request_headers["Content-Type"] = kContentType;
  request_headers["X-Prometheus-Remote-Write-Version"] = kRemoteWriteVersion;
  request_headers["User-Agent"] = options.user_agent;
}

RemoteWriteSender::RemoteWriteSender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StatusOr<std::unique_ptr<RemoteWriteSender>> RemoteWriteSender::Start(SenderOptions options) {
  GW_RETURN_IF_ERROR(ValidateSenderOptions(options));
  auto impl = std::make_unique<Impl>(std::move(options));
  for (int i = 0; i < impl->options.shards; ++i) impl->shards.push_back(std::make_unique<Shard>());
  Impl* raw = impl.get();
  for (auto& shard : raw->shards) {
    shard->thread = std::thread([raw, s = shard.get()] { raw->RunShard(*s); });
  }
  return std::unique_ptr<RemoteWriteSender>(new RemoteWriteSender(std::move(impl)));
}

RemoteWriteSender::~RemoteWriteSender() { Stop(std::chrono::milliseconds(0)); }

void RemoteWriteSender::OnSeries(tsdb::SeriesRef ref, const tsdb::Labels& labels) {
  auto merged = WithExternalLabels(labels, impl_->options.external_labels);
  std::lock_guard lock(impl_->series_mu);
  SeriesLabels& slot = impl_->series[ref];
  // The store announces live series again when it opens: keep the entry queued samples share,
  // so one batch never holds the same series twice.
  if (slot == nullptr || *slot != merged) {
    slot = std::make_shared<const std::vector<Label>>(std::move(merged));
  }
}

void RemoteWriteSender::OnSeriesRemoved(std::span<const tsdb::SeriesRef> refs) {
  std::lock_guard lock(impl_->series_mu);
  for (tsdb::SeriesRef ref : refs) impl_->series.erase(ref);
}

void RemoteWriteSender::OnSamples(std::span<const RefSample> samples) {
  Impl& impl = *impl_;
  const size_t shard_count = impl.shards.size();
  std::vector<std::pair<size_t, QueuedSample>> resolved;
  resolved.reserve(samples.size());
  {
    std::lock_guard lock(impl.series_mu);
    for (const RefSample& s : samples) {
      StoreMax(impl.highest_ingested_ms, s.t_ms);
      auto it = impl.series.find(s.ref);
      if (it == impl.series.end()) {
        ++impl.dropped_unknown_series;
        continue;
      }
      resolved.push_back({s.ref % shard_count, QueuedSample{it->second, s.t_ms, s.v}});
    }
  }
  for (size_t i = 0; i < shard_count && !resolved.empty(); ++i) {
    Shard& shard = *impl.shards[i];
    std::lock_guard lock(shard.mu);
    for (auto& [index, sample] : resolved) {
      if (index != i) continue;
      // Checked under the shard's lock, so a sample is either queued before the shard thread
      // sees the queue for the last time, or counted as dropped.
      if (impl.stopping) {
        ++impl.dropped_shutdown;
      } else if (shard.queue.size() >= impl.options.capacity) {
        ++impl.dropped_queue_full;
      } else {
        shard.queue.push_back(std::move(sample));
        ++impl.pending;
      }
    }
    if (shard.queue.size() >= impl.options.max_samples_per_send) shard.cv.notify_one();
  }
}

void RemoteWriteSender::Stop(std::chrono::milliseconds flush_deadline) {
  Impl& impl = *impl_;
  std::lock_guard stop_lock(impl.stop_mu);
  if (!impl.stopping) {
    impl.stop_deadline_ns =
        SteadyNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(flush_deadline).count();
    impl.stopping = true;
    for (auto& shard : impl.shards) {
      std::lock_guard lock(shard->mu);  // a thread between its check and its wait sees stopping
      shard->cv.notify_all();
    }
  }
  for (auto& shard : impl.shards) {
    if (shard->thread.joinable()) shard->thread.join();
  }
}

SenderStats RemoteWriteSender::stats() const {
  const Impl& impl = *impl_;
  return SenderStats{.samples_sent = impl.samples_sent,
                     .samples_failed = impl.samples_failed,
                     .samples_retried = impl.samples_retried,
                     .dropped_queue_full = impl.dropped_queue_full,
                     .dropped_unknown_series = impl.dropped_unknown_series,
                     .dropped_shutdown = impl.dropped_shutdown,
                     .pending = impl.pending,
                     .requests = impl.requests,
                     .highest_ingested_ms = impl.highest_ingested_ms,
                     .highest_sent_ms = impl.highest_sent_ms};
}

}  // namespace gw::remote
