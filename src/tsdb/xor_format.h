// The XOR chunk encoding: Prometheus' `XOR` chunk (tsdb/chunkenc/xor.go), bit for bit, so chunks
// can be exchanged with Prometheus tooling. docs/formats/chunks.md walks through it byte by byte.
//
//   chunk      := num_samples:uint16 big-endian | sample_0 | sample_1 | sample_n ... | pad to byte
//   sample_0   := t:varint (zig-zag) | v:64 bits (IEEE 754, big-endian bit order)
//   sample_1   := t - t_0:uvarint    | v:xor
//   sample_n   := dod:varbit_ts      | v:xor      (n >= 2)
//   dod        := (t_n - t_{n-1}) - (t_{n-1} - t_{n-2})
//
//   varbit_ts: '0'                          dod == 0
//              '10'   + 14-bit two's compl. dod in [-8191, 8192]
//              '110'  + 17-bit              dod in [-65535, 65536]
//              '1110' + 20-bit              dod in [-524287, 524288]
//              '1111' + 64-bit              anything else
//   xor:       '0'                          value bits unchanged
//              '10' + meaningful bits       within the previous leading/trailing-zero window
//              '11' + leading:5 + sigbits:6 + sigbits bits   (sigbits 0 means 64)
//
// Writer: xor_writer.h. Reader: xor_reader.h.
#ifndef GW_TSDB_XOR_FORMAT_H_
#define GW_TSDB_XOR_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "tsdb/varbit.h"

namespace gw::tsdb {

// The encoding byte that precedes a chunk wherever chunks are stored (Prometheus' EncXOR).
inline constexpr uint8_t kXorEncoding = 1;

inline constexpr size_t kXorHeaderBytes = 2;  // num_samples, uint16 big-endian

// A chunk is cut (no more samples appended) once it holds this many samples or bytes. The byte
// limit is checked before an append, so a chunk may end up to one sample (<= 19 bytes) larger.
inline constexpr int kMaxSamplesPerChunk = 120;    // Prometheus' DefaultSamplesPerChunk
inline constexpr size_t kMaxBytesPerChunk = 1024;  // Prometheus' MaxBytesPerXORChunk

// Delta-of-delta buckets of the timestamps (varbit.h), after the '0' for a zero dod.
inline constexpr DodBucket kDodBuckets[] = {
    {0b10, 2, 14},
    {0b110, 3, 17},
    {0b1110, 4, 20},
};
inline constexpr DodBucket kDodFallback = {0b1111, 4, 64};
inline constexpr VarbitScheme kTimestampDods = {kDodBuckets, kDodFallback};

// The XOR leading-zero count has 5 bits; larger counts are written as this.
inline constexpr int kMaxLeadingZeros = 31;

}  // namespace gw::tsdb

#endif  // GW_TSDB_XOR_FORMAT_H_
