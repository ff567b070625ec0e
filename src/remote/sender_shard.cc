// RemoteWriteSender's shard threads: batching, sending and retrying.
#include <algorithm>
#include <iterator>
#include <unordered_map>

#include "common/clock.h"
#include "common/logging.h"
#include "http/client.h"
#include "remote/remote_write_writer.h"
#include "remote/sender_impl.h"
#include "remote/sender_policy.h"

namespace gw::remote {
namespace {

SteadyTime Now() { return std::chrono::steady_clock::now(); }

}  // namespace

WriteRequest BuildWriteRequest(const std::vector<QueuedSample>& batch) {
  WriteRequest request;
  std::unordered_map<const std::vector<Label>*, size_t> index;
  for (const QueuedSample& q : batch) {
    auto [it, fresh] = index.try_emplace(q.series.get(), request.timeseries.size());
    if (fresh) request.timeseries.push_back(TimeSeries{.labels = *q.series, .samples = {}});
    request.timeseries[it->second].samples.push_back(Sample{.value = q.v, .timestamp_ms = q.t_ms});
  }
  return request;
}

bool RemoteWriteSender::Impl::PastStopDeadline() const {
  return stopping && Now().time_since_epoch() >= std::chrono::nanoseconds(stop_deadline_ns.load());
}

void RemoteWriteSender::Impl::DropQueued(Shard& shard) {
  dropped_shutdown += shard.queue.size();
  pending -= shard.queue.size();
  shard.queue.clear();
}

void RemoteWriteSender::Impl::RunShard(Shard& shard) {
  std::vector<QueuedSample> batch;
  SteadyTime flush_at = Now() + options.batch_send_deadline;
  for (;;) {
    {
      std::unique_lock lock(shard.mu);
      for (;;) {
        if (stopping) {
          if (PastStopDeadline()) DropQueued(shard);
          if (shard.queue.empty()) return;
          break;  // flushing: send at once, full batches or not
        }
        if (shard.queue.size() >= options.max_samples_per_send) break;
        if (Now() >= flush_at) {
          if (!shard.queue.empty()) break;
          flush_at = Now() + options.batch_send_deadline;
        }
        shard.cv.wait_until(lock, flush_at);
      }
      const size_t n = std::min(options.max_samples_per_send, shard.queue.size());
      batch.assign(std::make_move_iterator(shard.queue.begin()),
                   std::make_move_iterator(shard.queue.begin() + static_cast<ptrdiff_t>(n)));
      shard.queue.erase(shard.queue.begin(), shard.queue.begin() + static_cast<ptrdiff_t>(n));
    }
    SendBatch(shard, batch);
    batch.clear();
    flush_at = Now() + options.batch_send_deadline;
  }
}

void RemoteWriteSender::Impl::SendBatch(Shard& shard, const std::vector<QueuedSample>& batch) {
  const uint64_t n = batch.size();
  int64_t newest_ms = batch.front().t_ms;
  for (const QueuedSample& q : batch) newest_ms = std::max(newest_ms, q.t_ms);
  const std::string body = EncodeBody(BuildWriteRequest(batch));
  std::chrono::milliseconds backoff = options.min_backoff;
  for (int attempt = 1;; ++attempt) {
    std::chrono::milliseconds timeout = options.remote_timeout;
    if (stopping) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::nanoseconds(stop_deadline_ns.load()) - Now().time_since_epoch());
      if (left.count() <= 0) {
        dropped_shutdown += n;
        pending -= n;
        return;
      }
      timeout = std::min(timeout, left);
    }
    ++requests;
    const StatusOr<http::ClientResponse> result = Post(body, timeout);
    const AttemptVerdict verdict = ClassifyAttempt(result, SystemClock::Get().NowMs());
    CountRequest(verdict.code);
    switch (verdict.outcome) {
      case SendOutcome::kSent:
        samples_sent += n;
        sent_bytes += body.size();
        StoreMax(highest_sent_ms, newest_ms);
        pending -= n;
        if (attempt > 1)
          GW_LOG_INFO("remote_write {}: sent after {} attempts", remote_name, attempt);
        return;
      case SendOutcome::kDrop:
        samples_failed += n;
        pending -= n;
        GW_LOG_WARN("remote_write {}: dropped {} samples, not retryable: {}", remote_name, n,
                    verdict.detail);
        return;
      case SendOutcome::kRetry:
        break;
    }
    samples_retried += n;
    const std::chrono::milliseconds delay = RetryDelay(verdict, backoff, options.max_backoff);
    if (attempt == 1) {
      GW_LOG_WARN("remote_write {}: {} samples not sent ({}), retrying with backoff", remote_name,
                  n, verdict.detail);
    }
    Sleep(shard, delay);
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

StatusOr<http::ClientResponse> RemoteWriteSender::Impl::Post(const std::string& body,
                                                             std::chrono::milliseconds timeout) {
  if (!options.authorization) {
    return http::HttpRequest("POST", options.url, request_headers, body, timeout, options.client);
  }
  // Built per request so that a rotated secret file is picked up, as Prometheus does.
  std::map<std::string, std::string> headers = request_headers;
  GW_ASSIGN_OR_RETURN(headers["Authorization"], AuthorizationValue(*options.authorization));
  return http::HttpRequest("POST", options.url, headers, body, timeout, options.client);
}

void RemoteWriteSender::Impl::Sleep(Shard& shard, std::chrono::milliseconds delay) {
  const SteadyTime wake = Now() + delay;
  std::unique_lock lock(shard.mu);
  for (;;) {
    SteadyTime until = wake;
    if (stopping) {
      until = std::min(until, SteadyTime(std::chrono::duration_cast<SteadyTime::duration>(
                                  std::chrono::nanoseconds(stop_deadline_ns.load()))));
    }
    if (Now() >= until) return;
    shard.cv.wait_until(lock, until);
  }
}

void RemoteWriteSender::Impl::CountRequest(const std::string& code) {
  std::lock_guard lock(codes_mu);
  ++requests_by_code[code];
}

}  // namespace gw::remote
