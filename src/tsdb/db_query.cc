// The store's read path: blocks and head merged into one view.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tsdb/db.h"

namespace gw::tsdb {
namespace {

bool Overlaps(const BlockMeta& meta, int64_t mint_ms, int64_t maxt_ms) {
  return meta.min_t_ms <= maxt_ms && meta.max_t_ms > mint_ms;
}

std::vector<std::string> ToSortedVector(const std::set<std::string>& set) {
  return std::vector<std::string>(set.begin(), set.end());
}

}  // namespace

StatusOr<std::vector<SeriesChunks>> Db::Select(const std::vector<Matcher>& matchers,
                                               int64_t mint_ms, int64_t maxt_ms) const {
  if (matchers.empty() || maxt_ms < mint_ms) return std::vector<SeriesChunks>{};
  // Blocks are in time order and before the head, so appending chunks block by block and then
  // the head's keeps every series' chunks in time order.
  std::map<Labels, std::vector<ChunkSnapshot>> merged;
  for (const auto& block : BlocksSnapshot()) {
    if (!Overlaps(block->meta(), mint_ms, maxt_ms)) continue;
    GW_ASSIGN_OR_RETURN(std::vector<SeriesChunks> found, block->Select(matchers, mint_ms, maxt_ms));
    for (SeriesChunks& s : found) {
      std::vector<ChunkSnapshot>& chunks = merged[std::move(s.labels)];
      for (ChunkSnapshot& c : s.chunks) chunks.push_back(std::move(c));
    }
  }
  for (SeriesRef ref : head_.Select(matchers)) {
    std::vector<ChunkSnapshot> chunks = head_.Chunks(ref, mint_ms, maxt_ms);
    if (chunks.empty()) continue;
    Labels labels = head_.SeriesLabels(ref);
    if (labels.empty()) continue;  // dropped since Select
    std::vector<ChunkSnapshot>& into = merged[std::move(labels)];
    for (ChunkSnapshot& c : chunks) into.push_back(std::move(c));
  }
  std::vector<SeriesChunks> out;
  out.reserve(merged.size());
  for (auto& [labels, chunks] : merged) {
    std::sort(chunks.begin(), chunks.end(),
              [](const ChunkSnapshot& a, const ChunkSnapshot& b) { return a.min_t_ms < b.min_t_ms; });
    out.push_back({labels, std::move(chunks)});
  }
  return out;
}

StatusOr<std::vector<std::string>> Db::LabelNames(const std::vector<Matcher>& matchers,
                                                  int64_t mint_ms, int64_t maxt_ms) const {
  std::set<std::string> names;
  if (!matchers.empty()) {
    GW_ASSIGN_OR_RETURN(std::vector<SeriesChunks> series, Select(matchers, mint_ms, maxt_ms));
    for (const SeriesChunks& s : series) {
      for (const Label& l : s.labels) names.insert(l.name);
    }
    return ToSortedVector(names);
  }
  for (const auto& block : BlocksSnapshot()) {
    if (!Overlaps(block->meta(), mint_ms, maxt_ms)) continue;
    GW_ASSIGN_OR_RETURN(std::vector<std::string> found, block->LabelNames({}));
    names.insert(found.begin(), found.end());
  }
  // The head's index is not split by time: like Prometheus, its names count whenever the
  // range reaches into the head.
  if (maxt_ms >= head_min_t_.load() && mint_ms <= head_max_t_.load()) {
    for (std::string& name : head_.LabelNames()) names.insert(std::move(name));
  }
  return ToSortedVector(names);
}

StatusOr<std::vector<std::string>> Db::LabelValues(std::string_view name,
                                                   const std::vector<Matcher>& matchers,
                                                   int64_t mint_ms, int64_t maxt_ms) const {
  std::set<std::string> values;
  if (!matchers.empty()) {
    GW_ASSIGN_OR_RETURN(std::vector<SeriesChunks> series, Select(matchers, mint_ms, maxt_ms));
    for (const SeriesChunks& s : series) {
      if (std::string_view v = s.labels.Get(name); !v.empty()) values.emplace(v);
    }
    return ToSortedVector(values);
  }
  for (const auto& block : BlocksSnapshot()) {
    if (!Overlaps(block->meta(), mint_ms, maxt_ms)) continue;
    GW_ASSIGN_OR_RETURN(std::vector<std::string> found, block->LabelValues(name, {}));
    values.insert(found.begin(), found.end());
  }
  if (maxt_ms >= head_min_t_.load() && mint_ms <= head_max_t_.load()) {
    for (std::string& v : head_.LabelValues(name)) values.insert(std::move(v));
  }
  return ToSortedVector(values);
}

}  // namespace gw::tsdb
