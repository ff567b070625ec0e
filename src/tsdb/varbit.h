// Integers in bit buckets, as Prometheus' delta-of-delta timestamps (tsdb/chunkenc/xor.go): a
// prefix of ones selects the width of a two's-complement field. Shared by the XOR chunk's
// timestamps and the integer chunk's timestamps and values (xor_format.h, int_format.h).
#ifndef GW_TSDB_VARBIT_H_
#define GW_TSDB_VARBIT_H_

#include <cstdint>
#include <limits>
#include <span>

#include "tsdb/bitstream.h"

namespace gw::tsdb {

// One bucket: a prefix of `prefix_bits` bits (ones, then a zero except for the last bucket)
// selects a two's-complement field of `value_bits`.
struct DodBucket {
  uint64_t prefix;  // the prefix bits, e.g. 0b10
  int prefix_bits;
  int value_bits;
};

// Whether `x` fits a bucket of `nbits`. The range is Prometheus' bitRange: asymmetric, one more
// on the positive side, because the reader maps only values above 2^(nbits-1) to negatives.
constexpr bool DodFits(int64_t x, int nbits) {
  if (nbits >= 64) return true;
  const int64_t half = int64_t{1} << (nbits - 1);
  return -(half - 1) <= x && x <= half;
}

// A scheme: '0' for zero, then `buckets` in order (prefixes 10, 110, ...), then `fallback`
// (all ones, 64 bits) for anything else. REQUIRES: buckets.size() + 1 == fallback.prefix_bits.
struct VarbitScheme {
  std::span<const DodBucket> buckets;
  DodBucket fallback;
};

void WriteVarbit(BitWriter* w, const VarbitScheme& scheme, int64_t x);
// False if the stream ends early.
[[nodiscard]] bool ReadVarbit(BitReader* r, const VarbitScheme& scheme, int64_t* x);

// The timestamp delta rule of both chunk encodings: t + delta is a valid next timestamp iff it is
// later than t and fits in int64, i.e. 0 < delta <= INT64_MAX - t. Sets *next then.
inline bool NextTimestamp(int64_t t, uint64_t delta, int64_t* next) {
  const uint64_t room =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - static_cast<uint64_t>(t);
  if (delta == 0 || delta > room) return false;
  *next = static_cast<int64_t>(static_cast<uint64_t>(t) + delta);
  return true;
}

}  // namespace gw::tsdb

#endif  // GW_TSDB_VARBIT_H_
