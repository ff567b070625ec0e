// Encodes samples into one XOR chunk (format: xor_format.h).
#ifndef GW_TSDB_XOR_WRITER_H_
#define GW_TSDB_XOR_WRITER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "tsdb/bitstream.h"

namespace gw::tsdb {

// Owns the bytes of one chunk under construction. bytes() is a complete, readable chunk after
// every Append (the sample count in the header is kept current).
// Thread-compatible: callers serialise access (the head holds its shard lock).
class XorWriter {
 public:
  XorWriter();

  // REQUIRES: num_samples() == 0 or t_ms > max_t_ms() (timestamps strictly increase; the head
  // rejects other samples before they get here), and num_samples() < 65535.
  // Full() is advisory: appending to a full chunk is allowed but makes it larger than planned.
  void Append(int64_t t_ms, double v);

  // True once the chunk should be cut: kMaxSamplesPerChunk samples or kMaxBytesPerChunk bytes.
  bool Full() const;

  int num_samples() const { return num_samples_; }
  // REQUIRES: num_samples() > 0.
  int64_t min_t_ms() const;
  int64_t max_t_ms() const;
  double last_value() const;

  std::span<const uint8_t> bytes() const { return stream_.bytes(); }
  // Moves the chunk out and leaves the writer empty, ready for a new chunk.
  std::vector<uint8_t> TakeBytes();

 private:
  void WriteTimestamp(int64_t t_ms);
  void WriteValue(double v);
  void Reset();

  BitWriter stream_;
  uint16_t num_samples_ = 0;
  int64_t first_t_ms_ = 0;
  int64_t t_ms_ = 0;
  uint64_t t_delta_ = 0;  // unsigned: deltas between far-apart int64 timestamps wrap, as in Go
  uint64_t v_bits_ = 0;
  uint8_t leading_ = 0xff;  // 0xff: no window yet
  uint8_t trailing_ = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_XOR_WRITER_H_
