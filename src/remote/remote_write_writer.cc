#include "remote/remote_write_writer.h"

#include <snappy.h>

#include <bit>
#include <cstdint>

namespace gw::remote {
namespace {

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutKey(std::string& out, uint32_t field_number, WireType type) {
  PutVarint(out, (uint64_t{field_number} << 3) | static_cast<uint8_t>(type));
}

void PutFixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutBytesField(std::string& out, uint32_t field_number, std::string_view bytes) {
  PutKey(out, field_number, WireType::kLengthDelimited);
  PutVarint(out, bytes.size());
  out.append(bytes);
}

// proto3 leaves out scalar fields that hold their default value.
void PutStringIfSet(std::string& out, uint32_t field_number, std::string_view s) {
  if (!s.empty()) PutBytesField(out, field_number, s);
}

// Nested messages are encoded into a scratch buffer first, since the length comes before them.
void EncodeLabel(const Label& label, std::string& scratch) {
  scratch.clear();
  PutStringIfSet(scratch, field::kLabelName, label.name);
  PutStringIfSet(scratch, field::kLabelValue, label.value);
}

void EncodeSample(const Sample& sample, std::string& scratch) {
  scratch.clear();
  const uint64_t bits = std::bit_cast<uint64_t>(sample.value);
  if (bits != 0) {  // +0.0 is the default; -0.0 and NaNs have other bits and are kept
    PutKey(scratch, field::kSampleValue, WireType::kFixed64);
    PutFixed64(scratch, bits);
  }
  if (sample.timestamp_ms != 0) {
    PutKey(scratch, field::kSampleTimestamp, WireType::kVarint);
    PutVarint(scratch, static_cast<uint64_t>(sample.timestamp_ms));  // negative: 10 bytes
  }
}

void EncodeTimeSeries(const TimeSeries& series, std::string& out) {
  std::string scratch;
  for (const Label& label : series.labels) {
    EncodeLabel(label, scratch);
    PutBytesField(out, field::kTimeSeriesLabels, scratch);
  }
  for (const Sample& sample : series.samples) {
    EncodeSample(sample, scratch);
    PutBytesField(out, field::kTimeSeriesSamples, scratch);
  }
}

void EncodeMetadata(const MetricMetadata& metadata, std::string& out) {
  if (metadata.type != 0) {
    PutKey(out, field::kMetadataType, WireType::kVarint);
    // Negative enum values are sign-extended to 64 bits, as protobuf does for int32.
    PutVarint(out, static_cast<uint64_t>(int64_t{metadata.type}));
  }
  PutStringIfSet(out, field::kMetadataFamilyName, metadata.metric_family_name);
  PutStringIfSet(out, field::kMetadataHelp, metadata.help);
  PutStringIfSet(out, field::kMetadataUnit, metadata.unit);
}

}  // namespace

std::string EncodeWriteRequest(const WriteRequest& request) {
  std::string out;
  std::string scratch;
  for (const TimeSeries& series : request.timeseries) {
    scratch.clear();
    EncodeTimeSeries(series, scratch);
    PutBytesField(out, field::kWriteRequestTimeseries, scratch);
  }
  for (const MetricMetadata& metadata : request.metadata) {
    scratch.clear();
    EncodeMetadata(metadata, scratch);
    PutBytesField(out, field::kWriteRequestMetadata, scratch);
  }
  return out;
}

std::string CompressSnappy(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string EncodeBody(const WriteRequest& request) {
  return CompressSnappy(EncodeWriteRequest(request));
}

}  // namespace gw::remote
