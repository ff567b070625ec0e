// A sample (timestamp, value) and the stale marker, shared by every part of the store.
#ifndef GW_TSDB_SAMPLE_H_
#define GW_TSDB_SAMPLE_H_

#include <bit>
#include <cstdint>

namespace gw::tsdb {

// The NaN that marks a series as stale (Prometheus' value). It is told apart from other NaNs by
// its bits, never by comparison: every NaN compares unequal to everything.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

inline bool IsStaleMarker(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }
inline double StaleMarker() { return std::bit_cast<double>(kStaleNaNBits); }

// Time is milliseconds since the Unix epoch.
struct Sample {
  int64_t t_ms = 0;
  double v = 0;
};

// A sample of the series with this ref (SeriesRef, postings.h).
struct RefSample {
  uint64_t ref = 0;
  int64_t t_ms = 0;
  double v = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_SAMPLE_H_
