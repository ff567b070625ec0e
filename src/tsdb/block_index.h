// A block's index file (docs/formats/block.md): symbols, series with their chunk metas, postings
// per label pair, the postings table and the TOC.
#ifndef GW_TSDB_BLOCK_INDEX_H_
#define GW_TSDB_BLOCK_INDEX_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "tsdb/block_format.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/postings.h"

namespace gw::tsdb::block {

struct ChunkMeta {
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  uint64_t ref = 0;  // segment << 32 | offset
};

struct IndexSeries {
  Labels labels;
  std::vector<ChunkMeta> chunks;
};

// The bytes of an index over `series`.
// REQUIRES: series in strictly increasing label order, labels non-empty, each with at least one
// chunk. kResourceExhausted if the series section would pass 64 GiB.
StatusOr<std::string> EncodeIndex(std::span<const IndexSeries> series);

// An index read into memory. Open checks the header, TOC, symbols and postings table; series
// and postings lists are checked when read. Every error is kCorruption naming the file and the
// offset. Thread-safe: immutable after Open.
class IndexReader {
 public:
  static StatusOr<std::unique_ptr<IndexReader>> Open(std::string data, std::string file);
  IndexReader(const IndexReader&) = delete;
  IndexReader& operator=(const IndexReader&) = delete;

  // The refs of the series matching every matcher, ascending (so in label order). No matchers
  // select nothing.
  StatusOr<Postings> Select(const std::vector<Matcher>& matchers) const;
  // Every series.
  StatusOr<Postings> AllSeries() const;
  // REQUIRES nothing of `ref`: an unknown ref is kCorruption.
  StatusOr<IndexSeries> Series(SeriesRef ref) const;

  // Sorted, distinct, from the postings table.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;

  size_t size_bytes() const { return data_.size(); }

 private:
  struct PostingsEntry {
    std::string_view value;
    uint64_t offset;
  };

  IndexReader(std::string data, std::string file)
      : data_(std::move(data)), file_(std::move(file)) {}

  Status ParseToc();
  Status ParseSymbols();
  Status ParsePostingsTable();
  Status ParseSection(uint64_t begin, uint64_t end, std::string_view what,
                      std::string_view* body) const;
  StatusOr<Postings> ReadPostings(uint64_t offset) const;
  StatusOr<Postings> ValuesWhere(const Matcher& m, bool want) const;
  StatusOr<Labels> DecodeLabels(Decoder& d) const;
  Status Corrupt(uint64_t offset, std::string_view what) const;

  const std::string data_;
  const std::string file_;
  uint64_t symbols_offset_ = 0;
  uint64_t series_offset_ = 0;
  uint64_t postings_offset_ = 0;
  uint64_t table_offset_ = 0;
  uint64_t toc_offset_ = 0;
  uint64_t all_postings_ = 0;
  std::vector<std::string_view> symbols_;                                         // view data_
  std::map<std::string_view, std::vector<PostingsEntry>, std::less<>> postings_;  // by name
};

}  // namespace gw::tsdb::block

#endif  // GW_TSDB_BLOCK_INDEX_H_
