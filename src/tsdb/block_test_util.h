// Helpers for the block tests: random series with their samples as ground truth, chunks cut
// from them, and decoding what a block returns back into samples.
#ifndef GW_TSDB_BLOCK_TEST_UTIL_H_
#define GW_TSDB_BLOCK_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "tsdb/block.h"
#include "tsdb/block_writer.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/series_iterator.h"
#include "tsdb/xor_format.h"
#include "tsdb/xor_writer.h"

namespace gw::tsdb::block_testing {

using ::gw::testing::StatusIs;

// A sample compared by the bits of its value, so NaNs (and the stale marker) compare exactly.
struct BitSample {
  int64_t t_ms;
  uint64_t v_bits;
  friend bool operator==(const BitSample&, const BitSample&) = default;
};

// Series labels -> samples: the ground truth.
using Truth = std::map<Labels, std::vector<BitSample>>;

inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002;  // Prometheus' StaleNaN

inline double RandomValue(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return std::bit_cast<double>(kStaleNaNBits);
    case 1:
      return std::bit_cast<double>(0x7ff8000000000000 | (rng() & 0xfffff));  // NaN payloads
    case 2:
      return (rng() % 2) ? std::numeric_limits<double>::infinity() : -0.0;
    case 3:
      return static_cast<double>(rng() % 100);
    default:
      return std::bit_cast<double>(rng());  // anything, including negative NaNs
  }
}

// `num_series` series with samples at random steps in [min_t, max_t).
inline Truth RandomTruth(uint64_t seed, int num_series, int64_t min_t, int64_t max_t,
                         const std::string& metric = "m") {
  std::mt19937_64 rng(seed);
  Truth truth;
  for (int i = 0; i < num_series; ++i) {
    Labels labels{{"__name__", metric + std::to_string(i % 3)},
                  {"instance", "node" + std::to_string(i)},
                  {"job", (i % 2) ? "gpu" : "slurm"}};
    std::vector<BitSample>& samples = truth[labels];
    for (int64_t t = min_t + static_cast<int64_t>(rng() % 1000); t < max_t;
         t += 1 + static_cast<int64_t>(rng() % 20000)) {
      samples.push_back({t, std::bit_cast<uint64_t>(RandomValue(rng))});
    }
    if (samples.empty()) truth.erase(labels);
  }
  return truth;
}

// Like RandomTruth, but every value is an integer (counters in mJ, gauges, negative and int64
// extremes), so the block writer stores integer chunks.
inline Truth IntegerTruth(uint64_t seed, int num_series, int64_t min_t, int64_t max_t) {
  std::mt19937_64 rng(seed);
  Truth truth;
  for (int i = 0; i < num_series; ++i) {
    Labels labels{{"__name__", "int" + std::to_string(i % 3)},
                  {"instance", "node" + std::to_string(i)}};
    std::vector<BitSample>& samples = truth[labels];
    double counter = static_cast<double>(rng() % 1'000'000'000);
    for (int64_t t = min_t + static_cast<int64_t>(rng() % 1000); t < max_t;
         t += 5000 + static_cast<int64_t>(rng() % 50)) {
      counter += 1'250'000.0 + static_cast<double>(rng() % 100'000);
      const double gauge = 40.0 + static_cast<double>(rng() % 3);
      const double extreme = rng() % 2 ? -9223372036854775808.0 : 9223372036854774784.0;
      const double v = i % 4 == 0 ? counter : i % 4 == 1 ? gauge : i % 4 == 2 ? -gauge : extreme;
      samples.push_back({t, std::bit_cast<uint64_t>(v)});
    }
    if (samples.empty()) truth.erase(labels);
  }
  return truth;
}

// How many chunks of each encoding `b` holds.
inline std::map<uint8_t, int> CountEncodings(const Block& b) {
  std::map<uint8_t, int> out;
  StatusOr<std::vector<Block::SeriesEntry>> series = b.AllSeries();
  EXPECT_TRUE(series.ok()) << series.status().ToString();
  if (!series.ok()) return out;
  for (const Block::SeriesEntry& s : *series) {
    StatusOr<std::vector<ChunkSnapshot>> chunks = b.Chunks(s.ref, INT64_MIN, INT64_MAX);
    EXPECT_TRUE(chunks.ok()) << chunks.status().ToString();
    if (!chunks.ok()) continue;
    for (const ChunkSnapshot& c : *chunks) ++out[c.encoding];
  }
  return out;
}

inline std::vector<ChunkSnapshot> CutChunks(const std::vector<BitSample>& samples) {
  std::vector<ChunkSnapshot> chunks;
  XorWriter w;
  auto cut = [&] {
    if (w.num_samples() == 0) return;
    const int64_t mint = w.min_t_ms();
    const int64_t maxt = w.max_t_ms();
    chunks.push_back({mint, maxt, std::make_shared<const std::vector<uint8_t>>(w.TakeBytes())});
  };
  for (const BitSample& s : samples) {
    if (w.Full()) cut();
    w.Append(s.t_ms, std::bit_cast<double>(s.v_bits));
  }
  cut();
  return chunks;
}

inline StatusOr<BlockMeta> WriteBlock(Env* env, const std::string& dir, const Truth& truth,
                                      int64_t min_t, int64_t max_t) {
  GW_ASSIGN_OR_RETURN(auto w, BlockWriter::Create(env, dir, min_t, max_t));
  for (const auto& [labels, samples] : truth) {
    GW_RETURN_IF_ERROR(w->AddSeries(labels, CutChunks(samples)));
  }
  return w->Finish();
}

// Decodes chunks back into samples within [mint, maxt]; a decode error is an empty optional.
inline StatusOr<std::vector<BitSample>> Decode(const std::vector<ChunkSnapshot>& chunks,
                                               int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX) {
  std::vector<BitSample> out;
  SeriesIterator it(chunks, mint, maxt);
  while (it.Next()) out.push_back({it.t_ms(), std::bit_cast<uint64_t>(it.value())});
  if (!it.status().ok()) return it.status();
  return out;
}

// Every series of `b` over [mint, maxt], decoded.
inline StatusOr<Truth> ReadAll(const Block& b, int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX) {
  GW_ASSIGN_OR_RETURN(Matcher all, Matcher::Create(MatchType::kRegexMatch, "__name__", ".*"));
  GW_ASSIGN_OR_RETURN(std::vector<SeriesChunks> series, b.Select({all}, mint, maxt));
  Truth out;
  for (const SeriesChunks& s : series) {
    GW_ASSIGN_OR_RETURN(std::vector<BitSample> samples, Decode(s.chunks, mint, maxt));
    if (!samples.empty()) out[s.labels] = std::move(samples);
  }
  return out;
}

// `truth` restricted to [mint, maxt].
inline Truth Clip(const Truth& truth, int64_t mint, int64_t maxt) {
  Truth out;
  for (const auto& [labels, samples] : truth) {
    std::vector<BitSample> kept;
    for (const BitSample& s : samples) {
      if (s.t_ms >= mint && s.t_ms <= maxt) kept.push_back(s);
    }
    if (!kept.empty()) out[labels] = std::move(kept);
  }
  return out;
}

inline Matcher M(MatchType type, std::string name, std::string value) {
  return Matcher::Create(type, std::move(name), std::move(value)).value();
}

}  // namespace gw::tsdb::block_testing

#endif  // GW_TSDB_BLOCK_TEST_UTIL_H_
