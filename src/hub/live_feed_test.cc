#include "hub/live_feed.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace gw::hub {
namespace {

// Everything queued on a stream so far, concatenated.
std::string Drain(http::EventStream& stream) {
  std::string out;
  for (const std::string& chunk : stream.Take().chunks) out += chunk;
  return out;
}

class LiveFeedTest : public ::testing::Test {
 protected:
  LiveFeed feed_{[this] {
    ++signal_reads_;
    return signal_;
  }};
  LiveSignal signal_;
  int signal_reads_ = 0;
};

TEST(SamplesEventDataTest, WritesUnixSecondsWithMilliseconds) {
  EXPECT_EQ(SamplesEventData(1700000000123), R"({"t":1700000000.123})");
  EXPECT_EQ(SamplesEventData(5), R"({"t":0.005})");
  EXPECT_EQ(SamplesEventData(-1), R"({"t":-0.001})");
}

TEST_F(LiveFeedTest, NewStreamStartsWithTheRetryHint) {
  std::shared_ptr<http::EventStream> stream = feed_.Subscribe();
  EXPECT_EQ(Drain(*stream), "retry: 5000\n\n");
}

TEST_F(LiveFeedTest, SendsSamplesWhenTheStoreGrewAndNothingOtherwise) {
  std::shared_ptr<http::EventStream> stream = feed_.Subscribe();
  Drain(*stream);
  signal_ = {.samples_appended = 10, .newest_sample_ms = 1000};
  EXPECT_EQ(feed_.Poll(), 1u);  // baseline
  EXPECT_EQ(Drain(*stream), "");
  signal_ = {.samples_appended = 20, .newest_sample_ms = 2500};
  feed_.Poll();
  EXPECT_EQ(Drain(*stream), "event: samples\ndata: {\"t\":2.500}\n\n");
  feed_.Poll();
  EXPECT_EQ(Drain(*stream), "");
  // Samples older than the newest still count: a remote_write backfill is new data too.
  signal_.samples_appended = 21;
  feed_.Poll();
  EXPECT_EQ(Drain(*stream), "event: samples\ndata: {\"t\":2.500}\n\n");
}

TEST_F(LiveFeedTest, SendsAlertsWhenTheFiringCountChanges) {
  std::shared_ptr<http::EventStream> stream = feed_.Subscribe();
  feed_.Poll();
  Drain(*stream);
  signal_.firing_alerts = 2;
  feed_.Poll();
  EXPECT_EQ(Drain(*stream), "event: alerts\ndata: {\"firing\":2}\n\n");
  signal_.firing_alerts = 0;
  feed_.Poll();
  EXPECT_EQ(Drain(*stream), "event: alerts\ndata: {\"firing\":0}\n\n");
}

TEST_F(LiveFeedTest, FansOutToEveryStreamAndDropsClosedOnes) {
  std::shared_ptr<http::EventStream> a = feed_.Subscribe();
  std::shared_ptr<http::EventStream> b = feed_.Subscribe();
  feed_.Poll();
  Drain(*a);
  Drain(*b);
  signal_.samples_appended = 1;
  EXPECT_EQ(feed_.Poll(), 2u);
  EXPECT_EQ(Drain(*a), Drain(*b));
  a->Finish();  // the client went away
  signal_.samples_appended = 2;
  EXPECT_EQ(feed_.Poll(), 1u);
  EXPECT_NE(Drain(*b), "");
}

TEST_F(LiveFeedTest, ReadsTheSignalOnlyWhileSomeoneListens) {
  EXPECT_EQ(feed_.Poll(), 0u);
  EXPECT_EQ(signal_reads_, 0);
  std::shared_ptr<http::EventStream> stream = feed_.Subscribe();
  feed_.Poll();
  EXPECT_EQ(signal_reads_, 1);
  stream->Finish();
  feed_.Poll();
  EXPECT_EQ(signal_reads_, 1);
}

TEST_F(LiveFeedTest, StopClosesEveryStream) {
  std::shared_ptr<http::EventStream> stream = feed_.Subscribe();
  feed_.Stop();
  EXPECT_TRUE(stream->closed());
}

TEST_F(LiveFeedTest, HandleAnswersGetWithAStreamAndPostWith405) {
  http::Request get;
  get.method = "GET";
  http::Response r = feed_.Handle(get);
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.stream);
  http::Request post;
  post.method = "POST";
  http::Response refused = feed_.Handle(post);
  EXPECT_EQ(refused.status, 405);
  EXPECT_FALSE(refused.stream);
}

}  // namespace
}  // namespace gw::hub
