#include "remote/receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "remote/remote_write_writer.h"
#include "tsdb/recording_storage.h"
#include "tsdb/sample.h"

namespace gw::remote {
namespace {

using ::testing::HasSubstr;

http::Request Post(const std::string& body) {
  http::Request request;
  request.method = "POST";
  request.target = request.path = "/api/v1/write";
  request.headers = {{"content-encoding", "snappy"},
                     {"content-type", "application/x-protobuf"},
                     {"x-prometheus-remote-write-version", "0.1.0"}};
  request.body = body;
  return request;
}

http::Request Post(const WriteRequest& write_request) { return Post(EncodeBody(write_request)); }

std::string Body(const http::Response& r) { return r.body ? *r.body : ""; }

TimeSeries Series(std::vector<Label> labels, std::vector<Sample> samples) {
  return TimeSeries{std::move(labels), std::move(samples)};
}

// The value of the sample of family `name` whose labels include `label=value`; -1 if absent.
double MetricValue(const RemoteWriteReceiver& receiver, const std::string& name,
                   const std::string& label = "", const std::string& value = "") {
  std::vector<metrics::MetricFamily> families;
  receiver.AppendMetrics(families);
  for (const auto& f : families) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) {
      if (label.empty()) return s.value;
      for (const auto& l : s.labels) {
        if (l.name == label && l.value == value) return s.value;
      }
    }
  }
  return -1;
}

class ReceiverTest : public ::testing::Test {
 protected:
  tsdb::RecordingStorage storage_;
  RemoteWriteReceiver receiver_{storage_};
};

TEST_F(ReceiverTest, AppendsEverySampleExactlyAndAnswers204) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "gpu_temp"}, {"gpu", "0"}, {"node", "n1"}},
                                      {{61.5, 1000}, {62.25, 2000}, {-0.0, 3000}}));
  request.timeseries.push_back(Series({{"__name__", "gpu_temp"}, {"gpu", "1"}, {"node", "n1"}},
                                      {{70, 1000}, {1e300, 2000}}));
  const http::Response response = receiver_.Handle(Post(request));
  ASSERT_EQ(response.status, 204) << Body(response);
  EXPECT_EQ(Body(response), "");

  const std::vector<tsdb::RecordedSample> got = storage_.samples();
  ASSERT_EQ(got.size(), 5u);
  const tsdb::Labels gpu0{{"__name__", "gpu_temp"}, {"gpu", "0"}, {"node", "n1"}};
  const tsdb::Labels gpu1{{"__name__", "gpu_temp"}, {"gpu", "1"}, {"node", "n1"}};
  const std::vector<std::tuple<tsdb::Labels, int64_t, double>> want = {{gpu0, 1000, 61.5},
                                                                       {gpu0, 2000, 62.25},
                                                                       {gpu0, 3000, -0.0},
                                                                       {gpu1, 1000, 70},
                                                                       {gpu1, 2000, 1e300}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].labels, std::get<0>(want[i])) << i;
    EXPECT_EQ(got[i].t_ms, std::get<1>(want[i])) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>(got[i].v), std::bit_cast<uint64_t>(std::get<2>(want[i])))
        << i;
  }
  EXPECT_EQ(storage_.commits(), 1u) << "one Appender, one Commit per request";
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_samples_appended_total"), 5);
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_requests_total", "code", "204"), 1);
}

TEST_F(ReceiverTest, KeepsStaleMarkerAndOtherNaNBits) {
  const double stale = tsdb::StaleMarker();
  const double other_nan = std::bit_cast<double>(uint64_t{0x7ff8000000000001});
  WriteRequest request;
  request.timeseries.push_back(
      Series({{"__name__", "up"}, {"job", "gpu"}}, {{1, 1000}, {stale, 2000}, {other_nan, 3000}}));
  ASSERT_EQ(receiver_.Handle(Post(request)).status, 204);
  const auto got = storage_.samples();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(std::bit_cast<uint64_t>(got[1].v), tsdb::kStaleNaNBits);
  EXPECT_EQ(std::bit_cast<uint64_t>(got[2].v), uint64_t{0x7ff8000000000001});
}

TEST_F(ReceiverTest, DropsEmptyLabelValuesAsPrometheusDoes) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "m"}, {"empty", ""}, {"x", "1"}}, {{1, 5}}));
  ASSERT_EQ(receiver_.Handle(Post(request)).status, 204);
  ASSERT_EQ(storage_.samples().size(), 1u);
  EXPECT_EQ(storage_.samples()[0].labels, (tsdb::Labels{{"__name__", "m"}, {"x", "1"}}));
}

TEST_F(ReceiverTest, RequestWithoutSeriesIs204AndCountsMetadata) {
  WriteRequest request;
  request.metadata.push_back({.type = 1, .metric_family_name = "m_total", .help = "h", .unit = ""});
  request.metadata.push_back({.type = 2, .metric_family_name = "g", .help = "h", .unit = ""});
  EXPECT_EQ(receiver_.Handle(Post(request)).status, 204);
  EXPECT_TRUE(storage_.samples().empty());
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_ignored_total", "kind", "metadata"),
            2);
}

TEST_F(ReceiverTest, OtherMethodsAre405) {
  http::Request request = Post(WriteRequest{});
  request.method = "GET";
  const http::Response response = receiver_.Handle(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_THAT(Body(response), HasSubstr("use POST"));
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_requests_total", "code", "405"), 1);
}

TEST_F(ReceiverTest, WrongContentEncodingIs400) {
  http::Request request = Post(WriteRequest{});
  request.headers["content-encoding"] = "gzip";
  const http::Response response = receiver_.Handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("Content-Encoding \"gzip\" is not supported"));
  EXPECT_THAT(Body(response), HasSubstr("send Content-Encoding: snappy"));
}

TEST_F(ReceiverTest, WrongContentTypeIs400) {
  http::Request request = Post(WriteRequest{});
  request.headers["content-type"] = "application/json";
  const http::Response response = receiver_.Handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("Content-Type \"application/json\" is not supported"));
}

TEST_F(ReceiverTest, RemoteWrite2ContentTypeIs415) {
  http::Request request = Post(WriteRequest{});
  request.headers["content-type"] = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
  const http::Response response = receiver_.Handle(request);
  EXPECT_EQ(response.status, 415);
  EXPECT_THAT(Body(response), HasSubstr("remote_write 2.0 is not supported"));
}

TEST_F(ReceiverTest, AcceptsV1ProtoParameterAndAbsentHeaders) {
  WriteRequest one;
  one.timeseries.push_back(Series({{"__name__", "m"}}, {{1, 1000}}));
  http::Request request = Post(one);
  request.headers["content-type"] = "application/x-protobuf; proto=prometheus.WriteRequest";
  EXPECT_EQ(receiver_.Handle(request).status, 204);
  one.timeseries[0].samples[0].timestamp_ms = 2000;
  request = Post(one);
  request.headers.clear();
  EXPECT_EQ(receiver_.Handle(request).status, 204);
  EXPECT_EQ(storage_.samples().size(), 2u);
}

TEST_F(ReceiverTest, BodyThatIsNotSnappyIs400) {
  const http::Response response =
      receiver_.Handle(Post(std::string("\xff\xff\xff\xff\xff\x01", 6)));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("snappy"));
  EXPECT_TRUE(storage_.samples().empty());
}

TEST_F(ReceiverTest, SnappyOfBrokenProtobufIs400WithTheOffset) {
  // A TimeSeries field whose length (100) runs past the end.
  const http::Response response = receiver_.Handle(Post(CompressSnappy("\x0a\x64\x0a\x01")));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("byte 1: length 100 runs past the end"));
}

TEST_F(ReceiverTest, InvalidSeriesIs400AndNothingIsStored) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "ok"}}, {{1, 1000}}));
  request.timeseries.push_back(Series({{"b", "1"}, {"a", "2"}, {"__name__", "m"}}, {{1, 1000}}));
  const http::Response response = receiver_.Handle(Post(request));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("series 1"));
  EXPECT_TRUE(storage_.samples().empty()) << "a request is all or nothing when it is invalid";
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_samples_rejected_total", "reason",
                        "invalid"),
            2);
}

TEST_F(ReceiverTest, SeriesWithoutNameIs400) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"job", "x"}}, {{1, 1000}}));
  const http::Response response = receiver_.Handle(Post(request));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("__name__"));
}

TEST(ReceiverLimitsTest, BodyOverTheLimitIs413) {
  tsdb::RecordingStorage storage;
  RemoteWriteReceiver receiver(storage, ReceiverOptions{.limits = {.max_body_bytes = 10}});
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "a_long_metric_name"}}, {{1, 1000}}));
  const http::Response response = receiver.Handle(Post(request));
  EXPECT_EQ(response.status, 413);
  EXPECT_THAT(Body(response), HasSubstr("over the limit of 10"));
}

TEST(ReceiverLimitsTest, TooManySeriesIs413) {
  tsdb::RecordingStorage storage;
  RemoteWriteReceiver receiver(storage, ReceiverOptions{.limits = {.max_series = 1}});
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "a"}}, {{1, 1000}}));
  request.timeseries.push_back(Series({{"__name__", "b"}}, {{1, 1000}}));
  EXPECT_EQ(receiver.Handle(Post(request)).status, 413);
  EXPECT_TRUE(storage.samples().empty());
}

TEST_F(ReceiverTest, OutOfOrderIs400AndTheRestIsKept) {
  WriteRequest first;
  first.timeseries.push_back(Series({{"__name__", "m"}, {"i", "1"}}, {{1, 5000}}));
  ASSERT_EQ(receiver_.Handle(Post(first)).status, 204);

  WriteRequest second;
  second.timeseries.push_back(Series({{"__name__", "m"}, {"i", "1"}}, {{2, 4000}}));
  second.timeseries.push_back(Series({{"__name__", "m"}, {"i", "2"}}, {{3, 4000}}));
  const http::Response response = receiver_.Handle(Post(second));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("1 of 2 samples rejected (1 out of order, 0 duplicate"));
  EXPECT_THAT(Body(response), HasSubstr("the other 1 were stored"));
  ASSERT_EQ(storage_.samples().size(), 2u);
  EXPECT_EQ(storage_.samples()[1].labels.Get("i"), "2");
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_samples_rejected_total", "reason",
                        "out_of_order"),
            1);
}

TEST_F(ReceiverTest, DuplicateTimestampIs400) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "m"}}, {{1, 5000}}));
  ASSERT_EQ(receiver_.Handle(Post(request)).status, 204);
  request.timeseries[0].samples[0].value = 2;
  const http::Response response = receiver_.Handle(Post(request));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response), HasSubstr("1 duplicate"));
}

TEST_F(ReceiverTest, CommitFailureIs500SoTheSenderRetries) {
  WriteRequest request;
  request.timeseries.push_back(Series({{"__name__", "m"}}, {{1, 5000}, {2, 6000}}));
  storage_.FailCommits(IoError("write wal segment 12: No space left on device"));
  const http::Response response = receiver_.Handle(Post(request));
  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(Body(response), HasSubstr("could not write 2 samples"));
  EXPECT_THAT(Body(response), HasSubstr("No space left on device"));
  EXPECT_TRUE(storage_.samples().empty());

  storage_.FailCommits(Status::Ok());
  EXPECT_EQ(receiver_.Handle(Post(request)).status, 204) << "the retry succeeds";
  EXPECT_EQ(storage_.samples().size(), 2u);
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_requests_total", "code", "500"), 1);
}

// Protobuf by hand: a length-delimited field.
std::string Field(uint8_t number, const std::string& bytes) {
  std::string out(1, static_cast<char>(number << 3 | 2));
  out += static_cast<char>(bytes.size());  // REQUIRES: < 128 bytes
  return out + bytes;
}

TEST_F(ReceiverTest, CountsAndIgnoresExemplarsAndHistograms) {
  const std::string label = Field(1, "__name__") + Field(2, "m");
  const std::string sample = std::string("\x09\0\0\0\0\0\0\xf0\x3f\x10\xe8\x07", 12);  // 1.0@1000
  const std::string exemplar = Field(1, Field(1, "trace_id") + Field(2, "abc")) + sample;
  const std::string histogram = "\x08\x05";  // count_int = 5
  const std::string series = Field(1, label) + Field(2, sample) + Field(3, exemplar) +
                             Field(3, exemplar) + Field(4, histogram);
  const std::string protobuf = Field(1, series);

  const IgnoredCounts counts = CountIgnoredFields(protobuf);
  EXPECT_EQ(counts.exemplars, 2u);
  EXPECT_EQ(counts.histograms, 1u);

  ASSERT_EQ(receiver_.Handle(Post(CompressSnappy(protobuf))).status, 204);
  ASSERT_EQ(storage_.samples().size(), 1u);
  EXPECT_EQ(storage_.samples()[0].t_ms, 1000);
  EXPECT_EQ(storage_.samples()[0].v, 1.0);
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_ignored_total", "kind", "exemplar"),
            2);
  EXPECT_EQ(MetricValue(receiver_, "gw_remote_write_receiver_ignored_total", "kind", "histogram"),
            1);
}

TEST(CountIgnoredFieldsTest, StopsAtMalformedInputWithoutReadingPastIt) {
  EXPECT_EQ(CountIgnoredFields("\x0a\x7f").exemplars, 0u);
  EXPECT_EQ(CountIgnoredFields(std::string("\x0a\x02\x1a", 3)).exemplars, 0u);
}

}  // namespace
}  // namespace gw::remote
