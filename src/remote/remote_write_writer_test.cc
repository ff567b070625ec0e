#include "remote/remote_write_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <snappy.h>

#include <string>
#include <string_view>

namespace gw::remote {
namespace {

std::string Bytes(std::initializer_list<uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST(EncodeWriteRequest, EmptyRequestIsEmpty) { EXPECT_EQ(EncodeWriteRequest({}), ""); }

TEST(EncodeWriteRequest, LabelMatchesProtobuf) {
  WriteRequest request{.timeseries = {{.labels = {{"a", "b"}}}}};
  // WriteRequest.timeseries(1, len 8) { TimeSeries.labels(1, len 6) { 0a 01 61 12 01 62 } }
  EXPECT_EQ(EncodeWriteRequest(request),
            Bytes({0x0a, 0x08, 0x0a, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, 'b'}));
}

TEST(EncodeWriteRequest, SampleMatchesProtobuf) {
  WriteRequest request{.timeseries = {{.samples = {{.value = 1.0, .timestamp_ms = 300}}}}};
  // Sample { value: fixed64 1.0 (09 + 00..f0 3f), timestamp: varint 300 (10 ac 02) }
  const std::string sample = Bytes({0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0xac, 0x02});
  EXPECT_EQ(EncodeWriteRequest(request), Bytes({0x0a, 0x0e, 0x12, 0x0c}) + sample);
}

TEST(EncodeWriteRequest, DefaultsAreOmittedAsInProto3) {
  WriteRequest request{.timeseries = {{.samples = {{.value = 0.0, .timestamp_ms = 0}}}}};
  EXPECT_EQ(EncodeWriteRequest(request), Bytes({0x0a, 0x02, 0x12, 0x00}));
}

TEST(EncodeWriteRequest, NegativeZeroIsKept) {
  WriteRequest request{.timeseries = {{.samples = {{.value = -0.0}}}}};
  EXPECT_EQ(EncodeWriteRequest(request),
            Bytes({0x0a, 0x0b, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80}));
}

TEST(EncodeWriteRequest, NegativeTimestampTakesTenBytes) {
  WriteRequest request{.timeseries = {{.samples = {{.timestamp_ms = -1}}}}};
  EXPECT_EQ(EncodeWriteRequest(request), Bytes({0x0a, 0x0d, 0x12, 0x0b, 0x10, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(EncodeWriteRequest, MetadataMatchesProtobuf) {
  WriteRequest request{.metadata = {{.type = static_cast<int32_t>(MetricType::kGauge),
                                     .metric_family_name = "up",
                                     .help = "h",
                                     .unit = "s"}}};
  EXPECT_EQ(EncodeWriteRequest(request), Bytes({0x1a, 0x0c, 0x08, 0x02, 0x12, 0x02, 'u', 'p', 0x22,
                                                0x01, 'h', 0x2a, 0x01, 's'}));
}

TEST(EncodeWriteRequest, LongStringGetsMultiByteLength) {
  WriteRequest request{.timeseries = {{.labels = {{"a", std::string(200, 'x')}}}}};
  const std::string encoded = EncodeWriteRequest(request);
  // TimeSeries length 209 = d1 01; Label length 206 = ce 01; value length 200 = c8 01.
  EXPECT_EQ(encoded.substr(0, 11),
            Bytes({0x0a, 0xd1, 0x01, 0x0a, 0xce, 0x01, 0x0a, 0x01, 'a', 0x12, 0xc8}));
  EXPECT_EQ(encoded.size(), 3u + 209u);
}

TEST(CompressSnappy, IsBlockFormatNotFramed) {
  const std::string raw(1000, 'z');
  const std::string compressed = CompressSnappy(raw);
  // A block starts with the uncompressed length as a varint (1000 = e8 07); the framed format
  // would start with the stream identifier ff 06 00 00 73 4e 61 50 70 59.
  ASSERT_GE(compressed.size(), 2u);
  EXPECT_EQ(compressed.substr(0, 2), Bytes({0xe8, 0x07}));
  std::string back;
  ASSERT_TRUE(snappy::Uncompress(compressed.data(), compressed.size(), &back));
  EXPECT_EQ(back, raw);
}

TEST(EncodeBody, IsSnappyOfProtobuf) {
  WriteRequest request{.timeseries = {{.labels = {{"__name__", "up"}}}}};
  std::string back;
  const std::string body = EncodeBody(request);
  ASSERT_TRUE(snappy::Uncompress(body.data(), body.size(), &back));
  EXPECT_EQ(back, EncodeWriteRequest(request));
}

}  // namespace
}  // namespace gw::remote
