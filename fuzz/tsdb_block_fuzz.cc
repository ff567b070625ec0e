// The block reader (src/tsdb/block*.cc) on arbitrary bytes. An input is a whole block:
//
//   index_len:u32 big-endian | index file (index_len bytes) | chunk segment 000001 (the rest)
//
// (an input shorter than 4 bytes, or whose index_len is too large, is all index and no segment),
// put into an in-memory Env next to a valid meta.json. Opening the block, selecting every series,
// decoding their chunks and listing labels may fail but must not crash or read out of bounds.
// The input is also fed to the meta.json parser. Random bytes rarely pass a CRC, so each input
// is tried twice: as it is, and with the CRCs of the index's TOC, symbols, postings table,
// postings lists and series recomputed (FixIndexCrcs), which lets the fuzzer reach the checks
// behind them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/block_meta.h"
#include "tsdb/crc32c.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/series_iterator.h"

namespace {

namespace block = gw::tsdb::block;

void PutU32At(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>(v >> (24 - 8 * i));
}

uint32_t U32At(std::string_view s, size_t at) {
  block::Decoder d(s.substr(at), 0);
  uint32_t v = 0;
  return d.U32(&v) ? v : 0;
}

// Recomputes the CRC of a `len:u32 | body | crc:u32` section at `at`, if it fits.
void FixSection(std::string* s, uint64_t at) {
  if (at > s->size() || s->size() - at < 8) return;
  const uint32_t len = U32At(*s, at);
  if (len > s->size() - at - 8) return;
  PutU32At(s, at + 4 + len, gw::tsdb::crc32c::Value(std::string_view(*s).substr(at + 4, len)));
}

// Recomputes the CRC of the series entry at `at`, if it fits.
void FixSeries(std::string* s, uint64_t at) {
  if (at >= s->size()) return;
  block::Decoder d(std::string_view(*s).substr(at), at);
  uint64_t len = 0;
  std::string_view body;
  if (!d.Uvarint(&len) || len > d.remaining() || !d.Bytes(len, &body) || d.remaining() < 4) return;
  PutU32At(s, d.offset(), gw::tsdb::crc32c::Value(body));
}

// Makes every checksum of an index right, following its own (untrusted) offsets.
std::string FixIndexCrcs(std::string s) {
  if (s.size() < block::kIndexHeaderBytes + block::kTocBytes) return s;
  const size_t toc = s.size() - block::kTocBytes;
  PutU32At(&s, toc + 32, gw::tsdb::crc32c::Value(std::string_view(s).substr(toc, 32)));
  block::Decoder t(std::string_view(s).substr(toc), toc);
  uint64_t symbols = 0, series = 0, postings = 0, table = 0;
  if (!t.U64(&symbols) || !t.U64(&series) || !t.U64(&postings) || !t.U64(&table)) return s;
  FixSection(&s, symbols);
  FixSection(&s, table);
  if (table > s.size() || s.size() - table < 8) return s;
  block::Decoder d(std::string_view(s).substr(table + 8), table + 8);
  std::vector<uint64_t> lists;
  for (;;) {
    std::string_view name, value;
    uint64_t offset = 0;
    if (!d.Str(&name) || !d.Str(&value) || !d.Uvarint(&offset)) break;
    lists.push_back(offset);
  }
  for (uint64_t offset : lists) FixSection(&s, offset);
  for (uint64_t offset : lists) {
    if (offset > s.size() || s.size() - offset < 8) continue;
    const uint32_t count = U32At(s, offset + 4);
    for (uint32_t i = 0; i < count && offset + 8 + 4 * (uint64_t{i} + 1) <= s.size(); ++i) {
      FixSeries(&s, uint64_t{U32At(s, offset + 8 + 4 * i)} * block::kSeriesAlignment);
    }
  }
  return s;
}

void Exercise(const gw::tsdb::Block& b) {
  auto all = gw::tsdb::Matcher::Create(gw::tsdb::MatchType::kRegexMatch, "__name__", ".*");
  auto job = gw::tsdb::Matcher::Create(gw::tsdb::MatchType::kEqual, "job", "gpu");
  if (!all.ok() || !job.ok()) std::abort();
  for (const auto& matchers : {std::vector{*all}, std::vector{*job}}) {
    auto series = b.Select(matchers, INT64_MIN, INT64_MAX);
    if (series.ok()) {
      for (const gw::tsdb::SeriesChunks& s : *series) {
        gw::tsdb::SeriesIterator it(s.chunks, INT64_MIN, INT64_MAX);
        while (it.Next()) {
        }
      }
    }
    b.LabelNames(matchers).IgnoreError();
    b.LabelValues("job", matchers).IgnoreError();
  }
  b.LabelNames({}).IgnoreError();
  b.LabelValues("__name__", {}).IgnoreError();
  auto entries = b.AllSeries();
  if (entries.ok()) {
    for (const auto& e : *entries) b.Chunks(e.ref, 0, 1000).IgnoreError();
  }
}

void OpenAndExercise(std::string_view index, std::string_view segment, bool has_segment) {
  gw::tsdb::BlockMeta meta;
  meta.ulid = "01HV3K8Q5X0000000000000000";
  meta.min_t_ms = 0;
  meta.max_t_ms = 7200000;
  meta.sources = {meta.ulid};
  const std::string dir = "data/" + meta.ulid;
  gw::tsdb::FaultInjectionEnv env;
  if (!env.CreateDirIfMissing("data").ok() || !env.CreateDirIfMissing(dir).ok() ||
      !env.CreateDirIfMissing(dir + "/chunks").ok() ||
      !gw::tsdb::WriteStringToFile(&env, gw::tsdb::EncodeBlockMeta(meta), dir + "/meta.json")
           .ok() ||
      !gw::tsdb::WriteStringToFile(&env, index, dir + "/index").ok() ||
      (has_segment && !gw::tsdb::WriteStringToFile(&env, segment, dir + "/chunks/000001").ok())) {
    std::abort();  // the in-memory Env has no reason to fail
  }
  auto block = gw::tsdb::Block::Open(&env, dir);
  if (block.ok()) Exercise(**block);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  gw::tsdb::ParseBlockMeta(bytes, "meta.json").IgnoreError();

  std::string_view index = bytes;
  std::string_view segment;
  bool has_segment = false;
  if (size >= 4) {
    const uint32_t len =
        (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
    if (len <= size - 4) {
      index = bytes.substr(4, len);
      segment = bytes.substr(4 + len);
      has_segment = true;
    }
  }

  OpenAndExercise(index, segment, has_segment);
  OpenAndExercise(FixIndexCrcs(std::string(index)), segment, has_segment);
  return 0;
}
