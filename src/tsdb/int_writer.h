// Encodes samples into one integer chunk (format: int_format.h).
#ifndef GW_TSDB_INT_WRITER_H_
#define GW_TSDB_INT_WRITER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tsdb/sample.h"

namespace gw::tsdb {

// Whether `v` comes back bit for bit from an integer chunk: an integer in [-2^63, 2^63) and
// not -0.0. False for every NaN (the stale marker included) and the infinities.
bool IsInt64Value(double v);

// The integer chunk of `samples`, with whichever value order (delta or delta-of-delta) is
// smaller. nullopt, and nothing to encode, if `samples` is empty or longer than 65535, or a
// value fails IsInt64Value.
// REQUIRES: timestamps strictly increase.
std::optional<std::vector<uint8_t>> EncodeIntChunk(std::span<const Sample> samples);

}  // namespace gw::tsdb

#endif  // GW_TSDB_INT_WRITER_H_
