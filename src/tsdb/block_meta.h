// A block's meta.json and its ULID name (docs/formats/block.md).
#ifndef GW_TSDB_BLOCK_META_H_
#define GW_TSDB_BLOCK_META_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::tsdb {

struct BlockMeta {
  std::string ulid;      // 26-char ULID (time-sortable), also the directory name
  int64_t min_t_ms = 0;  // inclusive
  int64_t max_t_ms = 0;  // exclusive, as Prometheus
  uint64_t num_series = 0;
  uint64_t num_chunks = 0;
  uint64_t num_samples = 0;
  int level = 1;                     // compaction level
  std::vector<std::string> sources;  // ULIDs of the level-1 blocks it was made of, sorted
  std::vector<std::string> parents;  // ULIDs it was compacted from (empty for level 1)

  friend bool operator==(const BlockMeta&, const BlockMeta&) = default;
};

// A new ULID: 48 bits of `now_ms` and 80 random bits (std::random_device), Crockford base32.
std::string NewUlid(int64_t now_ms);
// A new ULID for the current wall-clock time.
std::string NewUlid();
// Whether `s` is 26 characters of Crockford base32 whose first encodes at most 7 (48-bit time).
bool IsUlid(std::string_view s);

std::string EncodeBlockMeta(const BlockMeta& meta);
// kCorruption (naming `file`) for invalid JSON, a missing or mistyped field, an unknown version,
// an invalid ULID or min_t >= max_t.
StatusOr<BlockMeta> ParseBlockMeta(std::string_view json, std::string_view file);

}  // namespace gw::tsdb

#endif  // GW_TSDB_BLOCK_META_H_
