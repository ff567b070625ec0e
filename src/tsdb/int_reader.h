// Decodes an integer chunk (format: int_format.h). The bytes are untrusted: they come from disk,
// possibly truncated or damaged.
#ifndef GW_TSDB_INT_READER_H_
#define GW_TSDB_INT_READER_H_

#include <cstdint>
#include <span>

#include "common/status.h"
#include "tsdb/bitstream.h"

namespace gw::tsdb {

// Iterates the samples of one integer chunk in time order; the same contract as XorIterator.
//
// Errors: a chunk that ends early, names an unknown order, holds an overlong varint, or whose
// timestamps do not strictly increase (or overflow int64) stops the iteration; Next() returns
// false and status() is kCorruption. Any int64 value is valid. The reader never reads outside
// the span; bytes after the last sample are ignored.
//
// Thread-compatible. REQUIRES: the bytes outlive the iterator (it borrows them).
class IntIterator {
 public:
  explicit IntIterator(std::span<const uint8_t> chunk);

  // Moves to the next sample. False at the end or on error (then status() says which).
  bool Next();
  // Moves to the first sample with t >= t_ms, starting from the current one (never backwards).
  bool Seek(int64_t t_ms);

  // REQUIRES: the last Next() or Seek() returned true.
  int64_t t_ms() const { return t_ms_; }
  double value() const { return static_cast<double>(static_cast<int64_t>(v_)); }

  const Status& status() const { return status_; }
  // The count from the header; 0 if the header is missing.
  int num_samples() const { return num_samples_; }

 private:
  bool ReadFirst();
  bool ReadSecond();
  bool ReadLater();
  bool AdvanceTime(uint64_t delta);
  bool Fail(const char* what);

  BitReader reader_;
  Status status_;
  int num_samples_ = 0;
  int num_read_ = 0;
  uint8_t order_ = 0;
  int64_t t_ms_ = 0;
  uint64_t t_delta_ = 0;
  uint64_t v_ = 0;  // int64 bits; arithmetic modulo 2^64
  uint64_t v_delta_ = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_INT_READER_H_
