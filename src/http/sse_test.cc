// Server-Sent Events through the server: EventStream and SseEvent on their own, then streams
// over real loopback connections (plain and TLS).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/client.h"
#include "http/event_stream.h"
#include "http/server.h"
#include "http/test_util.h"

namespace gw::http {
namespace {

using std::chrono::milliseconds;
using testing::RawConn;
using testing::RawResponse;

TEST(SseEventTest, FormatsNameAndOneDataLinePerLine) {
  EXPECT_EQ(SseEvent("samples", R"({"t":1})"), "event: samples\ndata: {\"t\":1}\n\n");
  EXPECT_EQ(SseEvent("", "a\nb"), "data: a\ndata: b\n\n");
}

TEST(EventStreamTest, QueuesInOrderUntilClosed) {
  EventStream stream;
  EXPECT_TRUE(stream.Send("a"));
  EXPECT_TRUE(stream.Send("b"));
  stream.Close();
  EXPECT_FALSE(stream.Send("c"));
  EventStream::Taken taken = stream.Take();
  EXPECT_EQ(taken.chunks, (std::deque<std::string>{"a", "b"}));
  EXPECT_TRUE(taken.closed);
}

TEST(EventStreamTest, AProducerTooFarAheadFindsTheStreamClosed) {
  EventStream stream(/*max_queued_bytes=*/4);
  EXPECT_TRUE(stream.Send("abc"));
  EXPECT_FALSE(stream.Send("de"));
  EXPECT_TRUE(stream.closed());
  EXPECT_TRUE(stream.Take().chunks.empty());
}

TEST(EventStreamTest, WakerRunsOnSendAndCloseUntilFinished) {
  EventStream stream;
  int wakes = 0;
  stream.SetWaker([&] { ++wakes; });
  ASSERT_TRUE(stream.Send("a"));
  stream.Finish();
  EXPECT_FALSE(stream.Send("b"));
  stream.Close();
  EXPECT_EQ(wakes, 1);
}

// A server whose handler opens a stream per request and keeps them for the test to feed.
class SseServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.listen_address = "127.0.0.1:0";
    StatusOr<std::unique_ptr<Server>> server =
        Server::Start(options, [this](const Request& request) {
          if (request.path != "/stream") return Response::Text(200, "plain");
          Response response;
          response.stream = std::make_shared<EventStream>();
          if (!prefill_.empty()) response.stream->Send(prefill_);
          if (close_at_once_) response.stream->Close();
          std::lock_guard<std::mutex> lock(mu_);
          streams_.push_back(response.stream);
          return response;
        });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *std::move(server);
  }

  // The i-th stream opened, once it is (null after 5 s).
  std::shared_ptr<EventStream> Stream(size_t i) {
    for (int tries = 0; tries < 500; ++tries) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (streams_.size() > i) return streams_[i];
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return nullptr;
  }

  static bool WaitClosed(const EventStream& stream) {
    for (int tries = 0; tries < 300 && !stream.closed(); ++tries) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    return stream.closed();
  }

  static constexpr const char* kGet =
      "GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n";

  std::string prefill_;
  bool close_at_once_ = false;
  std::mutex mu_;
  std::vector<std::shared_ptr<EventStream>> streams_;
  std::unique_ptr<Server> server_;
};

TEST_F(SseServerTest, EventsArriveInOrderWithStreamHeaders) {
  StartServer();
  RawConn conn(server_->port());
  ASSERT_TRUE(conn.Send(kGet));
  std::string head = conn.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-cache"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Accel-Buffering: no"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Encoding"), std::string::npos) << head;
  std::shared_ptr<EventStream> stream = Stream(0);
  ASSERT_TRUE(stream);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(stream->Send(SseEvent("n", std::to_string(i))));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(conn.ReadUntil("\n\n"), "event: n\ndata: " + std::to_string(i) + "\n\n");
  }
  // Later events still come: the writer went back to waiting.
  ASSERT_TRUE(stream->Send(SseEvent("n", "late")));
  EXPECT_EQ(conn.ReadUntil("\n\n"), "event: n\ndata: late\n\n");
}

TEST_F(SseServerTest, QuietStreamGetsKeepaliveComments) {
  StartServer({.stream_keepalive = milliseconds(50)});
  RawConn conn(server_->port());
  ASSERT_TRUE(conn.Send(kGet));
  ASSERT_FALSE(conn.ReadUntil("\r\n\r\n").empty());
  EXPECT_EQ(conn.ReadUntil("\n\n"), ": keepalive\n\n");
  EXPECT_EQ(conn.ReadUntil("\n\n"), ": keepalive\n\n");
}

TEST_F(SseServerTest, ClientDisconnectClosesTheStreamWithoutWaitingForAWrite) {
  StartServer();  // keepalive 15 s: only the pending read can notice the close in time
  {
    RawConn conn(server_->port());
    ASSERT_TRUE(conn.Send(kGet));
    ASSERT_FALSE(conn.ReadUntil("\r\n\r\n").empty());
  }
  std::shared_ptr<EventStream> stream = Stream(0);
  ASSERT_TRUE(stream);
  EXPECT_TRUE(WaitClosed(*stream));
  EXPECT_FALSE(stream->Send("x"));
}

TEST_F(SseServerTest, ProducerCloseEndsTheResponseAfterQueuedEvents) {
  prefill_ = SseEvent("a", "1");
  close_at_once_ = true;
  StartServer();
  StatusOr<ClientResponse> response = HttpGet(
      "http://127.0.0.1:" + std::to_string(server_->port()) + "/stream", {}, milliseconds(5000));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "event: a\ndata: 1\n\n");
}

TEST_F(SseServerTest, Http10ClientGetsACloseDelimitedStream) {
  StartServer();
  RawConn conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /stream HTTP/1.0\r\n\r\n"));
  std::string head = conn.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  std::shared_ptr<EventStream> stream = Stream(0);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->Send(SseEvent("a", "1")));
  stream->Close();
  EXPECT_EQ(conn.ReadUntil("\n\n"), "event: a\ndata: 1\n\n");
  EXPECT_TRUE(conn.ClosedByPeer());
}

TEST_F(SseServerTest, HeadGetsHeadersOnlyAndClosesTheStream) {
  StartServer();
  RawConn conn(server_->port());
  ASSERT_TRUE(conn.Send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawResponse response = conn.Read(/*head=*/true);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "text/event-stream");
  EXPECT_TRUE(conn.ClosedByPeer());
  std::shared_ptr<EventStream> stream = Stream(0);
  ASSERT_TRUE(stream);
  EXPECT_TRUE(WaitClosed(*stream));
}

TEST_F(SseServerTest, StreamsPastTheCapGet503) {
  StartServer({.max_streams = 1});
  RawConn first(server_->port());
  ASSERT_TRUE(first.Send(kGet));
  ASSERT_FALSE(first.ReadUntil("\r\n\r\n").empty());
  RawConn second(server_->port());
  ASSERT_TRUE(second.Send(kGet));
  EXPECT_EQ(second.Read().status, 503);
  std::shared_ptr<EventStream> refused = Stream(1);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->closed());
  // Ordinary requests are still served next to the open stream.
  RawConn plain(server_->port());
  ASSERT_TRUE(plain.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(plain.Read().body, "plain");
}

TEST_F(SseServerTest, ShutdownWithOpenStreamsReturnsPromptly) {
  StartServer();  // shutdown_grace 5 s
  std::vector<std::unique_ptr<RawConn>> conns;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(std::make_unique<RawConn>(server_->port()));
    ASSERT_TRUE(conns.back()->Send(kGet));
    ASSERT_FALSE(conns.back()->ReadUntil("\r\n\r\n").empty());
  }
  ASSERT_TRUE(Stream(2));
  auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  for (auto& conn : conns) EXPECT_TRUE(conn->ClosedByPeer());
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(Stream(i)->closed());
}

TEST(SseTlsTest, StreamsOverTls) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakeCertificates(dir.path())) << "see " << dir.path() << "/openssl.log";
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.web_config_file =
      dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  StatusOr<std::unique_ptr<Server>> server = Server::Start(options, [](const Request&) {
    Response response;
    response.stream = std::make_shared<EventStream>();
    response.stream->Send(SseEvent("a", "1"));
    std::thread([stream = response.stream] {
      std::this_thread::sleep_for(milliseconds(50));
      stream->Send(SseEvent("b", "2"));
      stream->Close();
    }).detach();
    return response;
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  StatusOr<ClientResponse> response =
      HttpGet("https://127.0.0.1:" + std::to_string((*server)->port()) + "/", {},
              milliseconds(5000), {.ca_file = dir.path() + "/ca.crt"});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "event: a\ndata: 1\n\nevent: b\ndata: 2\n\n");
}

}  // namespace
}  // namespace gw::http
