#include "tsdb/retention.h"

#include <algorithm>
#include <limits>

namespace gw::tsdb {

std::vector<std::string> BlocksBeyondRetention(std::span<const Block* const> blocks_sorted,
                                               int64_t retention_ms, uint64_t retention_bytes,
                                               uint64_t extra_bytes) {
  const size_t n = blocks_sorted.size();
  std::vector<bool> drop(n, false);
  if (n > 0 && retention_ms > 0) {
    int64_t newest_max_t = std::numeric_limits<int64_t>::min();
    for (const Block* b : blocks_sorted) newest_max_t = std::max(newest_max_t, b->meta().max_t_ms);
    int64_t cutoff = 0;
    if (!__builtin_sub_overflow(newest_max_t, retention_ms, &cutoff)) {
      for (size_t i = 0; i + 1 < n; ++i) {
        if (blocks_sorted[i]->meta().max_t_ms <= cutoff) drop[i] = true;
      }
    }
  }
  if (retention_bytes > 0) {
    uint64_t total = extra_bytes;
    for (size_t i = n; i-- > 0;) {
      total += blocks_sorted[i]->size_bytes();
      if (total > retention_bytes) {
        std::fill(drop.begin(), drop.begin() + static_cast<std::ptrdiff_t>(i) + 1, true);
        break;
      }
    }
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    if (drop[i]) out.push_back(blocks_sorted[i]->dir());
  }
  return out;
}

}  // namespace gw::tsdb
