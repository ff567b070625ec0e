// The records the store writes into its WAL: series definitions and samples. Their bytes come
// back from disk on replay, so the decoders treat them as untrusted and fail with kCorruption on
// anything malformed. Layout (docs/formats/wal.md):
//
//   series record:  type=1, uvarint count, count x { uvarint ref, uvarint nlabels,
//                   nlabels x { uvarint len, name bytes, uvarint len, value bytes } }
//   samples record: type=2, uvarint count, then count x { zigzag-varint ref delta,
//                   zigzag-varint t_ms delta, 8-byte little-endian IEEE-754 bits of the value }
//                   where deltas are from the previous sample (from 0 for the first).
#ifndef GW_TSDB_WAL_RECORD_H_
#define GW_TSDB_WAL_RECORD_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::tsdb {

enum class WalRecordType : uint8_t {
  kSeries = 1,
  kSamples = 2,
};

struct WalLabel {
  std::string name;
  std::string value;
  friend bool operator==(const WalLabel&, const WalLabel&) = default;
};

// A series is given a ref once; samples refer to it by that ref.
struct WalSeries {
  uint64_t ref = 0;
  std::vector<WalLabel> labels;
  friend bool operator==(const WalSeries&, const WalSeries&) = default;
};

struct WalSample {
  uint64_t ref = 0;
  int64_t t_ms = 0;
  double value = 0;  // stored as its bit pattern: NaN payloads (staleness markers) survive
};

// Append the encoding of one record to *out.
void EncodeSeries(std::span<const WalSeries> series, std::string* out);
void EncodeSamples(std::span<const WalSample> samples, std::string* out);

// The type of an encoded record; kCorruption for an empty record or an unknown type.
StatusOr<WalRecordType> PeekRecordType(std::string_view record);

// Replace *out with the contents of `record`. kCorruption (with the byte offset) for a wrong
// type, a truncated or overlong varint, a length past the end, or trailing bytes; *out is then
// unspecified.
Status DecodeSeries(std::string_view record, std::vector<WalSeries>* out);
Status DecodeSamples(std::string_view record, std::vector<WalSample>* out);

}  // namespace gw::tsdb

#endif  // GW_TSDB_WAL_RECORD_H_
