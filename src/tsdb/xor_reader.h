// Decodes an XOR chunk (format: xor_format.h). The bytes are untrusted: they may come from disk
// or the network, truncated or damaged.
#ifndef GW_TSDB_XOR_READER_H_
#define GW_TSDB_XOR_READER_H_

#include <cstdint>
#include <span>

#include "common/status.h"
#include "tsdb/bitstream.h"

namespace gw::tsdb {

// Iterates the samples of one chunk in time order.
//
// Errors: a chunk that ends early, holds an overlong varint, an impossible XOR window, or
// timestamps that do not strictly increase (or overflow int64) stops the iteration; Next()
// returns false and status() is kCorruption. The reader never reads outside the span.
// Bytes after the last sample (padding, or a longer buffer) are ignored.
//
// Thread-compatible. REQUIRES: the bytes outlive the iterator (it borrows them).
class XorIterator {
 public:
  explicit XorIterator(std::span<const uint8_t> chunk);

  // Moves to the next sample. False at the end or on error (then status() says which).
  bool Next();
  // Moves to the first sample with t >= t_ms, starting from the current one (never backwards).
  // False if there is none or on error.
  bool Seek(int64_t t_ms);

  // REQUIRES: the last Next() or Seek() returned true.
  int64_t t_ms() const { return t_ms_; }
  double value() const;

  const Status& status() const { return status_; }
  // The count from the header; 0 if the header is missing.
  int num_samples() const { return num_samples_; }

 private:
  bool ReadFirst();
  bool ReadSecond();
  bool ReadDod(int64_t* dod);
  bool ReadValue();
  bool AdvanceTime(uint64_t delta);
  bool Fail(const char* what);

  BitReader reader_;
  Status status_;
  int num_samples_ = 0;
  int num_read_ = 0;
  int64_t t_ms_ = 0;
  uint64_t t_delta_ = 0;
  uint64_t v_bits_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_XOR_READER_H_
