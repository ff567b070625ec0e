#include "tsdb/block_meta.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <limits>
#include <random>

#include "tsdb/block_format.h"

namespace gw::tsdb {
namespace {

namespace json = boost::json;

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

Status MetaError(std::string_view file, std::string_view what) {
  return CorruptionError(std::string(file) + ": " + std::string(what));
}

// The non-throwing accessors of Boost.JSON: a missing or mistyped field is nullptr.
const json::value* Field(const json::object& o, std::string_view key) { return o.if_contains(key); }

bool GetInt64(const json::object& o, std::string_view key, int64_t* out) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return false;
  if (const int64_t* i = v->if_int64()) {
    *out = *i;
    return true;
  }
  if (const uint64_t* u = v->if_uint64(); u && *u <= uint64_t{INT64_MAX}) {
    *out = static_cast<int64_t>(*u);
    return true;
  }
  return false;
}

bool GetUint64(const json::object& o, std::string_view key, uint64_t* out) {
  int64_t i = 0;
  if (GetInt64(o, key, &i) && i >= 0) {
    *out = static_cast<uint64_t>(i);
    return true;
  }
  const json::value* v = Field(o, key);
  if (const uint64_t* u = v ? v->if_uint64() : nullptr) {
    *out = *u;
    return true;
  }
  return false;
}

bool GetUlids(const json::object& o, std::string_view key, std::vector<std::string>* out) {
  const json::value* v = Field(o, key);
  const json::array* a = v ? v->if_array() : nullptr;
  if (a == nullptr) return false;
  for (const json::value& e : *a) {
    const json::string* s = e.if_string();
    if (s == nullptr || !IsUlid(*s)) return false;
    out->emplace_back(*s);
  }
  return true;
}

const json::object* GetObject(const json::object& o, std::string_view key) {
  const json::value* v = Field(o, key);
  return v ? v->if_object() : nullptr;
}

json::array UlidArray(const std::vector<std::string>& ulids) {
  json::array a;
  for (const std::string& u : ulids) a.emplace_back(u);
  return a;
}

}  // namespace

std::string NewUlid(int64_t now_ms) {
  std::random_device rd;
  // 80 random bits: 16 in `hi`, 64 in `lo`.
  const uint64_t hi = rd() & 0xffff;
  const uint64_t lo = (uint64_t{rd()} << 32) | rd();
  const auto t = static_cast<uint64_t>(now_ms) & ((uint64_t{1} << 48) - 1);
  std::string out(26, '0');
  // 128 bits = t(48) | hi(16) | lo(64), written as 26 groups of 5 bits (the first has 3).
  for (int i = 25; i >= 0; --i) {
    const int bit = (25 - i) * 5;  // of the lowest bit of this group, from the right
    uint64_t group = 0;
    for (int b = 0; b < 5; ++b) {
      const int pos = bit + b;
      uint64_t v = 0;
      if (pos < 64) {
        v = (lo >> pos) & 1;
      } else if (pos < 80) {
        v = (hi >> (pos - 64)) & 1;
      } else if (pos < 128) {
        v = (t >> (pos - 80)) & 1;
      }
      group |= v << b;
    }
    out[static_cast<size_t>(i)] = kCrockford[group];
  }
  return out;
}

std::string NewUlid() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return NewUlid(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

bool IsUlid(std::string_view s) {
  if (s.size() != 26 || s[0] > '7') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return kCrockford.find(c) != std::string_view::npos; });
}

std::string EncodeBlockMeta(const BlockMeta& meta) {
  json::object o;
  o["ulid"] = meta.ulid;
  o["minTime"] = meta.min_t_ms;
  o["maxTime"] = meta.max_t_ms;
  o["stats"] = json::object{{"numSeries", meta.num_series},
                            {"numChunks", meta.num_chunks},
                            {"numSamples", meta.num_samples}};
  o["compaction"] = json::object{{"level", meta.level},
                                 {"sources", UlidArray(meta.sources)},
                                 {"parents", UlidArray(meta.parents)}};
  o["version"] = block::kMetaVersion;
  return json::serialize(o) + "\n";
}

StatusOr<BlockMeta> ParseBlockMeta(std::string_view text, std::string_view file) {
  boost::system::error_code ec;
  const json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return MetaError(file, "invalid JSON: " + ec.message());
  const json::object* o = root.if_object();
  if (o == nullptr) return MetaError(file, "not a JSON object");
  int64_t version = 0;
  if (!GetInt64(*o, "version", &version) || version != block::kMetaVersion) {
    return MetaError(file, "missing or unsupported \"version\" (want 1)");
  }
  BlockMeta meta;
  const json::value* ulid = Field(*o, "ulid");
  if (ulid == nullptr || !ulid->is_string() || !IsUlid(ulid->get_string())) {
    return MetaError(file, "missing or invalid \"ulid\"");
  }
  meta.ulid = std::string(ulid->get_string());
  if (!GetInt64(*o, "minTime", &meta.min_t_ms) || !GetInt64(*o, "maxTime", &meta.max_t_ms) ||
      meta.min_t_ms >= meta.max_t_ms) {
    return MetaError(file, "missing \"minTime\"/\"maxTime\", or minTime >= maxTime");
  }
  const json::object* stats = GetObject(*o, "stats");
  if (stats == nullptr || !GetUint64(*stats, "numSeries", &meta.num_series) ||
      !GetUint64(*stats, "numChunks", &meta.num_chunks) ||
      !GetUint64(*stats, "numSamples", &meta.num_samples)) {
    return MetaError(file, "missing or invalid \"stats\"");
  }
  const json::object* compaction = GetObject(*o, "compaction");
  int64_t level = 0;
  if (compaction == nullptr || !GetInt64(*compaction, "level", &level) || level < 1 ||
      level > std::numeric_limits<int>::max() || !GetUlids(*compaction, "sources", &meta.sources) ||
      !GetUlids(*compaction, "parents", &meta.parents)) {
    return MetaError(file, "missing or invalid \"compaction\"");
  }
  meta.level = static_cast<int>(level);
  return meta;
}

}  // namespace gw::tsdb
