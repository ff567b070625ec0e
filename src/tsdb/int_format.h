// The integer chunk encoding: gpuwatchdog's own, used only inside blocks for chunks whose values
// are all integers (energy in mJ, power in mW, clocks, temperatures, percentages). Timestamps are
// encoded exactly as in the XOR chunk (xor_format.h); values as integer differences instead of
// XOR'd IEEE-754 bits. docs/formats/chunks.md describes it byte by byte.
//
//   chunk      := num_samples:uint16 big-endian | order:u8 | sample_0 | sample_1 | sample_n ...
//                 | pad to byte
//   sample_0   := t:varint (zig-zag)  | v:varint (zig-zag int64)
//   sample_1   := t - t_0:uvarint     | v - v_0:varint
//   sample_n   := dod:varbit_ts       | d:varbit_int            (n >= 2)
//   order 1:     d = v_n - v_{n-1}                               (gauges)
//   order 2:     d = (v_n - v_{n-1}) - (v_{n-1} - v_{n-2})       (counters)
//
// Value differences are taken modulo 2^64, so any two int64 values can follow each other.
// varbit_ts is the XOR chunk's timestamp scheme (kTimestampDods); varbit_int is kIntValueDiffs.
// Writer: int_writer.h. Reader: int_reader.h.
#ifndef GW_TSDB_INT_FORMAT_H_
#define GW_TSDB_INT_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "tsdb/varbit.h"

namespace gw::tsdb {

// The encoding byte of an integer chunk where chunks are stored (blocks only). Not a Prometheus
// encoding (those are 1-3): the high bit marks encodings of gpuwatchdog's own.
inline constexpr uint8_t kIntEncoding = 0x81;

// num_samples (uint16 big-endian) and order (u8).
inline constexpr size_t kIntHeaderBytes = 3;

// The order byte: which difference of the values sample n >= 2 stores.
inline constexpr uint8_t kIntOrderDelta = 1;
inline constexpr uint8_t kIntOrderDeltaOfDelta = 2;

// Buckets of value differences after the '0' for zero. Narrow first, for gauges that move by a
// few units (a degree, a percent: 4 bits); a power draw's step in mW or an energy counter's
// jitter in mJ takes 20-27 bits.
inline constexpr DodBucket kIntValueBuckets[] = {
    {0b10, 2, 2},      {0b110, 3, 4},      {0b1110, 4, 8},      {0b11110, 5, 12},
    {0b111110, 6, 16}, {0b1111110, 7, 20}, {0b11111110, 8, 32},
};
inline constexpr DodBucket kIntValueFallback = {0b11111111, 8, 64};
inline constexpr VarbitScheme kIntValueDiffs = {kIntValueBuckets, kIntValueFallback};

}  // namespace gw::tsdb

#endif  // GW_TSDB_INT_FORMAT_H_
