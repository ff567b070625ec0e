// CountIgnoredFields: a second, counting-only walk over a WriteRequest that the reader has
// already accepted, for the parts the reader skips by design (exemplars, native histograms).
#include <cstdint>
#include <string_view>

#include "remote/receiver.h"

namespace gw::remote {
namespace {

// Prometheus' prompb field numbers of the parts this code does not store.
constexpr uint32_t kTimeSeriesExemplars = 3;
constexpr uint32_t kTimeSeriesHistograms = 4;

struct Walker {
  std::string_view in;
  size_t pos = 0;

  bool ReadVarint(uint64_t& value) {
    value = 0;
    for (size_t i = 0; i < kMaxVarintBytes && pos < in.size(); ++i) {
      const auto byte = static_cast<uint8_t>(in[pos++]);
      value |= uint64_t{byte & 0x7fu} << (7 * i);
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }

  // Reads one key and steps over its value; `sub` is the value's bytes when length-delimited.
  bool Next(uint32_t& field_number, std::string_view& sub) {
    uint64_t key = 0;
    uint64_t length = 0;
    if (!ReadVarint(key)) return false;
    field_number = static_cast<uint32_t>(key >> 3);
    sub = {};
    switch (static_cast<WireType>(key & 7)) {
      case WireType::kVarint:
        return ReadVarint(length);
      case WireType::kFixed64:
        return Skip(8);
      case WireType::kFixed32:
        return Skip(4);
      case WireType::kLengthDelimited:
        if (!ReadVarint(length) || length > in.size() - pos) return false;
        sub = in.substr(pos, length);
        pos += length;
        return true;
      default:
        return false;
    }
  }

  bool Skip(size_t n) {
    if (n > in.size() - pos) return false;
    pos += n;
    return true;
  }
};

}  // namespace

IgnoredCounts CountIgnoredFields(std::string_view protobuf) {
  IgnoredCounts counts;
  Walker request{protobuf};
  uint32_t field_number = 0;
  std::string_view series_bytes;
  while (request.pos < protobuf.size() && request.Next(field_number, series_bytes)) {
    if (field_number == field::kWriteRequestMetadata) ++counts.metadata;
    if (field_number != field::kWriteRequestTimeseries) continue;
    Walker series{series_bytes};
    std::string_view ignored;
    while (series.pos < series_bytes.size() && series.Next(field_number, ignored)) {
      if (field_number == kTimeSeriesExemplars) ++counts.exemplars;
      if (field_number == kTimeSeriesHistograms) ++counts.histograms;
    }
  }
  return counts;
}

}  // namespace gw::remote
