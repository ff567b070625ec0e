#include "tsdb/compact.h"

#include <algorithm>
#include <tuple>

#include "tsdb/block_writer.h"

namespace gw::tsdb {
namespace {

// Floor division, so that negative times fall in the window below zero.
int64_t WindowStart(int64_t t_ms, int64_t range_ms) {
  int64_t q = t_ms / range_ms;
  if (t_ms % range_ms != 0 && t_ms < 0) --q;
  return q * range_ms;
}

bool Overlaps(const std::vector<const BlockMeta*>& sorted) {
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i]->min_t_ms < sorted[i - 1]->max_t_ms) return true;
  }
  return false;
}

// Prometheus' splitByRange: runs of consecutive blocks that fit one aligned window.
std::vector<std::vector<const BlockMeta*>> SplitByRange(const std::vector<const BlockMeta*>& ms,
                                                        int64_t range_ms) {
  std::vector<std::vector<const BlockMeta*>> groups;
  size_t i = 0;
  while (i < ms.size()) {
    const int64_t t0 = WindowStart(ms[i]->min_t_ms, range_ms);
    if (ms[i]->max_t_ms - t0 > range_ms) {
      ++i;
      continue;
    }
    std::vector<const BlockMeta*> group;
    for (; i < ms.size(); ++i) {
      if (ms[i]->min_t_ms < t0 || ms[i]->max_t_ms - t0 > range_ms) break;
      group.push_back(ms[i]);
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace

std::vector<std::string> PlanCompaction(std::span<const BlockMeta> metas,
                                        std::span<const int64_t> ranges_ms) {
  std::vector<const BlockMeta*> ms;
  for (const BlockMeta& m : metas) ms.push_back(&m);
  std::sort(ms.begin(), ms.end(), [](const BlockMeta* a, const BlockMeta* b) {
    return std::tie(a->min_t_ms, a->ulid) < std::tie(b->min_t_ms, b->ulid);
  });
  if (ms.size() < 3 || ranges_ms.size() < 2) return {};  // one to keep fresh, two to merge
  ms.pop_back();
  const int64_t high_t_ms = ms.back()->min_t_ms;
  for (int64_t range_ms : ranges_ms.subspan(1)) {
    if (range_ms <= 0) continue;
    for (const auto& group : SplitByRange(ms, range_ms)) {
      if (group.size() < 2 || Overlaps(group)) continue;
      const int64_t mint = group.front()->min_t_ms;
      const int64_t maxt = group.back()->max_t_ms;
      if (maxt - mint == range_ms || maxt <= high_t_ms) {
        std::vector<std::string> out;
        out.reserve(group.size());
        for (const BlockMeta* m : group) out.push_back(m->ulid);
        return out;
      }
    }
  }
  return {};
}

namespace {

// The new block's level, parents and sources; kInvalidArgument if `sorted` overlap in time.
Status Lineage(const std::vector<const Block*>& sorted, int* level,
               std::vector<std::string>* parents, std::vector<std::string>* sources) {
  *level = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const BlockMeta& m = sorted[i]->meta();
    if (i > 0 && m.min_t_ms < sorted[i - 1]->meta().max_t_ms) {
      return InvalidArgumentError("compact: blocks " + sorted[i - 1]->meta().ulid + " and " +
                                  m.ulid +
                                  " overlap in time; vertical compaction is not supported");
    }
    *level = std::max(*level, m.level);
    parents->push_back(m.ulid);
    sources->insert(sources->end(), m.sources.begin(), m.sources.end());
  }
  std::sort(sources->begin(), sources->end());
  sources->erase(std::unique(sources->begin(), sources->end()), sources->end());
  return Status::Ok();
}

// Writes every series of `sorted` (in time order) with its chunks from all blocks.
Status MergeSeries(const std::vector<const Block*>& sorted, BlockWriter* writer) {
  // Every series of every block with the block it is in; a stable sort by labels keeps the
  // blocks of one series in time order. Only labels are held, chunks are read per series.
  struct Entry {
    Labels labels;
    size_t block;
    SeriesRef ref;
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < sorted.size(); ++i) {
    GW_ASSIGN_OR_RETURN(std::vector<Block::SeriesEntry> series, sorted[i]->AllSeries());
    for (Block::SeriesEntry& s : series) entries.push_back({std::move(s.labels), i, s.ref});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.labels < b.labels; });
  for (size_t i = 0; i < entries.size();) {
    std::vector<ChunkSnapshot> chunks;
    size_t j = i;
    for (; j < entries.size() && entries[j].labels == entries[i].labels; ++j) {
      GW_ASSIGN_OR_RETURN(std::vector<ChunkSnapshot> part,
                          sorted[entries[j].block]->Chunks(entries[j].ref, INT64_MIN, INT64_MAX));
      chunks.insert(chunks.end(), part.begin(), part.end());
    }
    GW_RETURN_IF_ERROR(writer->AddSeries(entries[i].labels, chunks));
    i = j;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<BlockMeta> Compact(Env* env, const std::string& parent_dir,
                            std::span<const Block* const> blocks) {
  if (blocks.empty()) return InvalidArgumentError("compact: no blocks given");
  std::vector<const Block*> sorted(blocks.begin(), blocks.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const Block* a, const Block* b) { return a->meta().min_t_ms < b->meta().min_t_ms; });
  int level = 0;
  std::vector<std::string> parents;
  std::vector<std::string> sources;
  GW_RETURN_IF_ERROR(Lineage(sorted, &level, &parents, &sources));
  const int64_t min_t = sorted.front()->meta().min_t_ms;
  int64_t max_t = min_t;
  for (const Block* b : sorted) max_t = std::max(max_t, b->meta().max_t_ms);
  GW_ASSIGN_OR_RETURN(std::unique_ptr<BlockWriter> writer,
                      BlockWriter::Create(env, parent_dir, min_t, max_t, level + 1,
                                          std::move(parents), std::move(sources)));
  GW_RETURN_IF_ERROR(MergeSeries(sorted, writer.get()));
  return writer->Finish();
}

}  // namespace gw::tsdb
