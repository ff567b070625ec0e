#include "tsdb/block.h"

#include <algorithm>

#include "tsdb/block_format.h"
#include "tsdb/chunk_encoding.h"
#include "tsdb/crc32c.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {
namespace {

std::string_view BaseName(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  const size_t slash = dir.rfind('/');
  return slash == std::string_view::npos ? dir : dir.substr(slash + 1);
}

bool IsSegmentName(std::string_view name) {
  return name.size() == 6 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Reads exactly `n` bytes at `offset`, looping over short reads; a file that ends early is
// kCorruption (it was longer when the block was opened).
Status ReadFully(const RandomAccessFile& file, const std::string& path, uint64_t offset, size_t n,
                 char* scratch) {
  size_t done = 0;
  while (done < n) {
    GW_ASSIGN_OR_RETURN(size_t got, file.Read(offset + done, n - done, scratch + done));
    if (got == 0) return block::CorruptAt(path, offset + done, "file ends early");
    done += got;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Block>> Block::Open(Env* env, std::string dir) {
  std::unique_ptr<Block> b(new Block());
  b->dir_ = std::move(dir);
  const std::string meta_path = JoinPath(b->dir_, block::kMetaFile);
  GW_ASSIGN_OR_RETURN(std::string meta_json, ReadFileToString(env, meta_path));
  GW_ASSIGN_OR_RETURN(b->meta_, ParseBlockMeta(meta_json, meta_path));
  if (b->meta_.ulid != BaseName(b->dir_)) {
    return CorruptionError(meta_path + ": ulid " + b->meta_.ulid +
                           " is not the directory's name (rename the directory back)");
  }
  const std::string index_path = JoinPath(b->dir_, block::kIndexFile);
  GW_ASSIGN_OR_RETURN(std::string index_bytes, ReadFileToString(env, index_path));
  b->size_bytes_ = meta_json.size() + index_bytes.size();
  GW_ASSIGN_OR_RETURN(b->index_, block::IndexReader::Open(std::move(index_bytes), index_path));
  GW_RETURN_IF_ERROR(b->OpenSegments(env));
  return b;
}

Status Block::OpenSegments(Env* env) {
  const std::string chunks_dir = JoinPath(dir_, block::kChunksDir);
  GW_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(chunks_dir));
  std::erase_if(names, [](const std::string& n) { return !IsSegmentName(n); });
  std::sort(names.begin(), names.end());
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string path = JoinPath(chunks_dir, names[i]);
    if (names[i] != block::SegmentName(static_cast<uint32_t>(i + 1))) {
      return CorruptionError(path + ": chunk segments are not numbered 1, 2, ... without gaps");
    }
    GW_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(path));
    GW_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
    if (size < block::kChunksHeaderBytes) return block::CorruptAt(path, 0, "no segment header");
    char header[block::kChunksHeaderBytes];
    GW_RETURN_IF_ERROR(ReadFully(*file, path, 0, sizeof(header), header));
    block::Decoder d(std::string_view(header, sizeof(header)), 0);
    uint32_t magic = 0;
    uint8_t version = 0;
    if (!d.U32(&magic) || !d.U8(&version) || magic != block::kChunksMagic ||
        version < block::kChunksOldestVersion || version > block::kChunksVersion) {
      return block::CorruptAt(path, 0, "bad segment magic or version");
    }
    size_bytes_ += size;
    segments_.push_back({path, std::move(file), size});
  }
  return Status::Ok();
}

StatusOr<ChunkSnapshot> Block::ReadChunk(const block::ChunkMeta& meta) const {
  const uint32_t number = block::ChunkRefSegment(meta.ref);
  const uint64_t offset = block::ChunkRefOffset(meta.ref);
  if (number == 0 || number > segments_.size()) {
    return CorruptionError(JoinPath(dir_, block::kIndexFile) + ": chunk ref names segment " +
                           std::to_string(number) + " of " + std::to_string(segments_.size()));
  }
  const Segment& seg = segments_[number - 1];
  if (offset < block::kChunksHeaderBytes || offset >= seg.size) {
    return block::CorruptAt(seg.path, offset, "chunk ref outside the segment");
  }
  char head[10];
  const size_t head_len = static_cast<size_t>(std::min<uint64_t>(sizeof(head), seg.size - offset));
  GW_RETURN_IF_ERROR(ReadFully(*seg.file, seg.path, offset, head_len, head));
  block::Decoder d(std::string_view(head, head_len), offset);
  uint64_t len = 0;
  if (!d.Uvarint(&len) || len < kXorHeaderBytes || len > block::kMaxChunkBytes) {
    return block::CorruptAt(seg.path, offset, "bad chunk length");
  }
  const uint64_t body_offset = d.offset();
  if (len + 5 > seg.size - body_offset)
    return block::CorruptAt(seg.path, offset, "chunk runs past the segment");
  std::string body(static_cast<size_t>(len) + 5, '\0');  // encoding | data | crc
  GW_RETURN_IF_ERROR(ReadFully(*seg.file, seg.path, body_offset, body.size(), body.data()));
  block::Decoder crc_reader(std::string_view{body}.substr(body.size() - 4), 0);
  uint32_t crc = 0;
  if (!crc_reader.U32(&crc) || crc != crc32c::Value(std::string_view{body}.substr(0, len + 1))) {
    return block::CorruptAt(seg.path, offset, "chunk CRC mismatch");
  }
  const auto encoding = static_cast<uint8_t>(body[0]);
  if (!IsKnownChunkEncoding(encoding)) {
    return block::CorruptAt(seg.path, offset,
                            "unknown chunk encoding " + std::to_string(encoding) +
                                " (a block written by a newer gpuwatchdog?)");
  }
  const auto* data = reinterpret_cast<const uint8_t*>(body.data() + 1);
  return ChunkSnapshot{meta.min_t_ms, meta.max_t_ms,
                       std::make_shared<const std::vector<uint8_t>>(data, data + len), encoding};
}

StatusOr<std::vector<ChunkSnapshot>> Block::ReadChunks(const block::IndexSeries& s, int64_t mint_ms,
                                                       int64_t maxt_ms) const {
  std::vector<ChunkSnapshot> chunks;
  for (const block::ChunkMeta& c : s.chunks) {
    if (c.max_t_ms < mint_ms || c.min_t_ms > maxt_ms) continue;
    GW_ASSIGN_OR_RETURN(ChunkSnapshot chunk, ReadChunk(c));
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

StatusOr<std::vector<SeriesChunks>> Block::Select(const std::vector<Matcher>& matchers,
                                                  int64_t mint_ms, int64_t maxt_ms) const {
  std::vector<SeriesChunks> out;
  if (mint_ms > maxt_ms || maxt_ms < meta_.min_t_ms || mint_ms >= meta_.max_t_ms) return out;
  GW_ASSIGN_OR_RETURN(Postings refs, index_->Select(matchers));
  for (SeriesRef ref : refs) {
    GW_ASSIGN_OR_RETURN(block::IndexSeries s, index_->Series(ref));
    GW_ASSIGN_OR_RETURN(std::vector<ChunkSnapshot> chunks, ReadChunks(s, mint_ms, maxt_ms));
    if (!chunks.empty()) out.push_back({std::move(s.labels), std::move(chunks)});
  }
  return out;
}

StatusOr<std::vector<Labels>> Block::SelectLabels(const std::vector<Matcher>& matchers) const {
  GW_ASSIGN_OR_RETURN(Postings refs, index_->Select(matchers));
  std::vector<Labels> out;
  out.reserve(refs.size());
  for (SeriesRef ref : refs) {
    GW_ASSIGN_OR_RETURN(block::IndexSeries s, index_->Series(ref));
    out.push_back(std::move(s.labels));
  }
  return out;
}

StatusOr<std::vector<std::string>> Block::LabelNames(const std::vector<Matcher>& matchers) const {
  if (matchers.empty()) return index_->LabelNames();
  GW_ASSIGN_OR_RETURN(std::vector<Labels> series, SelectLabels(matchers));
  std::vector<std::string> names;
  for (const Labels& ls : series) {
    for (const Label& l : ls) names.push_back(l.name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

StatusOr<std::vector<std::string>> Block::LabelValues(std::string_view name,
                                                      const std::vector<Matcher>& matchers) const {
  if (matchers.empty()) return index_->LabelValues(name);
  GW_ASSIGN_OR_RETURN(std::vector<Labels> series, SelectLabels(matchers));
  std::vector<std::string> values;
  for (const Labels& ls : series) {
    const std::string_view v = ls.Get(name);
    if (!v.empty()) values.emplace_back(v);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

StatusOr<std::vector<Block::SeriesEntry>> Block::AllSeries() const {
  GW_ASSIGN_OR_RETURN(Postings refs, index_->AllSeries());
  std::vector<SeriesEntry> out;
  out.reserve(refs.size());
  for (SeriesRef ref : refs) {
    GW_ASSIGN_OR_RETURN(block::IndexSeries s, index_->Series(ref));
    out.push_back({std::move(s.labels), ref});
  }
  return out;
}

StatusOr<std::vector<ChunkSnapshot>> Block::Chunks(SeriesRef ref, int64_t mint_ms,
                                                   int64_t maxt_ms) const {
  GW_ASSIGN_OR_RETURN(block::IndexSeries s, index_->Series(ref));
  return ReadChunks(s, mint_ms, maxt_ms);
}

}  // namespace gw::tsdb
