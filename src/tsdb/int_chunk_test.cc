// Tests of the integer chunk writer and reader, and of the choice between it and XOR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "tsdb/chunk_encoding.h"
#include "tsdb/int_format.h"
#include "tsdb/int_reader.h"
#include "tsdb/int_writer.h"
#include "tsdb/sample.h"
#include "tsdb/test_util.h"
#include "tsdb/xor_format.h"
#include "tsdb/xor_writer.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr double kMinDouble = -9223372036854775808.0;  // -2^63, exact
constexpr double kMaxDouble = 9223372036854774784.0;   // the largest double below 2^63
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<uint8_t> XorChunk(const std::vector<Sample>& samples) {
  XorWriter w;
  for (const Sample& s : samples) w.Append(s.t_ms, s.v);
  return w.TakeBytes();
}

StatusOr<std::vector<Sample>> Decode(uint8_t encoding, std::span<const uint8_t> chunk) {
  ChunkIterator it(encoding, chunk);
  std::vector<Sample> out;
  while (it.Next()) out.push_back({it.t_ms(), it.value()});
  if (!it.status().ok()) return it.status();
  return out;
}

void ExpectRoundTrip(const std::vector<Sample>& samples) {
  std::optional<std::vector<uint8_t>> chunk = EncodeIntChunk(samples);
  ASSERT_TRUE(chunk.has_value());
  auto back = Decode(kIntEncoding, *chunk);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ((*back)[i].t_ms, samples[i].t_ms) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>((*back)[i].v), std::bit_cast<uint64_t>(samples[i].v)) << i;
  }
}

std::vector<Sample> Series(const std::vector<double>& values, int64_t t0 = 1'700'000'000'000,
                           int64_t step = 5000) {
  std::vector<Sample> out;
  out.reserve(values.size());
  for (double v : values) out.push_back({t0 + static_cast<int64_t>(out.size()) * step, v});
  return out;
}

TEST(IntChunkTest, IsInt64ValueAcceptsExactIntegersOnly) {
  for (double v : {0.0, 1.0, -1.0, 250000.0, kMinDouble, kMaxDouble, 9007199254740993.0 - 1}) {
    EXPECT_TRUE(IsInt64Value(v)) << v;
  }
  for (double v : {-0.0, 0.5, -1.5, 9223372036854775808.0, -9223372036854777856.0, kInf, -kInf,
                   std::nan(""), StaleMarker(), 1e300}) {
    EXPECT_FALSE(IsInt64Value(v)) << v;
  }
}

TEST(IntChunkTest, RoundTripsValuePatterns) {
  ExpectRoundTrip(Series({7}));
  ExpectRoundTrip(Series({7, 7}));
  ExpectRoundTrip(Series(std::vector<double>(120, 42.0)));  // constant
  std::vector<double> counter, gauge, negative, extremes, wide;
  for (int i = 0; i < 120; ++i) {
    counter.push_back(1.5e9 + i * 1'250'000.0 + (i % 7) * 313);  // an energy counter in mJ
    gauge.push_back(40 + (i * 37 % 5));                          // a temperature
    negative.push_back(-1000.0 * (i + 1) - (i % 3));
    extremes.push_back(i % 2 ? kMinDouble : kMaxDouble);  // differences wrap modulo 2^64
    wide.push_back(i % 3 == 0 ? 0 : i % 3 == 1 ? kMinDouble : 1);
  }
  int pattern = 0;
  for (const auto& values : {counter, gauge, negative, extremes, wide}) {
    SCOPED_TRACE(pattern++);
    ExpectRoundTrip(Series(values));
  }
  std::mt19937_64 rng(7);
  for (int bits : {3, 9, 17, 31, 40, 62}) {
    SCOPED_TRACE(bits);
    std::vector<double> random;
    random.reserve(120);
    for (int i = 0; i < 120; ++i) {
      random.push_back(static_cast<double>(static_cast<int64_t>(rng() >> (64 - bits)) -
                                           (int64_t{1} << (bits - 1))));
    }
    ExpectRoundTrip(Series(random));
  }
  // Timestamps as in XOR chunks: irregular steps and int64 extremes.
  ExpectRoundTrip({{kInt64Min, 1}, {kInt64Min + 1, 2}, {0, 3}, {1, 4}, {kInt64Max, -5}});
  ExpectRoundTrip({{0, 1},
                   {1000, 2},
                   {1999, 3},
                   {3025, 4},
                   {int64_t{1} << 40, 5},
                   {(int64_t{1} << 40) + 1, 6}});
}

TEST(IntChunkTest, RoundTripsEveryValueBucketBoundary) {
  // Order 1 stores deltas: alternating between 0 and x gives deltas x and -x. Each bucket's
  // edges, and one past them.
  std::vector<int64_t> edges;
  for (const DodBucket& b : kIntValueBuckets) {
    const int64_t half = int64_t{1} << (b.value_bits - 1);
    edges.insert(edges.end(), {half, half + 1, half - 1});
  }
  for (int64_t x : edges) {
    SCOPED_TRACE(x);
    const auto v = static_cast<double>(x);
    ExpectRoundTrip(Series({0, v, 0, v, 0, v, -v, v, 0}));
  }
}

TEST(IntChunkTest, RefusesValuesThatWouldNotComeBack) {
  EXPECT_FALSE(EncodeIntChunk({}).has_value());
  for (double bad : {0.5, -0.0, std::nan(""), StaleMarker(), kInf, 9223372036854775808.0}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(EncodeIntChunk(Series({1, 2, 3, bad})).has_value());
  }
}

TEST(IntChunkTest, EncodesTheDocumentedLayout) {
  // docs/formats/chunks.md: (1000, 1), (2000, 2), (3000, 3), (4000, 4).
  auto chunk = EncodeIntChunk(Series({1, 2, 3, 4}, 1000, 1000));
  ASSERT_TRUE(chunk.has_value());
  EXPECT_THAT(*chunk, ElementsAre(0x00, 0x04,  // num_samples
                                  0x02,        // order: delta-of-delta
                                  0xd0, 0x0f,  // varint(1000)
                                  0x02,        // varint(1)
                                  0xe8, 0x07,  // uvarint(1000)
                                  0x02,        // varint(1)
                                  0x00));      // '0' '0' '0' '0' and 4 bits of padding
}

TEST(IntChunkTest, ValueBucketsHaveTheDocumentedPrefixes) {
  // (1000, 0), (2000, 1), (3000, 3): sample 2's delta 2 is '10' + 2 bits; its dod 1 costs as
  // much, and a tie keeps order 1.
  auto chunk = EncodeIntChunk(Series({0, 1, 3}, 1000, 1000));
  ASSERT_TRUE(chunk.has_value());
  EXPECT_THAT(*chunk, ElementsAre(0x00, 0x03, 0x01, 0xd0, 0x0f, 0x00, 0xe8, 0x07, 0x02,
                                  0x50));  // '0' (dod) '10' '10' (delta 2), 3 bits of padding
  // A delta of 3 no longer fits 2 bits ([-1, 2]): '110' + 4 bits.
  chunk = EncodeIntChunk(Series({0, 1, 4}, 1000, 1000));
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->back(), 0b01100011);  // '0' (dod) '110' '0011' (delta 3)
}

TEST(IntChunkTest, PicksTheSmallerValueOrder) {
  std::mt19937_64 rng(11);
  std::vector<double> counter, gauge;
  for (int i = 0; i < 120; ++i) {
    counter.push_back(i * 1'250'000.0);
    gauge.push_back(40 + static_cast<double>(rng() % 3));  // a temperature, no trend
  }
  auto c = EncodeIntChunk(Series(counter));
  auto g = EncodeIntChunk(Series(gauge));
  ASSERT_TRUE(c && g);
  EXPECT_EQ((*c)[2], kIntOrderDeltaOfDelta);
  EXPECT_EQ((*g)[2], kIntOrderDelta);
}

TEST(IntChunkTest, BlockGetsTheSmallerEncoding) {
  std::vector<double> energy;
  energy.reserve(120);
  for (int i = 0; i < 120; ++i) energy.push_back(1.5e9 + i * 1'250'000.0 + (i % 7) * 313);
  const std::vector<uint8_t> xor_energy = XorChunk(Series(energy));
  auto ints = SmallerIntChunk(xor_energy);
  ASSERT_TRUE(ints.has_value());
  EXPECT_LT(ints->size(), xor_energy.size() / 2);
  auto back = Decode(kIntEncoding, *ints);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 120u);

  // Huge jumps between two values: XOR keeps a narrow window, integers need 71 bits each.
  std::vector<double> jumps;
  jumps.reserve(120);
  for (int i = 0; i < 120; ++i) jumps.push_back(i % 2 ? 0 : 4611686018427387904.0);
  EXPECT_FALSE(SmallerIntChunk(XorChunk(Series(jumps))).has_value());

  // Integers, then one value that is not: the chunk stays XOR.
  std::vector<double> mixed = energy;
  mixed.back() += 0.25;
  EXPECT_FALSE(SmallerIntChunk(XorChunk(Series(mixed))).has_value());
  mixed.back() = StaleMarker();
  EXPECT_FALSE(SmallerIntChunk(XorChunk(Series(mixed))).has_value());

  // An XOR chunk that does not decode is left to XOR.
  std::vector<uint8_t> truncated = xor_energy;
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(SmallerIntChunk(truncated).has_value());
}

TEST(IntChunkTest, TruncatedChunkIsCorruptionNeverACrash) {
  std::vector<double> values;
  values.reserve(50);
  for (int i = 0; i < 50; ++i) values.push_back(i * 1000.0 + (i % 4) * 77);
  auto chunk = EncodeIntChunk(Series(values));
  ASSERT_TRUE(chunk.has_value());
  // Every prefix that misses a sample's bits ends in kCorruption. The last byte holds padding,
  // so dropping it may or may not lose bits; stop before it.
  for (size_t len = 0; len + 1 < chunk->size(); ++len) {
    SCOPED_TRACE(len);
    std::span<const uint8_t> prefix(chunk->data(), len);
    EXPECT_THAT(Decode(kIntEncoding, prefix).status(),
                StatusIs(StatusCode::kCorruption, HasSubstr("integer chunk")));
  }
}

TEST(IntChunkTest, BadOrderAndGarbageAreCorruption) {
  auto chunk = EncodeIntChunk(Series({1, 2, 3, 5}));
  ASSERT_TRUE(chunk.has_value());
  for (uint8_t order : {0, 3, 255}) {
    std::vector<uint8_t> bad = *chunk;
    bad[2] = order;
    EXPECT_THAT(Decode(kIntEncoding, bad).status(),
                StatusIs(StatusCode::kCorruption, HasSubstr("value order")));
  }
  // A zero timestamp delta: not increasing.
  std::vector<uint8_t> repeat = {0x00, 0x02, 0x01, 0xd0, 0x0f, 0x02, 0x00, 0x02};
  EXPECT_THAT(Decode(kIntEncoding, repeat).status(),
              StatusIs(StatusCode::kCorruption, HasSubstr("not increasing")));
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rng() % 64);
    for (uint8_t& b : junk) b = static_cast<uint8_t>(rng());
    auto r = Decode(kIntEncoding, junk);
    if (!r.ok()) {
      EXPECT_THAT(r.status(), StatusIs(StatusCode::kCorruption, HasSubstr("integer chunk")));
    }
  }
}

TEST(IntChunkTest, UnknownEncodingIsCorruption) {
  const std::vector<uint8_t> chunk = XorChunk(Series({1, 2}));
  EXPECT_THAT(Decode(3, chunk).status(),
              StatusIs(StatusCode::kCorruption, HasSubstr("chunk encoding 3 unknown")));
  auto back = Decode(kXorEncoding, chunk);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 2u);
}

TEST(IntChunkTest, SeekMovesForwardOnly) {
  auto chunk = EncodeIntChunk(Series({10, 20, 30, 40}, 1000, 1000));
  ASSERT_TRUE(chunk.has_value());
  IntIterator it(*chunk);
  ASSERT_TRUE(it.Seek(2500));
  EXPECT_EQ(it.t_ms(), 3000);
  EXPECT_EQ(it.value(), 30);
  ASSERT_TRUE(it.Seek(1000));  // never backwards
  EXPECT_EQ(it.t_ms(), 3000);
  EXPECT_FALSE(it.Seek(5000));
  EXPECT_TRUE(it.status().ok());
}

}  // namespace
}  // namespace gw::tsdb
