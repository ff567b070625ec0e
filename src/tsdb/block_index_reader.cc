// Every offset and length comes from disk: each is checked against the section that must hold
// it before anything is read, so a damaged index is kCorruption, never an out-of-bounds read.
#include <algorithm>

#include "tsdb/block_index.h"
#include "tsdb/crc32c.h"

namespace gw::tsdb::block {

Status IndexReader::Corrupt(uint64_t offset, std::string_view what) const {
  return CorruptAt(file_, offset, what);
}

StatusOr<std::unique_ptr<IndexReader>> IndexReader::Open(std::string data, std::string file) {
  std::unique_ptr<IndexReader> r(new IndexReader(std::move(data), std::move(file)));
  if (r->data_.size() < kIndexHeaderBytes + kTocBytes) {
    return r->Corrupt(
        0, "file too short for an index (" + std::to_string(r->data_.size()) + " bytes)");
  }
  Decoder header(r->data_, 0);
  uint32_t magic = 0;
  uint8_t version = 0;
  if (!header.U32(&magic) || !header.U8(&version) || magic != kIndexMagic) {
    return r->Corrupt(0, "bad index magic");
  }
  if (version != kIndexVersion) {
    return r->Corrupt(4, "unsupported index version " + std::to_string(version));
  }
  GW_RETURN_IF_ERROR(r->ParseToc());
  GW_RETURN_IF_ERROR(r->ParseSymbols());
  GW_RETURN_IF_ERROR(r->ParsePostingsTable());
  return r;
}

Status IndexReader::ParseToc() {
  toc_offset_ = data_.size() - kTocBytes;
  const std::string_view toc(data_.data() + toc_offset_, kTocBytes);
  Decoder d(toc, toc_offset_);
  uint32_t crc = 0;
  if (!d.U64(&symbols_offset_) || !d.U64(&series_offset_) || !d.U64(&postings_offset_) ||
      !d.U64(&table_offset_) || !d.U32(&crc)) {
    return Corrupt(toc_offset_, "truncated TOC");
  }
  if (crc != crc32c::Value(toc.substr(0, kTocBytes - 4)))
    return Corrupt(toc_offset_, "TOC CRC mismatch");
  if (symbols_offset_ != kIndexHeaderBytes || series_offset_ < symbols_offset_ ||
      postings_offset_ < series_offset_ || table_offset_ < postings_offset_ ||
      table_offset_ >= toc_offset_) {
    return Corrupt(toc_offset_, "TOC offsets out of order or outside the file");
  }
  return Status::Ok();
}

// A section `len:u32 | body | crc:u32` that starts at `begin` and must end by `end`.
Status IndexReader::ParseSection(uint64_t begin, uint64_t end, std::string_view what,
                                 std::string_view* body) const {
  Decoder d(std::string_view{data_}.substr(begin, end - begin), begin);
  uint32_t len = 0;
  uint32_t crc = 0;
  if (!d.U32(&len) || !d.Bytes(len, body) || !d.U32(&crc)) {
    return Corrupt(begin, std::string(what) + " runs past its section");
  }
  if (crc != crc32c::Value(*body)) return Corrupt(begin, std::string(what) + " CRC mismatch");
  return Status::Ok();
}

Status IndexReader::ParseSymbols() {
  std::string_view body;
  GW_RETURN_IF_ERROR(ParseSection(symbols_offset_, series_offset_, "symbol table", &body));
  Decoder d(body, symbols_offset_ + 4);
  uint32_t count = 0;
  if (!d.U32(&count) || count > d.remaining()) return Corrupt(d.offset(), "bad symbol count");
  symbols_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view s;
    if (!d.Str(&s)) return Corrupt(d.offset(), "truncated symbol");
    if (!symbols_.empty() && s <= symbols_.back()) return Corrupt(d.offset(), "symbols not sorted");
    symbols_.push_back(s);
  }
  return Status::Ok();
}

Status IndexReader::ParsePostingsTable() {
  std::string_view body;
  GW_RETURN_IF_ERROR(ParseSection(table_offset_, toc_offset_, "postings table", &body));
  Decoder d(body, table_offset_ + 4);
  uint32_t count = 0;
  if (!d.U32(&count) || count == 0) return Corrupt(d.offset(), "empty postings table");
  std::pair<std::string_view, std::string_view> prev;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name;
    std::string_view value;
    uint64_t offset = 0;
    const uint64_t at = d.offset();
    if (!d.Str(&name) || !d.Str(&value) || !d.Uvarint(&offset)) {
      return Corrupt(at, "truncated postings table entry");
    }
    if (offset < postings_offset_ || offset >= table_offset_) {
      return Corrupt(at, "postings offset outside the postings section");
    }
    if (i == 0) {
      if (!name.empty() || !value.empty()) return Corrupt(at, "first postings entry is not all");
      all_postings_ = offset;
      continue;
    }
    if (name.empty() || value.empty() || std::pair(name, value) <= prev) {
      return Corrupt(at, "postings table not sorted or has an empty label");
    }
    prev = {name, value};
    postings_[name].push_back({value, offset});
  }
  return Status::Ok();
}

StatusOr<Postings> IndexReader::ReadPostings(uint64_t offset) const {
  std::string_view body;
  GW_RETURN_IF_ERROR(ParseSection(offset, table_offset_, "postings list", &body));
  Decoder d(body, offset + 4);
  uint32_t count = 0;
  if (!d.U32(&count) || d.remaining() != uint64_t{count} * 4) {
    return Corrupt(offset, "postings count does not match its length");
  }
  Postings refs;
  refs.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t ref = 0;
    if (!d.U32(&ref)) return Corrupt(d.offset(), "truncated postings list");
    if (!refs.empty() && ref <= refs.back()) return Corrupt(d.offset() - 4, "postings not sorted");
    refs.push_back(ref);
  }
  return refs;
}

StatusOr<Postings> IndexReader::AllSeries() const { return ReadPostings(all_postings_); }

// As MemIndex::ValuesWhere: series whose value of m.name() matches (or not), never those
// without the label.
StatusOr<Postings> IndexReader::ValuesWhere(const Matcher& m, bool want) const {
  auto it = postings_.find(m.name());
  if (it == postings_.end()) return Postings{};
  std::vector<Postings> lists;
  for (const PostingsEntry& e : it->second) {
    if (m.Matches(e.value) != want) continue;
    GW_ASSIGN_OR_RETURN(Postings refs, ReadPostings(e.offset));
    lists.push_back(std::move(refs));
  }
  std::vector<const Postings*> ptrs;
  ptrs.reserve(lists.size());
  for (const Postings& l : lists) ptrs.push_back(&l);
  return ptrs.empty() ? Postings{} : Merge(ptrs);
}

// Prometheus' PostingsForMatchers, as MemIndex::Select.
StatusOr<Postings> IndexReader::Select(const std::vector<Matcher>& matchers) const {
  if (matchers.empty()) return Postings{};
  std::vector<Postings> include;
  std::vector<Postings> exclude;
  for (const Matcher& m : matchers) {
    const bool matches_empty = m.Matches("");
    GW_ASSIGN_OR_RETURN(Postings refs, ValuesWhere(m, !matches_empty));
    if (!matches_empty && refs.empty()) return Postings{};
    (matches_empty ? exclude : include).push_back(std::move(refs));
  }
  Postings result;
  if (include.empty()) {
    GW_ASSIGN_OR_RETURN(result, AllSeries());
  } else {
    std::sort(include.begin(), include.end(),
              [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
    result = std::move(include[0]);
    for (size_t i = 1; i < include.size() && !result.empty(); ++i) {
      result = Intersect(result, include[i]);
    }
  }
  for (const Postings& e : exclude) {
    if (!e.empty()) result = Subtract(result, e);
  }
  return result;
}

StatusOr<Labels> IndexReader::DecodeLabels(Decoder& d) const {
  uint64_t n = 0;
  if (!d.Uvarint(&n) || n == 0 || n > d.remaining() / 2)
    return Corrupt(d.offset(), "bad label count");
  std::vector<Label> labels;
  labels.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t name = 0;
    uint64_t value = 0;
    const uint64_t at = d.offset();
    if (!d.Uvarint(&name) || !d.Uvarint(&value) || name >= symbols_.size() ||
        value >= symbols_.size()) {
      return Corrupt(at, "label refers to no symbol");
    }
    const std::string_view n_sym = symbols_[name];
    const std::string_view v_sym = symbols_[value];
    if (n_sym.empty() || v_sym.empty() || (!labels.empty() && n_sym <= labels.back().name)) {
      return Corrupt(at, "labels empty, unsorted or repeated");
    }
    labels.push_back({std::string(n_sym), std::string(v_sym)});
  }
  return Labels::FromSortedUnchecked(std::move(labels));
}

StatusOr<IndexSeries> IndexReader::Series(SeriesRef ref) const {
  const uint64_t offset = ref * kSeriesAlignment;
  if (ref > UINT32_MAX || offset < series_offset_ || offset >= postings_offset_) {
    return Corrupt(offset, "series ref " + std::to_string(ref) + " outside the series section");
  }
  Decoder frame(std::string_view{data_}.substr(offset, postings_offset_ - offset), offset);
  uint64_t len = 0;
  std::string_view body;
  uint32_t crc = 0;
  if (!frame.Uvarint(&len) || len > frame.remaining() || !frame.Bytes(len, &body) ||
      !frame.U32(&crc)) {
    return Corrupt(offset, "series runs past its section");
  }
  if (crc != crc32c::Value(body)) return Corrupt(offset, "series CRC mismatch");
  Decoder d(body, frame.offset() - 4 - body.size());
  IndexSeries s;
  GW_ASSIGN_OR_RETURN(s.labels, DecodeLabels(d));
  uint64_t n = 0;
  if (!d.Uvarint(&n) || n == 0 || n > d.remaining() / 3)
    return Corrupt(d.offset(), "bad chunk count");
  s.chunks.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    ChunkMeta c;
    uint64_t span = 0;
    const uint64_t at = d.offset();
    if (!d.Varint(&c.min_t_ms) || !d.Uvarint(&span) || !d.Uvarint(&c.ref)) {
      return Corrupt(at, "truncated chunk meta");
    }
    if (__builtin_add_overflow(c.min_t_ms, span, &c.max_t_ms) || c.max_t_ms < c.min_t_ms ||
        (!s.chunks.empty() && c.min_t_ms <= s.chunks.back().max_t_ms)) {
      return Corrupt(at, "chunk times overflow or overlap");
    }
    s.chunks.push_back(c);
  }
  return s;
}

std::vector<std::string> IndexReader::LabelNames() const {
  std::vector<std::string> names;
  for (const auto& [name, values] : postings_) names.emplace_back(name);
  return names;
}

std::vector<std::string> IndexReader::LabelValues(std::string_view name) const {
  std::vector<std::string> values;
  auto it = postings_.find(name);
  if (it == postings_.end()) return values;
  for (const PostingsEntry& e : it->second) values.emplace_back(e.value);
  return values;
}

}  // namespace gw::tsdb::block
