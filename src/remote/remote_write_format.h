// The Prometheus remote_write 1.0 message shapes (prometheus/prompb types.proto, remote.proto),
// their protobuf field numbers and wire types, and the limits a reader enforces.
// The wire format is written up in docs/formats/remote-write.md; the writer is
// remote_write_writer.h, the reader remote_write_reader.h.
#ifndef GW_REMOTE_REMOTE_WRITE_FORMAT_H_
#define GW_REMOTE_REMOTE_WRITE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gw::remote {

// Protobuf wire types (the low 3 bits of a field key).
enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: rejected by the reader
  kEndGroup = 4,
  kFixed32 = 5,
};

// Field numbers. Every field below is optional/repeated in proto3, so absent means default.
namespace field {
inline constexpr uint32_t kWriteRequestTimeseries = 1;  // TimeSeries, length-delimited
inline constexpr uint32_t kWriteRequestMetadata = 3;    // MetricMetadata, length-delimited
inline constexpr uint32_t kTimeSeriesLabels = 1;        // Label, length-delimited
inline constexpr uint32_t kTimeSeriesSamples = 2;       // Sample, length-delimited
inline constexpr uint32_t kLabelName = 1;               // string, length-delimited
inline constexpr uint32_t kLabelValue = 2;              // string, length-delimited
inline constexpr uint32_t kSampleValue = 1;             // double, fixed64
inline constexpr uint32_t kSampleTimestamp = 2;         // int64 ms, varint
inline constexpr uint32_t kMetadataType = 1;            // enum, varint
inline constexpr uint32_t kMetadataFamilyName = 2;      // string, length-delimited
inline constexpr uint32_t kMetadataHelp = 4;            // string, length-delimited
inline constexpr uint32_t kMetadataUnit = 5;            // string, length-delimited
}  // namespace field

// A protobuf varint is at most 10 bytes (64 bits, 7 per byte).
inline constexpr size_t kMaxVarintBytes = 10;

// The HTTP headers of a remote_write 1.0 request.
inline constexpr char kContentEncoding[] = "snappy";
inline constexpr char kContentType[] = "application/x-protobuf";
inline constexpr char kRemoteWriteVersion[] = "0.1.0";

// Prometheus' staleness marker: a NaN with this exact bit pattern. Compare bits, not values.
inline constexpr uint64_t kStaleNanBits = 0x7ff0000000000002ULL;

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
};

struct Sample {
  double value = 0;
  int64_t timestamp_ms = 0;
  // Compares value by bits, so NaNs (and the stale marker) round-trip testably.
  friend bool operator==(const Sample& a, const Sample& b);
};

struct TimeSeries {
  std::vector<Label> labels;  // sorted by name, __name__ among them (see ValidateWriteRequest)
  std::vector<Sample> samples;
  friend bool operator==(const TimeSeries&, const TimeSeries&) = default;
};

// MetricMetadata.MetricType: values as in types.proto.
enum class MetricType : int32_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateset = 7,
};

struct MetricMetadata {
  // Kept as the raw number: an enum value this code does not know is still passed on.
  int32_t type = 0;
  std::string metric_family_name;
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&, const MetricMetadata&) = default;
};

struct WriteRequest {
  std::vector<TimeSeries> timeseries;
  std::vector<MetricMetadata> metadata;
  friend bool operator==(const WriteRequest&, const WriteRequest&) = default;
};

// Limits on what a reader accepts from the network. Exceeding one is kResourceExhausted.
struct DecodeLimits {
  size_t max_body_bytes = 16 << 20;           // snappy-compressed body
  size_t max_uncompressed_bytes = 64 << 20;   // protobuf after decompression
  size_t max_series = 1'000'000;              // TimeSeries per request
  size_t max_labels_per_series = 1'000;       // Labels per TimeSeries
  size_t max_samples_per_series = 1'000'000;  // Samples per TimeSeries
  size_t max_metadata = 100'000;              // MetricMetadata per request
};

}  // namespace gw::remote

#endif  // GW_REMOTE_REMOTE_WRITE_FORMAT_H_
