#include "tsdb/wal_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "tsdb/wal_test_util.h"

namespace gw::tsdb {
namespace {

using ::testing::HasSubstr;
using wal_testing::StatusIs;

void ExpectSameSamples(const std::vector<WalSample>& got, const std::vector<WalSample>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ref, want[i].ref) << i;
    EXPECT_EQ(got[i].t_ms, want[i].t_ms) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>(got[i].value), std::bit_cast<uint64_t>(want[i].value)) << i;
  }
}

TEST(WalRecordTest, SeriesRoundTrip) {
  const std::vector<WalSeries> series = {
      {1, {{"__name__", "DCGM_FI_DEV_GPU_UTIL"}, {"gpu", "0"}, {"node", "gpu-node-17"}}},
      {std::numeric_limits<uint64_t>::max(), {}},
      {42, {{"", ""}, {"utf8", "\xce\xbb\xe2\x82\xac"}, {"long", std::string(300, 'x')}}},
  };
  std::string record;
  EncodeSeries(series, &record);
  EXPECT_EQ(*PeekRecordType(record), WalRecordType::kSeries);
  std::vector<WalSeries> got = {{7, {{"stale", "entry"}}}};
  ASSERT_TRUE(DecodeSeries(record, &got).ok());
  EXPECT_EQ(got, series);

  record.clear();
  EncodeSeries({}, &record);
  EXPECT_EQ(record, std::string("\x01\x00", 2));
  ASSERT_TRUE(DecodeSeries(record, &got).ok());
  EXPECT_TRUE(got.empty());
}

TEST(WalRecordTest, SamplesRoundTripWithExtremesAndNaNPayloads) {
  const std::vector<WalSample> samples = {
      {5, 1'700'000'000'000, 1.5},
      {3, 1'700'000'000'000, -0.0},  // ref goes down, time stays
      {std::numeric_limits<uint64_t>::max(), std::numeric_limits<int64_t>::max(),
       std::numeric_limits<double>::infinity()},
      {0, std::numeric_limits<int64_t>::min(), std::bit_cast<double>(0x7FF0000000000002ull)},
      {9, -1, std::numeric_limits<double>::denorm_min()},
  };
  std::string record;
  EncodeSamples(samples, &record);
  EXPECT_EQ(*PeekRecordType(record), WalRecordType::kSamples);
  std::vector<WalSample> got;
  ASSERT_TRUE(DecodeSamples(record, &got).ok());
  ExpectSameSamples(got, samples);
}

TEST(WalRecordTest, SamplesEncodingIsPinned) {
  std::string record;
  const std::vector<WalSample> samples = {{1, 1000, 1.0}, {2, 1015, 2.0}};
  EncodeSamples(samples, &record);
  // type 2, count 2, zigzag(1)=2, zigzag(1000)=2000 (d0 0f), 1.0 little-endian,
  // zigzag(+1)=2, zigzag(+15)=30 (1e), 2.0 little-endian.
  EXPECT_EQ(record, std::string("\x02\x02"
                                "\x02\xd0\x0f\x00\x00\x00\x00\x00\x00\xf0\x3f"
                                "\x02\x1e\x00\x00\x00\x00\x00\x00\x00\x40",
                                23));
}

TEST(WalRecordTest, EveryProperPrefixIsCorruption) {
  std::string series;
  EncodeSeries(std::vector<WalSeries>{{300, {{"job", "1234"}, {"gpu", "3"}}}}, &series);
  std::string samples;
  EncodeSamples(std::vector<WalSample>{{300, -5, 2.5}, {301, 10, 3.5}}, &samples);
  std::vector<WalSeries> s;
  std::vector<WalSample> v;
  for (size_t n = 0; n < series.size(); ++n) {
    EXPECT_EQ(DecodeSeries(series.substr(0, n), &s).code(), StatusCode::kCorruption) << n;
  }
  for (size_t n = 0; n < samples.size(); ++n) {
    EXPECT_EQ(DecodeSamples(samples.substr(0, n), &v).code(), StatusCode::kCorruption) << n;
  }
}

TEST(WalRecordTest, MalformedRecordsSayWhatAndWhere) {
  std::vector<WalSeries> s;
  std::vector<WalSample> v;
  EXPECT_THAT(DecodeSeries("", &s), StatusIs(StatusCode::kCorruption, HasSubstr("empty record")));
  EXPECT_THAT(DecodeSamples(std::string("\x01\x00", 2), &v),
              StatusIs(StatusCode::kCorruption, "WAL record byte 0: record type 1, want 2"));
  EXPECT_THAT(DecodeSeries(std::string("\x01\x00\x00", 3), &s),
              StatusIs(StatusCode::kCorruption, "WAL record byte 2: 1 trailing bytes"));
  EXPECT_THAT(
      DecodeSeries("\x01\x7f", &s),
      StatusIs(StatusCode::kCorruption, "WAL record byte 2: 127 series cannot fit in 0 bytes"));
  EXPECT_THAT(DecodeSamples("\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", &v),
              StatusIs(StatusCode::kCorruption, HasSubstr("varint overflows 64 bits in samples")));
  EXPECT_THAT(DecodeSeries("\x01\x01\x05\x01\x09xx", &s),
              StatusIs(StatusCode::kCorruption,
                       "WAL record byte 5: label name of 9 bytes runs past the end"));
  // A two-byte ref delta leaves 7 bytes for the value.
  EXPECT_THAT(DecodeSamples(std::string("\x02\x01\x80\x01\x02\0\0\0\0\0\0\0", 12), &v),
              StatusIs(StatusCode::kCorruption, "WAL record byte 5: truncated sample value"));
  EXPECT_THAT(PeekRecordType("\x09"),
              StatusIs(StatusCode::kCorruption, "WAL record byte 0: unknown record type 9"));
  EXPECT_THAT(PeekRecordType(""), StatusIs(StatusCode::kCorruption, HasSubstr("empty")));
}

}  // namespace
}  // namespace gw::tsdb
