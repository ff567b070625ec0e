// Chunks of either encoding: the XOR chunk of the head and of blocks (xor_format.h), and the
// integer chunk that only blocks hold (int_format.h). Readers of stored chunks go through
// ChunkIterator; the block writer asks SmallerIntChunk which encoding to store.
#ifndef GW_TSDB_CHUNK_ENCODING_H_
#define GW_TSDB_CHUNK_ENCODING_H_

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "common/status.h"
#include "tsdb/int_reader.h"
#include "tsdb/xor_reader.h"

namespace gw::tsdb {

// Whether a stored chunk's encoding byte is one this build reads (kXorEncoding, kIntEncoding).
bool IsKnownChunkEncoding(uint8_t encoding);

// Iterates a chunk of the given encoding; the contract of XorIterator and IntIterator. An
// unknown encoding is kCorruption at the first Next() or Seek().
// Thread-compatible. REQUIRES: the bytes outlive the iterator.
class ChunkIterator {
 public:
  ChunkIterator(uint8_t encoding, std::span<const uint8_t> chunk);

  bool Next();
  bool Seek(int64_t t_ms);
  // REQUIRES: the last Next() or Seek() returned true.
  int64_t t_ms() const;
  double value() const;
  const Status& status() const;

 private:
  std::variant<XorIterator, IntIterator, Status> it_;  // Status: unknown encoding
};

// The integer chunk to store in a block instead of `xor_chunk`, if every value of it is an
// integer that survives the round trip (IsInt64Value: no NaN, stale marker, infinity or -0.0)
// and the integer chunk is smaller. nullopt means: store the XOR chunk as it is (also when it
// does not decode; the block keeps what it was given).
std::optional<std::vector<uint8_t>> SmallerIntChunk(std::span<const uint8_t> xor_chunk);

}  // namespace gw::tsdb

#endif  // GW_TSDB_CHUNK_ENCODING_H_
