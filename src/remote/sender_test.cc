#include "remote/sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/status_matchers.h"
#include "common/test_support.h"
#include "http/server.h"
#include "remote/remote_write_reader.h"
#include "remote/sender_impl.h"  // AuthorizationValue
#include "tsdb/sample.h"

namespace gw::remote {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using ::gw::testing::StatusIs;
using ::testing::HasSubstr;

// A remote_write receiver for tests: decodes every request with the project's reader, keeps
// it with its headers and arrival time, and answers from a script (204 once it runs out).
class FakeReceiver {
 public:
  struct Reply {
    int status = 204;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  struct Received {
    http::Request request;
    WriteRequest decoded;
    Clock::time_point at;
    int answered = 0;
  };

  explicit FakeReceiver(std::string listen = "127.0.0.1:0") {
    http::ServerOptions options;
    options.listen_address = std::move(listen);
    options.max_request_bytes = 16 << 20;
    auto server =
        http::Server::Start(options, [this](const http::Request& r) { return Handle(r); });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/v1/write";
  }
  uint16_t port() const { return server_->port(); }
  void Shutdown() { server_->Shutdown(); }

  void Script(std::vector<Reply> replies) {
    std::lock_guard lock(mu_);
    script_.assign(replies.begin(), replies.end());
  }
  void AlwaysAnswer(int status) {
    std::lock_guard lock(mu_);
    always_ = status;
  }

  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  // Samples of 2xx-answered requests, in arrival order.
  size_t AcceptedSamples() const {
    std::lock_guard lock(mu_);
    return accepted_samples_;
  }
  bool WaitForAccepted(size_t n, milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return accepted_samples_ >= n; });
  }
  bool WaitForRequests(size_t n, milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
  }

 private:
  http::Response Handle(const http::Request& request) {
    StatusOr<WriteRequest> decoded = DecodeBody(request.body);
    std::lock_guard lock(mu_);
    Reply reply{always_, {}};
    if (!script_.empty()) {
      reply = script_.front();
      script_.pop_front();
    }
    if (!decoded.ok()) reply = {400, {}};
    received_.push_back(
        {request, decoded.ok() ? *decoded : WriteRequest{}, Clock::now(), reply.status});
    if (reply.status / 100 == 2) {
      for (const TimeSeries& ts : received_.back().decoded.timeseries) {
        accepted_samples_ += ts.samples.size();
      }
    }
    cv_.notify_all();
    http::Response response = http::Response::Text(reply.status, reply.status == 204 ? "" : "no");
    response.headers = reply.headers;
    return response;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Reply> script_;
  int always_ = 204;
  std::vector<Received> received_;
  size_t accepted_samples_ = 0;
  std::unique_ptr<http::Server> server_;
};

SenderOptions FastOptions(const std::string& url) {
  SenderOptions o;
  o.url = url;
  o.name = "test";
  o.remote_timeout = milliseconds(5000);
  o.batch_send_deadline = milliseconds(50);
  o.min_backoff = milliseconds(10);
  o.max_backoff = milliseconds(100);
  return o;
}

std::unique_ptr<RemoteWriteSender> StartSender(const SenderOptions& options) {
  auto sender = RemoteWriteSender::Start(options);
  EXPECT_TRUE(sender.ok()) << sender.status().ToString();
  return sender.ok() ? std::move(*sender) : nullptr;
}

tsdb::Labels SeriesLabels(int i) {
  return tsdb::Labels{{"__name__", "gpu_util"}, {"gpu", std::to_string(i)}};
}

// Announces series 1..n (ref i has SeriesLabels(i)).
void Announce(RemoteWriteSender& sender, int n) {
  for (int i = 1; i <= n; ++i) sender.OnSeries(static_cast<tsdb::SeriesRef>(i), SeriesLabels(i));
}

std::vector<tsdb::IngestObserver::RefSample> Samples(tsdb::SeriesRef ref, int64_t from_ms,
                                                     int count) {
  std::vector<tsdb::IngestObserver::RefSample> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back({ref, from_ms + int64_t{i} * 1000, static_cast<double>(from_ms + i)});
  }
  return out;
}

size_t SampleCount(const WriteRequest& r) {
  size_t n = 0;
  for (const auto& ts : r.timeseries) n += ts.samples.size();
  return n;
}

TEST(SenderTest, SendsTheRemoteWriteHeadersAndLabels) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.headers["X-Scope-OrgID"] = "cluster-a";
  options.external_labels = tsdb::Labels{{"cluster", "a"}, {"gpu", "external-loses"}};
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 1000, 3));
  sender->Stop(milliseconds(5000));

  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  const http::Request& r = got[0].request;
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/api/v1/write");
  EXPECT_EQ(r.Header("content-encoding"), "snappy");
  EXPECT_EQ(r.Header("content-type"), "application/x-protobuf");
  EXPECT_EQ(r.Header("x-prometheus-remote-write-version"), "0.1.0");
  EXPECT_EQ(r.Header("user-agent"), "gpuwatchdog/0.1.0");
  EXPECT_EQ(r.Header("x-scope-orgid"), "cluster-a");
  ASSERT_EQ(got[0].decoded.timeseries.size(), 1u);
  const TimeSeries& ts = got[0].decoded.timeseries[0];
  EXPECT_EQ(ts.labels,
            (std::vector<Label>{{"__name__", "gpu_util"}, {"cluster", "a"}, {"gpu", "1"}}))
      << "external labels merged in sorted order; the series' own gpu label wins";
  EXPECT_EQ(ts.samples, (std::vector<Sample>{{1000, 1000}, {1001, 2000}, {1002, 3000}}));
  EXPECT_EQ(sender->stats().samples_sent, 3u);
  EXPECT_EQ(sender->stats().highest_sent_ms, 3000);
}

TEST(SenderTest, SendsBasicAuth) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.authorization =
      SenderAuthorization{.type = "Basic", .username = "alice", .secret = "s3cret:x"};
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 1000, 1));
  sender->Stop(milliseconds(5000));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].request.Header("authorization"),
            "Basic YWxpY2U6czNjcmV0Ong=");  // alice:s3cret:x
}

// The credentials file is read for every request, so a rotated token is used without a restart;
// while it cannot be read the batch waits and is retried, as after a network error.
TEST(SenderTest, ReadsTheCredentialsFileForEveryRequest) {
  gw::testing::TempDir dir;
  const std::string file = (dir.path() / "token").string();
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.authorization = SenderAuthorization{.type = "Bearer", .secret_file = file};
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 1000, 1));
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(receiver.received().size(), 0u) << "no request without the file";
  EXPECT_GT(sender->stats().samples_retried, 0u);
  std::ofstream(file) << " token-1\n";  // surrounding whitespace is not part of the token
  ASSERT_TRUE(receiver.WaitForAccepted(1, milliseconds(10'000)));
  std::ofstream(file) << "token-2";
  sender->OnSamples(Samples(1, 5000, 1));
  ASSERT_TRUE(receiver.WaitForAccepted(2, milliseconds(10'000)));
  sender->Stop(milliseconds(5000));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].request.Header("authorization"), "Bearer token-1");
  EXPECT_EQ(got[1].request.Header("authorization"), "Bearer token-2");
}

TEST(SenderTest, AuthorizationValueNamesTheFileNeverTheSecret) {
  gw::testing::TempDir dir;
  const std::string file = (dir.path() / "token").string();
  std::ofstream(file) << "line-1\nline-2\n";
  SenderAuthorization auth{.type = "Bearer", .secret = "inline-secret", .secret_file = file};
  StatusOr<std::string> value = AuthorizationValue(auth);
  EXPECT_THAT(value, StatusIs(StatusCode::kUnavailable, HasSubstr(file + ": holds more than one")));
  EXPECT_THAT(value.status().message(), ::testing::Not(HasSubstr("line-1")));
  auth.secret_file = (dir.path() / "missing").string();
  EXPECT_THAT(AuthorizationValue(auth),
              StatusIs(StatusCode::kUnavailable, HasSubstr("missing: cannot be opened")));
  auth.secret_file.clear();
  value = AuthorizationValue(auth);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(*value, "Bearer inline-secret");
}

TEST(SenderTest, BatchesAreAtMostMaxSamplesPerSend) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.max_samples_per_send = 100;
  options.batch_send_deadline = milliseconds(60'000);  // only full batches go out before Stop
  auto sender = StartSender(options);
  Announce(*sender, 10);
  for (int i = 1; i <= 10; ++i) sender->OnSamples(Samples(i, 0, 100));
  ASSERT_TRUE(receiver.WaitForAccepted(1000, milliseconds(10'000)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 10u);
  for (const auto& r : got) EXPECT_EQ(SampleCount(r.decoded), 100u);
  sender->Stop(milliseconds(1000));
  EXPECT_EQ(sender->stats().samples_sent, 1000u);
}

TEST(SenderTest, PartialBatchGoesOutAfterTheBatchDeadline) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.max_samples_per_send = 1000;
  options.batch_send_deadline = milliseconds(300);
  auto sender = StartSender(options);
  Announce(*sender, 1);
  const auto start = Clock::now();
  sender->OnSamples(Samples(1, 0, 5));
  ASSERT_TRUE(receiver.WaitForAccepted(5, milliseconds(5000)));
  const auto waited = receiver.received()[0].at - start;
  EXPECT_LE(waited, milliseconds(1500));
  EXPECT_EQ(SampleCount(receiver.received()[0].decoded), 5u);
  sender->Stop(milliseconds(1000));
  EXPECT_EQ(sender->stats().pending, 0u);
  EXPECT_EQ(receiver.received().size(), 1u);
}

TEST(SenderTest, KeepsPerSeriesOrderAcrossShards) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.shards = 4;
  options.max_samples_per_send = 37;
  options.capacity = 100'000;
  auto sender = StartSender(options);
  constexpr int kSeries = 50;
  constexpr int kRounds = 40;
  Announce(*sender, kSeries);
  // Interleaved commits: each round commits 5 samples of every series.
  for (int round = 0; round < kRounds; ++round) {
    std::vector<tsdb::IngestObserver::RefSample> commit;
    for (int s = 1; s <= kSeries; ++s) {
      for (int k = 0; k < 5; ++k) {
        const int64_t t = int64_t{round * 5 + k} * 1000;
        const double v = s * 1e6 + static_cast<double>(t);
        commit.push_back({static_cast<tsdb::SeriesRef>(s), t, v});
      }
    }
    sender->OnSamples(commit);
  }
  sender->Stop(milliseconds(10'000));
  ASSERT_EQ(receiver.AcceptedSamples(), size_t{kSeries} * kRounds * 5);

  std::map<std::string, std::vector<Sample>> by_series;
  for (const auto& r : receiver.received()) {
    EXPECT_LE(SampleCount(r.decoded), 37u);
    for (const auto& ts : r.decoded.timeseries) {
      auto& v = by_series[ts.labels[1].value];
      v.insert(v.end(), ts.samples.begin(), ts.samples.end());
    }
  }
  ASSERT_EQ(by_series.size(), size_t{kSeries});
  for (int s = 1; s <= kSeries; ++s) {
    const auto& got = by_series[std::to_string(s)];
    ASSERT_EQ(got.size(), size_t{kRounds} * 5) << s;
    for (size_t i = 0; i < got.size(); ++i) {
      const int64_t t = static_cast<int64_t>(i) * 1000;
      ASSERT_EQ(got[i].timestamp_ms, t) << "series " << s << " sample " << i;
      ASSERT_EQ(got[i].value, s * 1e6 + t);
    }
  }
}

TEST(SenderTest, StaleMarkersAreSentBitExact) {
  FakeReceiver receiver;
  auto sender = StartSender(FastOptions(receiver.url()));
  Announce(*sender, 1);
  const tsdb::IngestObserver::RefSample stale{1, 5000, tsdb::StaleMarker()};
  sender->OnSamples(std::span(&stale, 1));
  sender->Stop(milliseconds(5000));
  ASSERT_EQ(receiver.received().size(), 1u);
  const Sample got = receiver.received()[0].decoded.timeseries.at(0).samples.at(0);
  EXPECT_EQ(std::bit_cast<uint64_t>(got.value), tsdb::kStaleNaNBits);
}

TEST(SenderTest, RetriesServerErrorsWithTheSameBatch) {
  FakeReceiver receiver;
  receiver.Script({{500, {}}, {503, {}}, {204, {}}});
  auto sender = StartSender(FastOptions(receiver.url()));
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 10));
  ASSERT_TRUE(receiver.WaitForAccepted(10, milliseconds(5000)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].request.body, got[1].request.body);
  EXPECT_EQ(got[1].request.body, got[2].request.body);
  // Backoff: 10 ms, then 20 ms.
  EXPECT_GE(got[1].at - got[0].at, milliseconds(9));
  EXPECT_GE(got[2].at - got[1].at, milliseconds(19));
  sender->Stop(milliseconds(1000));
  const SenderStats s = sender->stats();
  EXPECT_EQ(s.samples_sent, 10u);
  EXPECT_EQ(s.samples_retried, 20u);
  EXPECT_EQ(s.samples_failed, 0u);
  EXPECT_EQ(s.requests, 3u);
}

TEST(SenderTest, HonorsRetryAfterOn429) {
  FakeReceiver receiver;
  receiver.Script({{429, {{"Retry-After", "1"}}}, {204, {}}});
  SenderOptions options = FastOptions(receiver.url());
  options.max_backoff = milliseconds(5000);
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 4));
  ASSERT_TRUE(receiver.WaitForAccepted(4, milliseconds(10'000)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(got[1].at - got[0].at, milliseconds(950)) << "waited for Retry-After, not 10 ms";
  EXPECT_EQ(sender->stats().samples_retried, 4u);
}

TEST(SenderTest, RetriesTooManyRequestsWithoutRetryAfterOnBackoff) {
  FakeReceiver receiver;
  receiver.Script({{429, {}}, {204, {}}});
  auto sender = StartSender(FastOptions(receiver.url()));
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 4));
  ASSERT_TRUE(receiver.WaitForAccepted(4, milliseconds(5000)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_LT(got[1].at - got[0].at, milliseconds(900));
}

TEST(SenderTest, NeverRetriesA400AndCountsTheBatchAsFailed) {
  FakeReceiver receiver;
  receiver.Script({{400, {}}});
  auto sender = StartSender(FastOptions(receiver.url()));
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 10));
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  // Ten backoffs' worth of time: a retry would have come by now.
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(receiver.received().size(), 1u);
  EXPECT_EQ(sender->stats().samples_failed, 10u);
  EXPECT_EQ(sender->stats().pending, 0u);

  sender->OnSamples(Samples(1, 100'000, 3));  // the next batch is sent as usual
  ASSERT_TRUE(receiver.WaitForAccepted(3, milliseconds(5000)));
  sender->Stop(milliseconds(1000));
  EXPECT_EQ(sender->stats().samples_sent, 3u);
  EXPECT_EQ(sender->stats().samples_retried, 0u);
}

TEST(SenderTest, RetriesWhenTheReceiverIsDown) {
  uint16_t port = 0;
  {
    FakeReceiver gone;
    port = gone.port();
  }
  SenderOptions options = FastOptions("http://127.0.0.1:" + std::to_string(port) + "/w");
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 6));
  const auto until = Clock::now() + milliseconds(5000);
  while (sender->stats().samples_retried < 12 && Clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_GE(sender->stats().samples_retried, 12u) << "connection refused is retried";
  FakeReceiver back("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(back.WaitForAccepted(6, milliseconds(5000)));
  sender->Stop(milliseconds(1000));
  EXPECT_EQ(sender->stats().samples_sent, 6u);
  EXPECT_EQ(sender->stats().samples_failed, 0u);
}

TEST(SenderTest, FullQueueDropsNewSamplesWithoutBlocking) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.capacity = 10;
  options.max_samples_per_send = 5;
  auto sender = StartSender(options);
  Announce(*sender, 1);
  // One call holds the queue's lock throughout, so exactly `capacity` samples get in.
  sender->OnSamples(Samples(1, 0, 100));
  EXPECT_EQ(sender->stats().dropped_queue_full, 90u);
  sender->Stop(milliseconds(5000));
  EXPECT_EQ(receiver.AcceptedSamples(), 10u);
  EXPECT_EQ(sender->stats().samples_sent, 10u);
}

TEST(SenderTest, FullQueueWhileTheReceiverFailsNeverBlocksTheCaller) {
  FakeReceiver receiver;
  receiver.AlwaysAnswer(503);
  SenderOptions options = FastOptions(receiver.url());
  options.capacity = 50;
  auto sender = StartSender(options);
  Announce(*sender, 1);
  const auto start = Clock::now();
  for (int i = 0; i < 100; ++i) sender->OnSamples(Samples(1, int64_t{i} * 100'000, 10));
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_GE(sender->stats().dropped_queue_full, 950u);
  sender->Stop(milliseconds(200));
  const SenderStats s = sender->stats();
  EXPECT_EQ(s.samples_sent, 0u);
  EXPECT_EQ(s.dropped_queue_full + s.dropped_shutdown, 1000u) << "every sample is accounted for";
  EXPECT_EQ(s.pending, 0u);
}

TEST(SenderTest, UnknownSeriesAreDroppedAndCounted) {
  FakeReceiver receiver;
  auto sender = StartSender(FastOptions(receiver.url()));
  sender->OnSamples(Samples(42, 0, 3));
  EXPECT_EQ(sender->stats().dropped_unknown_series, 3u);
  sender->Stop(milliseconds(1000));
  EXPECT_TRUE(receiver.received().empty());
}

TEST(SenderTest, QueuedSamplesOfARemovedSeriesStillGoOutWithTheirLabels) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.batch_send_deadline = milliseconds(60'000);
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 3));
  const tsdb::SeriesRef removed = 1;
  sender->OnSeriesRemoved(std::span(&removed, 1));
  sender->OnSamples(Samples(1, 10'000, 1));
  EXPECT_EQ(sender->stats().dropped_unknown_series, 1u);
  sender->Stop(milliseconds(5000));
  ASSERT_EQ(receiver.AcceptedSamples(), 3u);
  EXPECT_EQ(receiver.received()[0].decoded.timeseries[0].labels[1].value, "1");
}

TEST(SenderTest, StopFlushesEverythingQueuedWithoutWaitingForTheDeadline) {
  FakeReceiver receiver;
  SenderOptions options = FastOptions(receiver.url());
  options.max_samples_per_send = 1000;
  options.batch_send_deadline = milliseconds(60'000);
  auto sender = StartSender(options);
  Announce(*sender, 5);
  for (int i = 1; i <= 5; ++i) sender->OnSamples(Samples(i, 0, 100));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(receiver.received().empty()) << "nothing is due before the batch deadline";
  const auto start = Clock::now();
  sender->Stop(milliseconds(5000));
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  EXPECT_EQ(receiver.AcceptedSamples(), 500u);
  EXPECT_EQ(sender->stats().pending, 0u);

  sender->OnSamples(Samples(1, 1'000'000, 2));
  EXPECT_EQ(sender->stats().dropped_shutdown, 2u) << "samples after Stop are dropped";
}

TEST(SenderTest, StopGivesUpOnAFailingReceiverAtItsDeadline) {
  FakeReceiver receiver;
  receiver.AlwaysAnswer(500);
  SenderOptions options = FastOptions(receiver.url());
  options.max_backoff = milliseconds(5000);
  options.min_backoff = milliseconds(5000);
  auto sender = StartSender(options);
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 0, 7));
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  const auto start = Clock::now();
  sender->Stop(milliseconds(300));
  EXPECT_LT(Clock::now() - start, milliseconds(2000)) << "the 5 s backoff is cut short";
  const SenderStats s = sender->stats();
  EXPECT_EQ(s.dropped_shutdown, 7u);
  EXPECT_EQ(s.samples_sent, 0u);
  EXPECT_EQ(s.pending, 0u);
}

TEST(SenderTest, MetricsCarryRemoteNameAndUrl) {
  FakeReceiver receiver;
  auto sender = StartSender(FastOptions(receiver.url()));
  Announce(*sender, 1);
  sender->OnSamples(Samples(1, 2000, 2));
  sender->Stop(milliseconds(5000));
  std::vector<metrics::MetricFamily> families;
  sender->AppendMetrics(families);
  std::map<std::string, double> values;
  for (const auto& f : families) {
    for (const auto& sample : f.samples) {
      ASSERT_GE(sample.labels.size(), 2u) << f.name;
      EXPECT_EQ(sample.labels[0], (metrics::Label{"remote_name", "test"}));
      EXPECT_EQ(sample.labels[1], (metrics::Label{"url", receiver.url()}));
      std::string key = f.name;
      for (size_t i = 2; i < sample.labels.size(); ++i) key += "/" + sample.labels[i].value;
      values[key] = sample.value;
    }
  }
  EXPECT_EQ(values["gw_remote_storage_samples_total"], 2);
  EXPECT_EQ(values["gw_remote_storage_dropped_samples_total/queue_full"], 0);
  EXPECT_EQ(values["gw_remote_storage_highest_timestamp_seconds"], 3.0);
  EXPECT_EQ(values["gw_remote_storage_sent_timestamp_seconds"], 3.0);
  EXPECT_EQ(values["gw_remote_storage_requests_total/204"], 1);
  EXPECT_EQ(values["gw_remote_storage_shards"], 1);
}

TEST(SenderOptionsTest, RejectsWhatCannotWork) {
  SenderOptions o = FastOptions("http://127.0.0.1:1/w");
  EXPECT_TRUE(ValidateSenderOptions(o).ok());
  o.url = "ftp://x";
  EXPECT_THAT(ValidateSenderOptions(o), StatusIs(StatusCode::kInvalidArgument, HasSubstr("url")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.shards = 0;
  EXPECT_THAT(ValidateSenderOptions(o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("shards")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.min_backoff = milliseconds(10'000);
  EXPECT_THAT(ValidateSenderOptions(o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("raise max_backoff")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.headers["X Scope"] = "a";
  EXPECT_THAT(ValidateSenderOptions(o), StatusIs(StatusCode::kInvalidArgument,
                                                 HasSubstr("\"X Scope\" is not an HTTP token")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.headers["X-Scope-OrgID"] = "a\r\nX-Injected: 1";
  EXPECT_THAT(ValidateSenderOptions(o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("X-Scope-OrgID has a line break")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.authorization = SenderAuthorization{.type = "Bearer", .secret = "a\nb"};
  EXPECT_THAT(ValidateSenderOptions(o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("credentials have a line break")));
  o = FastOptions("http://127.0.0.1:1/w");
  o.capacity = 0;
  EXPECT_FALSE(RemoteWriteSender::Start(o).ok());
}

}  // namespace
}  // namespace gw::remote
