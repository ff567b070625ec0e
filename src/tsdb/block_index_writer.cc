// Builds the index in memory and returns its bytes; the writer hands them to the file at once.
// The index holds labels and chunk metas only, a small fraction of a block.
#include <algorithm>
#include <cassert>
#include <limits>

#include "tsdb/block_index.h"
#include "tsdb/crc32c.h"

namespace gw::tsdb::block {
namespace {

using PairPostings = std::map<std::pair<std::string_view, std::string_view>, std::vector<uint32_t>>;

std::vector<std::string_view> CollectSymbols(std::span<const IndexSeries> series) {
  std::vector<std::string_view> symbols;
  for (const IndexSeries& s : series) {
    for (const Label& l : s.labels) {
      symbols.push_back(l.name);
      symbols.push_back(l.value);
    }
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  return symbols;
}

uint64_t SymbolIndex(const std::vector<std::string_view>& symbols, std::string_view s) {
  auto it = std::lower_bound(symbols.begin(), symbols.end(), s);
  assert(it != symbols.end() && *it == s);
  return static_cast<uint64_t>(it - symbols.begin());
}

// len:u32 | body | crc:u32, with len and crc over `body`.
void PutSection(std::string* out, std::string_view body) {
  PutU32(out, static_cast<uint32_t>(body.size()));
  out->append(body);
  PutU32(out, crc32c::Value(body));
}

void PutSymbols(std::string* out, const std::vector<std::string_view>& symbols) {
  std::string body;
  PutU32(&body, static_cast<uint32_t>(symbols.size()));
  for (std::string_view s : symbols) PutStr(&body, s);
  PutSection(out, body);
}

void PutSeries(std::string* out, const IndexSeries& s,
               const std::vector<std::string_view>& symbols) {
  std::string body;
  PutUvarint(&body, s.labels.size());
  for (const Label& l : s.labels) {
    PutUvarint(&body, SymbolIndex(symbols, l.name));
    PutUvarint(&body, SymbolIndex(symbols, l.value));
  }
  PutUvarint(&body, s.chunks.size());
  for (const ChunkMeta& c : s.chunks) {
    PutVarint(&body, c.min_t_ms);
    PutUvarint(&body, static_cast<uint64_t>(c.max_t_ms) - static_cast<uint64_t>(c.min_t_ms));
    PutUvarint(&body, c.ref);
  }
  PutUvarint(out, body.size());
  out->append(body);
  PutU32(out, crc32c::Value(body));
}

void PutPostings(std::string* out, const std::vector<uint32_t>& refs) {
  std::string body;
  PutU32(&body, static_cast<uint32_t>(refs.size()));
  for (uint32_t r : refs) PutU32(&body, r);
  PutSection(out, body);
}

// Writes the postings lists (all series first) and then the table of where they are; returns
// the table's offset.
uint64_t PutPostingsAndTable(std::string* out, const std::vector<uint32_t>& all,
                             const PairPostings& pairs) {
  std::vector<std::pair<std::pair<std::string_view, std::string_view>, uint64_t>> table;
  table.push_back({{"", ""}, out->size()});
  PutPostings(out, all);
  for (const auto& [pair, refs] : pairs) {
    table.push_back({pair, out->size()});
    PutPostings(out, refs);
  }
  const uint64_t table_offset = out->size();
  std::string body;
  PutU32(&body, static_cast<uint32_t>(table.size()));
  for (const auto& [pair, offset] : table) {
    PutStr(&body, pair.first);
    PutStr(&body, pair.second);
    PutUvarint(&body, offset);
  }
  PutSection(out, body);
  return table_offset;
}

}  // namespace

StatusOr<std::string> EncodeIndex(std::span<const IndexSeries> series) {
  const std::vector<std::string_view> symbols = CollectSymbols(series);
  std::string out;
  PutU32(&out, kIndexMagic);
  out.push_back(static_cast<char>(kIndexVersion));

  const uint64_t symbols_offset = out.size();
  PutSymbols(&out, symbols);

  const uint64_t series_offset = out.size();
  std::vector<uint32_t> all;
  PairPostings pairs;
  for (const IndexSeries& s : series) {
    out.resize((out.size() + kSeriesAlignment - 1) / kSeriesAlignment * kSeriesAlignment, '\0');
    const uint64_t ref = out.size() / kSeriesAlignment;
    if (ref > std::numeric_limits<uint32_t>::max()) {
      return ResourceExhaustedError("block index: more than 64 GiB of series; cut smaller blocks");
    }
    all.push_back(static_cast<uint32_t>(ref));
    for (const Label& l : s.labels) pairs[{l.name, l.value}].push_back(static_cast<uint32_t>(ref));
    PutSeries(&out, s, symbols);
  }

  const uint64_t postings_offset = out.size();
  const uint64_t table_offset = PutPostingsAndTable(&out, all, pairs);
  std::string toc;
  PutU64(&toc, symbols_offset);
  PutU64(&toc, series_offset);
  PutU64(&toc, postings_offset);
  PutU64(&toc, table_offset);
  out += toc;
  PutU32(&out, crc32c::Value(toc));
  return out;
}

}  // namespace gw::tsdb::block
