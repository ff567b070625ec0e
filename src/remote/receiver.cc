#include "remote/receiver.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "common/logging.h"
#include "remote/remote_write_reader.h"
#include "tsdb/labels.h"

namespace gw::remote {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Absent headers are accepted, as Prometheus does ("don't break yolo 1.0 clients"); present
// ones must say remote_write 1.0.
Status CheckHeaders(const http::Request& request) {
  const std::string encoding = Lower(Trim(request.Header("content-encoding")));
  if (!encoding.empty() && encoding != kContentEncoding) {
    return InvalidArgumentError("remote_write: Content-Encoding \"" + encoding +
                                "\" is not supported: remote_write 1.0 bodies are snappy "
                                "block-compressed (send Content-Encoding: snappy)");
  }
  const std::string type = Lower(request.Header("content-type"));
  if (type.empty()) return Status::Ok();
  const std::string_view type_view = type;
  const std::string_view media = Trim(type_view.substr(0, type_view.find(';')));
  if (media != kContentType) {
    return InvalidArgumentError("remote_write: Content-Type \"" + type +
                                "\" is not supported (send Content-Type: application/x-protobuf)");
  }
  if (type.find("io.prometheus.write.v2.request") != std::string::npos) {
    return UnimplementedError(
        "remote_write: remote_write 2.0 is not supported here: send remote_write 1.0 "
        "(prometheus.WriteRequest, X-Prometheus-Remote-Write-Version: 0.1.0)");
  }
  return Status::Ok();
}

int HttpCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnimplemented:
      return 415;
    default:
      return 400;
  }
}

// ValidateWriteRequest has checked names, order and __name__; FromPairs only drops labels with
// empty values (the same as no label, Prometheus' rule).
StatusOr<tsdb::Labels> ToStoreLabels(const std::vector<Label>& labels) {
  std::vector<tsdb::Label> pairs;
  pairs.reserve(labels.size());
  for (const Label& l : labels) pairs.push_back({l.name, l.value});
  return tsdb::Labels::FromPairs(std::move(pairs));
}

metrics::MetricFamily Counter(std::string name, std::string help) {
  return {.name = std::move(name), .help = std::move(help), .type = metrics::MetricType::kCounter};
}

}  // namespace

RemoteWriteReceiver::RemoteWriteReceiver(tsdb::Storage& storage, ReceiverOptions options)
    : storage_(storage), options_(options) {}

http::Handler RemoteWriteReceiver::AsHandler() {
  return [this](const http::Request& request) { return Handle(request); };
}

http::Response RemoteWriteReceiver::Answer(int code, std::string body) {
  {
    std::lock_guard lock(mu_);
    ++requests_by_code_[code];
  }
  if (code == 204) {
    http::Response response;
    response.status = 204;
    return response;
  }
  return http::Response::Text(code, std::move(body) + "\n");
}

http::Response RemoteWriteReceiver::Handle(const http::Request& request) {
  if (request.method != "POST") {
    http::Response response =
        Answer(405, "remote_write: method " + request.method + " not allowed (use POST)");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  IgnoredCounts ignored;
  StatusOr<WriteRequest> decoded = Decode(request, ignored);
  if (!decoded.ok()) {
    // The reader's and validator's messages already start with "remote_write".
    return Answer(HttpCodeFor(decoded.status()), decoded.status().message());
  }
  ignored_exemplars_ += ignored.exemplars;
  ignored_histograms_ += ignored.histograms;
  ignored_metadata_ += ignored.metadata;
  return Append(*decoded);
}

StatusOr<WriteRequest> RemoteWriteReceiver::Decode(const http::Request& request,
                                                   IgnoredCounts& ignored) {
  GW_RETURN_IF_ERROR(CheckHeaders(request));
  const DecodeLimits& limits = options_.limits;
  if (request.body.size() > limits.max_body_bytes) {
    return ResourceExhaustedError(
        "remote_write body: " + std::to_string(request.body.size()) + " bytes, over the limit of " +
        std::to_string(limits.max_body_bytes) + " (send smaller batches)");
  }
  // DecodeBody's steps, done here so the protobuf stays at hand for CountIgnoredFields.
  GW_ASSIGN_OR_RETURN(std::string protobuf,
                      DecompressSnappy(request.body, limits.max_uncompressed_bytes));
  GW_ASSIGN_OR_RETURN(WriteRequest write_request, DecodeWriteRequest(protobuf, limits));
  uint64_t samples = 0;
  for (const TimeSeries& ts : write_request.timeseries) samples += ts.samples.size();
  samples_received_ += samples;
  if (Status valid = ValidateWriteRequest(write_request); !valid.ok()) {
    rejected_invalid_ += samples;
    return valid;
  }
  ignored = CountIgnoredFields(protobuf);
  return write_request;
}

http::Response RemoteWriteReceiver::Append(const WriteRequest& request) {
  std::unique_ptr<tsdb::Appender> appender = storage_.NewAppender();
  uint64_t staged = 0;
  for (size_t i = 0; i < request.timeseries.size(); ++i) {
    const TimeSeries& ts = request.timeseries[i];
    if (ts.samples.empty()) continue;
    StatusOr<tsdb::Labels> labels = ToStoreLabels(ts.labels);
    tsdb::SeriesRef ref = 0;
    for (const Sample& s : ts.samples) {
      StatusOr<tsdb::SeriesRef> appended =
          labels.ok() ? appender->Append(ref, *labels, s.timestamp_ms, s.value) : labels.status();
      if (!appended.ok()) {
        appender->Rollback();
        return Answer(
            400, "remote_write: series " + std::to_string(i) + ": " + appended.status().message());
      }
      ref = *appended;
      ++staged;
    }
  }
  StatusOr<tsdb::CommitResult> committed = appender->Commit();
  if (!committed.ok()) {
    GW_LOG_ERROR("remote_write receiver: commit of {} samples failed: {}", staged,
                 committed.status().ToString());
    return Answer(500, "remote_write: the store could not write " + std::to_string(staged) +
                           " samples (" + committed.status().ToString() +
                           "); nothing was kept, retry later");
  }
  const tsdb::CommitResult& r = *committed;
  samples_appended_ += r.appended;
  rejected_out_of_order_ += r.out_of_order;
  rejected_duplicate_ += r.duplicate;
  rejected_out_of_bounds_ += r.out_of_bounds;
  const uint64_t rejected = r.out_of_order + r.duplicate + r.out_of_bounds;
  if (rejected == 0) return Answer(204, "");
  // 400, as Prometheus answers, so the sender does not resend samples that can never be taken.
  return Answer(400, "remote_write: " + std::to_string(rejected) + " of " + std::to_string(staged) +
                         " samples rejected (" + std::to_string(r.out_of_order) +
                         " out of order, " + std::to_string(r.duplicate) + " duplicate, " +
                         std::to_string(r.out_of_bounds) + " out of bounds); the other " +
                         std::to_string(r.appended) + " were stored");
}

void RemoteWriteReceiver::AppendMetrics(std::vector<metrics::MetricFamily>& out) const {
  metrics::MetricFamily requests =
      Counter("gw_remote_write_receiver_requests_total",
              "remote_write requests received, by the HTTP status code answered.");
  {
    std::lock_guard lock(mu_);
    for (const auto& [code, n] : requests_by_code_) {
      requests.samples.push_back({{{"code", std::to_string(code)}}, static_cast<double>(n)});
    }
  }
  out.push_back(std::move(requests));

  metrics::MetricFamily received =
      Counter("gw_remote_write_receiver_samples_received_total",
              "Samples in remote_write requests that decoded, valid or not.");
  received.samples.push_back({{}, static_cast<double>(samples_received_.load())});
  out.push_back(std::move(received));

  metrics::MetricFamily appended = Counter("gw_remote_write_receiver_samples_appended_total",
                                           "Samples from remote_write stored.");
  appended.samples.push_back({{}, static_cast<double>(samples_appended_.load())});
  out.push_back(std::move(appended));

  metrics::MetricFamily rejected =
      Counter("gw_remote_write_receiver_samples_rejected_total",
              "Samples from remote_write not stored, by reason (answered 400, not retried).");
  for (const auto& [reason, n] : {std::pair{"out_of_order", &rejected_out_of_order_},
                                  {"duplicate", &rejected_duplicate_},
                                  {"out_of_bounds", &rejected_out_of_bounds_},
                                  {"invalid", &rejected_invalid_}}) {
    rejected.samples.push_back({{{"reason", reason}}, static_cast<double>(n->load())});
  }
  out.push_back(std::move(rejected));

  metrics::MetricFamily ignored = Counter(
      "gw_remote_write_receiver_ignored_total",
      "Parts of remote_write requests received and not stored: exemplars, native histograms, "
      "metadata.");
  for (const auto& [kind, n] : {std::pair{"exemplar", &ignored_exemplars_},
                                {"histogram", &ignored_histograms_},
                                {"metadata", &ignored_metadata_}}) {
    ignored.samples.push_back({{{"kind", kind}}, static_cast<double>(n->load())});
  }
  out.push_back(std::move(ignored));
}

}  // namespace gw::remote
