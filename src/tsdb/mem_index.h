// The head's inverted index: label pair -> postings of series refs, over interned strings.
#ifndef GW_TSDB_MEM_INDEX_H_
#define GW_TSDB_MEM_INDEX_H_

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/postings.h"

namespace gw::tsdb {

// A label as two symbol ids (name, value): what a series keeps instead of its strings.
struct LabelIds {
  SymbolTable::Id name;
  SymbolTable::Id value;
};

// Owns the symbol table and one reference to each symbol per indexed series, so a series' ids
// stay valid from Add until its Remove.
// Thread-safe: one reader-writer lock; Select and the listings share it, Add and Remove take it
// exclusively. Symbols are released only under the exclusive lock, so readers may look up any
// symbol reachable from the index while they hold the shared lock.
class MemIndex {
 public:
  // Indexes series `ref` and returns its labels as ids, in the order of `labels`.
  // REQUIRES: `ref` is not indexed yet.
  std::vector<LabelIds> Add(SeriesRef ref, const Labels& labels);
  // Unindexes the series and releases their symbols.
  // REQUIRES: each was added with exactly these ids.
  void Remove(std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> series);

  // The refs of the series matching all `matchers`, sorted. No matchers select nothing.
  Postings Select(const std::vector<Matcher>& matchers) const;
  // Sorted, distinct.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;
  size_t num_series() const;

  // REQUIRES: `id` belongs to a series that the caller knows is indexed.
  std::string_view Symbol(SymbolTable::Id id) const { return symbols_.Lookup(id); }
  const SymbolTable& symbols() const { return symbols_; }

 private:
  using ValuePostings = std::unordered_map<SymbolTable::Id, Postings>;

  // Postings of the series whose value of m.name() matches (want == true) or does not match
  // (want == false) `m`; series without the label are not included either way.
  Postings ValuesWhere(const Matcher& m, bool want) const;

  mutable std::shared_mutex mu_;
  SymbolTable symbols_;
  std::unordered_map<SymbolTable::Id, ValuePostings> postings_;  // name -> value -> refs
  Postings all_;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_MEM_INDEX_H_
