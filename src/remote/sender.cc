// RemoteWriteSender, the observer side: the series map and the shard queues. The shard threads
// are in sender_shard.cc, the metrics in sender_metrics.cc.
#include "remote/sender.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
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

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// RFC 9110's token: the characters a header name may have.
bool IsToken(std::string_view s) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != kSpecials.npos;
  });
}

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Surrounding whitespace (the newline editors add) is not part of the secret, as in Prometheus.
StatusOr<std::string> ReadSecretFile(const std::string& path, bool one_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("remote_write secret file " + path + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return UnavailableError("remote_write secret file " + path + ": read failed");
  std::string secret = text.str();
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!secret.empty() && space(secret.back())) secret.pop_back();
  secret.erase(secret.begin(), std::find_if_not(secret.begin(), secret.end(), space));
  if (one_line && HasLineBreak(secret)) {
    return UnavailableError("remote_write secret file " + path +
                            ": holds more than one line (keep only the secret)");
  }
  return secret;
}

}  // namespace

StatusOr<std::string> AuthorizationValue(const SenderAuthorization& auth) {
  const bool basic = auth.type == "Basic";  // base64: any byte may be in it
  std::string secret = auth.secret;
  if (!auth.secret_file.empty()) {
    GW_ASSIGN_OR_RETURN(secret, ReadSecretFile(auth.secret_file, /*one_line=*/!basic));
  }
  if (basic) return "Basic " + Base64(auth.username + ":" + secret);
  return auth.type + " " + secret;
}

namespace {

// Headers and credentials go onto the wire as written: each must be a well-formed header.
Status ValidateHeaders(const SenderOptions& o) {
  auto need = [&](bool ok, const std::string& what) {
    return ok ? Status::Ok() : InvalidArgumentError("remote_write " + o.url + ": " + what);
  };
  for (const auto& [name, value] : o.headers) {
    GW_RETURN_IF_ERROR(need(IsToken(name), "header name \"" + name + "\" is not an HTTP token"));
    GW_RETURN_IF_ERROR(need(!HasLineBreak(value), "header " + name + " has a line break"));
  }
  if (const auto& auth = o.authorization) {
    GW_RETURN_IF_ERROR(need(IsToken(auth->type), "authorization type must be an HTTP token"));
    GW_RETURN_IF_ERROR(need(auth->type == "Basic" || !HasLineBreak(auth->secret),
                            "authorization credentials have a line break"));
  }
  return Status::Ok();
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
  return ValidateHeaders(o);
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
