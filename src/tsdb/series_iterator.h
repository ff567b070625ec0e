// Iterates one series' samples across a time-ordered list of chunks (XOR, or integer chunks read
// from blocks), clipped to a range.
#ifndef GW_TSDB_SERIES_ITERATOR_H_
#define GW_TSDB_SERIES_ITERATOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.h"
#include "tsdb/chunk_encoding.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {

// A chunk shared between its owner (the head) and readers, so a query never copies a full chunk
// and never holds a lock while decoding.
struct ChunkSnapshot {
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  // How `bytes` are encoded: XOR in the head; XOR or kIntEncoding when read from a block.
  uint8_t encoding = kXorEncoding;
};

// Yields the samples with mint <= t <= maxt of the given chunks, in time order.
// Errors: a damaged chunk stops the iteration with status() kCorruption.
// Thread-compatible; holds its own references to the chunk bytes.
class SeriesIterator {
 public:
  // REQUIRES: chunks are in time order and do not overlap.
  SeriesIterator(std::vector<ChunkSnapshot> chunks, int64_t mint_ms, int64_t maxt_ms);

  // Moves to the next sample; false at the end or on error.
  bool Next();
  // Moves to the first sample with t >= t_ms (never backwards); false if none or on error.
  bool Seek(int64_t t_ms);

  // REQUIRES: the last Next() or Seek() returned true.
  int64_t t_ms() const { return it_->t_ms(); }
  double value() const { return it_->value(); }
  const Status& status() const { return status_; }

 private:
  // Opens chunk `index_` if it is not open yet. False past the last chunk.
  bool OpenChunk();
  // Checks the current sample against maxt; ends the iteration past it.
  bool InRange();
  bool ChunkFailed();

  std::vector<ChunkSnapshot> chunks_;
  int64_t mint_ms_;
  int64_t maxt_ms_;
  size_t index_ = 0;
  std::optional<ChunkIterator> it_;  // over chunks_[index_]
  bool positioned_ = false;
  bool done_ = false;
  Status status_;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_SERIES_ITERATOR_H_
