#include "remote/remote_write_reader.h"

#include <snappy.h>

#include <bit>
#include <cstdint>
#include <string>

namespace gw::remote {
namespace {

// A view of one message inside the whole input; offsets in errors are from the input's start.
struct Cursor {
  std::string_view input;
  size_t pos = 0;
  size_t end = 0;

  bool done() const { return pos >= end; }
  size_t remaining() const { return end - pos; }
};

Status Malformed(size_t offset, std::string_view what) {
  return CorruptionError("remote_write protobuf: byte " + std::to_string(offset) + ": " +
                         std::string(what) +
                         " (the body is damaged, cut short or not a WriteRequest)");
}

Status ReadVarint(Cursor& c, uint64_t& value) {
  const size_t start = c.pos;
  value = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (c.done()) return Malformed(start, "truncated varint");
    const auto byte = static_cast<uint8_t>(c.input[c.pos++]);
    // The 10th byte holds only bit 63: anything above it does not fit in 64 bits.
    if (i == kMaxVarintBytes - 1 && byte > 1) return Malformed(start, "varint overflows 64 bits");
    value |= uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) return Status::Ok();
  }
  return Malformed(start, "varint longer than 10 bytes");
}

struct Key {
  uint32_t field_number = 0;
  WireType wire_type = WireType::kVarint;
  size_t offset = 0;
};

Status ReadKey(Cursor& c, Key& key) {
  key.offset = c.pos;
  uint64_t raw = 0;
  GW_RETURN_IF_ERROR(ReadVarint(c, raw));
  const uint64_t type = raw & 7;
  const uint64_t number = raw >> 3;
  if (number == 0 || number > 0x1fffffff) {
    return Malformed(key.offset, "invalid field number " + std::to_string(number));
  }
  if (type > 5) return Malformed(key.offset, "invalid wire type " + std::to_string(type));
  key.field_number = static_cast<uint32_t>(number);
  key.wire_type = static_cast<WireType>(type);
  return Status::Ok();
}

// Reads a length prefix and returns the cursor for the bytes it covers.
Status ReadLengthDelimited(Cursor& c, Cursor& sub) {
  const size_t start = c.pos;
  uint64_t length = 0;
  GW_RETURN_IF_ERROR(ReadVarint(c, length));
  if (length > c.remaining()) {
    return Malformed(start, "length " + std::to_string(length) + " runs past the end (" +
                                std::to_string(c.remaining()) + " bytes left)");
  }
  sub = Cursor{c.input, c.pos, c.pos + static_cast<size_t>(length)};
  c.pos = sub.end;
  return Status::Ok();
}

Status ReadFixed(Cursor& c, size_t bytes, uint64_t& value) {
  if (c.remaining() < bytes) {
    return Malformed(c.pos, "truncated fixed" + std::to_string(8 * bytes) + " value");
  }
  value = 0;
  for (size_t i = 0; i < bytes; ++i) {
    value |= uint64_t{static_cast<uint8_t>(c.input[c.pos + i])} << (8 * i);
  }
  c.pos += bytes;
  return Status::Ok();
}

Status SkipField(Cursor& c, const Key& key) {
  uint64_t ignored = 0;
  Cursor sub;
  switch (key.wire_type) {
    case WireType::kVarint:
      return ReadVarint(c, ignored);
    case WireType::kFixed64:
      return ReadFixed(c, 8, ignored);
    case WireType::kLengthDelimited:
      return ReadLengthDelimited(c, sub);
    case WireType::kFixed32:
      return ReadFixed(c, 4, ignored);
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      break;
  }
  return Malformed(key.offset, "field " + std::to_string(key.field_number) +
                                   " is a group (wire type 3/4), which remote_write never uses");
}

Status CheckWireType(const Key& key, WireType want, std::string_view field_name) {
  if (key.wire_type == want) return Status::Ok();
  return Malformed(key.offset, std::string(field_name) + " (field " +
                                   std::to_string(key.field_number) + ") has wire type " +
                                   std::to_string(static_cast<int>(key.wire_type)) + ", expected " +
                                   std::to_string(static_cast<int>(want)));
}

Status ReadString(Cursor& c, const Key& key, std::string_view field_name, std::string& out) {
  GW_RETURN_IF_ERROR(CheckWireType(key, WireType::kLengthDelimited, field_name));
  Cursor sub;
  GW_RETURN_IF_ERROR(ReadLengthDelimited(c, sub));
  out.assign(c.input.substr(sub.pos, sub.remaining()));
  return Status::Ok();
}

Status ParseLabel(Cursor c, Label& label) {
  while (!c.done()) {
    Key key;
    GW_RETURN_IF_ERROR(ReadKey(c, key));
    if (key.field_number == field::kLabelName) {
      GW_RETURN_IF_ERROR(ReadString(c, key, "Label.name", label.name));
    } else if (key.field_number == field::kLabelValue) {
      GW_RETURN_IF_ERROR(ReadString(c, key, "Label.value", label.value));
    } else {
      GW_RETURN_IF_ERROR(SkipField(c, key));
    }
  }
  return Status::Ok();
}

Status ParseSample(Cursor c, Sample& sample) {
  while (!c.done()) {
    Key key;
    GW_RETURN_IF_ERROR(ReadKey(c, key));
    uint64_t raw = 0;
    if (key.field_number == field::kSampleValue) {
      GW_RETURN_IF_ERROR(CheckWireType(key, WireType::kFixed64, "Sample.value"));
      GW_RETURN_IF_ERROR(ReadFixed(c, 8, raw));
      sample.value = std::bit_cast<double>(raw);
    } else if (key.field_number == field::kSampleTimestamp) {
      GW_RETURN_IF_ERROR(CheckWireType(key, WireType::kVarint, "Sample.timestamp"));
      GW_RETURN_IF_ERROR(ReadVarint(c, raw));
      sample.timestamp_ms = static_cast<int64_t>(raw);
    } else {
      GW_RETURN_IF_ERROR(SkipField(c, key));
    }
  }
  return Status::Ok();
}

Status OverLimit(size_t offset, std::string_view what, size_t limit, std::string_view knob) {
  return ResourceExhaustedError("remote_write protobuf: byte " + std::to_string(offset) +
                                ": more than " + std::to_string(limit) + " " + std::string(what) +
                                " (raise DecodeLimits." + std::string(knob) +
                                " or send smaller batches)");
}

// A repeated message field, and the DecodeLimits knob that bounds its length.
struct RepeatedField {
  std::string_view name;  // for errors: "TimeSeries.labels"
  std::string_view what;  // for errors: "labels in one series"
  std::string_view knob;  // "max_labels_per_series"
};

constexpr RepeatedField kSeriesLabels{"TimeSeries.labels", "labels in one series",
                                      "max_labels_per_series"};
constexpr RepeatedField kSeriesSamples{"TimeSeries.samples", "samples in one series",
                                       "max_samples_per_series"};
constexpr RepeatedField kRequestSeries{"WriteRequest.timeseries", "series", "max_series"};
constexpr RepeatedField kRequestMetadata{"WriteRequest.metadata", "metadata entries",
                                         "max_metadata"};

// Reads the next element of `repeated` into `sub`, after checking the wire type and that the
// field holds fewer than `limit` elements so far (`count`).
Status ReadElement(Cursor& c, const Key& key, const RepeatedField& repeated, size_t count,
                   size_t limit, Cursor& sub) {
  GW_RETURN_IF_ERROR(CheckWireType(key, WireType::kLengthDelimited, repeated.name));
  if (count >= limit) return OverLimit(key.offset, repeated.what, limit, repeated.knob);
  return ReadLengthDelimited(c, sub);
}

Status ParseTimeSeries(Cursor c, const DecodeLimits& limits, TimeSeries& series) {
  while (!c.done()) {
    Key key;
    GW_RETURN_IF_ERROR(ReadKey(c, key));
    Cursor sub;
    if (key.field_number == field::kTimeSeriesLabels) {
      GW_RETURN_IF_ERROR(ReadElement(c, key, kSeriesLabels, series.labels.size(),
                                     limits.max_labels_per_series, sub));
      GW_RETURN_IF_ERROR(ParseLabel(sub, series.labels.emplace_back()));
    } else if (key.field_number == field::kTimeSeriesSamples) {
      GW_RETURN_IF_ERROR(ReadElement(c, key, kSeriesSamples, series.samples.size(),
                                     limits.max_samples_per_series, sub));
      GW_RETURN_IF_ERROR(ParseSample(sub, series.samples.emplace_back()));
    } else {
      GW_RETURN_IF_ERROR(SkipField(c, key));  // exemplars (3), histograms (4), later additions
    }
  }
  return Status::Ok();
}

Status ParseMetadata(Cursor c, MetricMetadata& metadata) {
  while (!c.done()) {
    Key key;
    GW_RETURN_IF_ERROR(ReadKey(c, key));
    if (key.field_number == field::kMetadataType) {
      GW_RETURN_IF_ERROR(CheckWireType(key, WireType::kVarint, "MetricMetadata.type"));
      uint64_t raw = 0;
      GW_RETURN_IF_ERROR(ReadVarint(c, raw));
      metadata.type = static_cast<int32_t>(raw);  // protobuf truncates enums to 32 bits
    } else if (key.field_number == field::kMetadataFamilyName) {
      GW_RETURN_IF_ERROR(
          ReadString(c, key, "MetricMetadata.metric_family_name", metadata.metric_family_name));
    } else if (key.field_number == field::kMetadataHelp) {
      GW_RETURN_IF_ERROR(ReadString(c, key, "MetricMetadata.help", metadata.help));
    } else if (key.field_number == field::kMetadataUnit) {
      GW_RETURN_IF_ERROR(ReadString(c, key, "MetricMetadata.unit", metadata.unit));
    } else {
      GW_RETURN_IF_ERROR(SkipField(c, key));
    }
  }
  return Status::Ok();
}

Status ParseWriteRequest(Cursor c, const DecodeLimits& limits, WriteRequest& request) {
  while (!c.done()) {
    Key key;
    GW_RETURN_IF_ERROR(ReadKey(c, key));
    Cursor sub;
    if (key.field_number == field::kWriteRequestTimeseries) {
      GW_RETURN_IF_ERROR(
          ReadElement(c, key, kRequestSeries, request.timeseries.size(), limits.max_series, sub));
      GW_RETURN_IF_ERROR(ParseTimeSeries(sub, limits, request.timeseries.emplace_back()));
    } else if (key.field_number == field::kWriteRequestMetadata) {
      GW_RETURN_IF_ERROR(
          ReadElement(c, key, kRequestMetadata, request.metadata.size(), limits.max_metadata, sub));
      GW_RETURN_IF_ERROR(ParseMetadata(sub, request.metadata.emplace_back()));
    } else {
      GW_RETURN_IF_ERROR(SkipField(c, key));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<WriteRequest> DecodeWriteRequest(std::string_view protobuf, const DecodeLimits& limits) {
  if (protobuf.size() > limits.max_uncompressed_bytes) {
    return ResourceExhaustedError("remote_write protobuf: " + std::to_string(protobuf.size()) +
                                  " bytes, over the limit of " +
                                  std::to_string(limits.max_uncompressed_bytes) +
                                  " (raise DecodeLimits.max_uncompressed_bytes or send smaller "
                                  "batches)");
  }
  WriteRequest request;
  GW_RETURN_IF_ERROR(ParseWriteRequest(Cursor{protobuf, 0, protobuf.size()}, limits, request));
  return request;
}

StatusOr<std::string> DecompressSnappy(std::string_view compressed, size_t max_uncompressed_bytes) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(compressed.data(), compressed.size(), &length)) {
    return CorruptionError(
        "remote_write body: byte 0: no valid snappy length prefix (the body must be snappy "
        "block format, not framed, and not another encoding)");
  }
  if (length > max_uncompressed_bytes) {
    return ResourceExhaustedError(
        "remote_write body: snappy header claims " + std::to_string(length) +
        " uncompressed bytes, over the limit of " + std::to_string(max_uncompressed_bytes) +
        " (raise DecodeLimits.max_uncompressed_bytes or send smaller batches)");
  }
  std::string out(length, '\0');
  if (!snappy::RawUncompress(compressed.data(), compressed.size(), out.data())) {
    return CorruptionError("remote_write body: " + std::to_string(compressed.size()) +
                           "-byte snappy block is damaged (it does not uncompress to the " +
                           std::to_string(length) + " bytes its header claims)");
  }
  return out;
}

StatusOr<WriteRequest> DecodeBody(std::string_view body, const DecodeLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return ResourceExhaustedError("remote_write body: " + std::to_string(body.size()) +
                                  " bytes, over the limit of " +
                                  std::to_string(limits.max_body_bytes) +
                                  " (raise DecodeLimits.max_body_bytes or send smaller batches)");
  }
  GW_ASSIGN_OR_RETURN(std::string protobuf, DecompressSnappy(body, limits.max_uncompressed_bytes));
  return DecodeWriteRequest(protobuf, limits);
}

}  // namespace gw::remote
