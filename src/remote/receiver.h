// The remote_write 1.0 receiver: the handler behind `POST /api/v1/write`. It decodes a body
// (snappy + protobuf, bounded by DecodeLimits), validates it as Prometheus' receiver does, and
// appends every sample into a tsdb::Storage through one Appender and one Commit. Its answers
// follow Prometheus' (storage/remote/write_handler.go), so a sender retries exactly what may
// later succeed; docs/formats/remote-write.md "The receiver's answers" has the table.
#ifndef GW_REMOTE_RECEIVER_H_
#define GW_REMOTE_RECEIVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/http_types.h"
#include "metrics/metric_family.h"
#include "remote/remote_write_format.h"
#include "tsdb/storage.h"

namespace gw::remote {

struct ReceiverOptions {
  // Bounds on what one request may make this process allocate. The HTTP server's own
  // max_request_bytes must be at least limits.max_body_bytes, or it answers 413 first.
  DecodeLimits limits;
};

// What Decode found besides samples: parts of the message that are received and ignored.
struct IgnoredCounts {
  uint64_t exemplars = 0;
  uint64_t histograms = 0;  // native histograms (TimeSeries field 4)
  uint64_t metadata = 0;
};

// Counts exemplars (TimeSeries field 3) and native histograms (field 4) in a WriteRequest's
// protobuf bytes, which DecodeWriteRequest skips. REQUIRES: DecodeWriteRequest accepted
// `protobuf` (malformed input stops the count early; it never reads out of bounds).
IgnoredCounts CountIgnoredFields(std::string_view protobuf);

// Thread-safe: Handle may run on several server threads at once. The storage must outlive the
// receiver.
class RemoteWriteReceiver {
 public:
  explicit RemoteWriteReceiver(tsdb::Storage& storage, ReceiverOptions options = {});
  RemoteWriteReceiver(const RemoteWriteReceiver&) = delete;
  RemoteWriteReceiver& operator=(const RemoteWriteReceiver&) = delete;

  // Answers one request, whatever its path (the caller routes):
  //   204  every sample appended (also for a request with no series, e.g. metadata only);
  //   400  a body that does not decode or validate, a Content-Encoding other than snappy, a
  //        Content-Type other than application/x-protobuf, or samples the store rejected as
  //        out of order, duplicate or out of bounds (the others in the request are kept);
  //   405  a method other than POST;
  //   413  a body or a count over options.limits;
  //   415  a remote_write 2.0 Content-Type (proto=io.prometheus.write.v2.Request);
  //   500  the store could not commit (disk full, I/O error): nothing was kept, retry.
  // Error bodies are one line of text saying what failed and what to do.
  http::Response Handle(const http::Request& request);

  // A Handler that calls Handle on this receiver, which must outlive it.
  http::Handler AsHandler();

  // Appends the gw_remote_write_receiver_* families (requests by code, samples received,
  // appended and rejected by reason, ignored exemplars/histograms/metadata).
  void AppendMetrics(std::vector<metrics::MetricFamily>& out) const;

 private:
  http::Response Answer(int code, std::string body);
  // Checks the headers, decodes and validates. Errors: kInvalidArgument / kCorruption (400),
  // kResourceExhausted (413), kUnimplemented for remote_write 2.0 (415).
  StatusOr<WriteRequest> Decode(const http::Request& request, IgnoredCounts& ignored);
  http::Response Append(const WriteRequest& request);

  tsdb::Storage& storage_;
  const ReceiverOptions options_;

  mutable std::mutex mu_;
  std::map<int, uint64_t> requests_by_code_;  // guarded by mu_
  std::atomic<uint64_t> samples_received_{0};
  std::atomic<uint64_t> samples_appended_{0};
  std::atomic<uint64_t> rejected_out_of_order_{0};
  std::atomic<uint64_t> rejected_duplicate_{0};
  std::atomic<uint64_t> rejected_out_of_bounds_{0};
  std::atomic<uint64_t> rejected_invalid_{0};
  std::atomic<uint64_t> ignored_exemplars_{0};
  std::atomic<uint64_t> ignored_histograms_{0};
  std::atomic<uint64_t> ignored_metadata_{0};
};

}  // namespace gw::remote

#endif  // GW_REMOTE_RECEIVER_H_
