#include "http/connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "http/test_util.h"

namespace gw::http {
namespace {

using std::chrono::milliseconds;

// A loopback server written by hand, so that tests see each accepted connection and can make
// it behave as servers do: keep it open, close it with or without saying so, or never answer.
// It serves one connection at a time (an HttpConnection has at most one open).
class ScriptedServer {
 public:
  enum class Answer {
    kKeepAlive,  // answer 200 and wait for the next request
    kClose,      // answer 200 with "Connection: close", then close
    kDrop,       // answer 200 as if keeping the connection, then close it unannounced
    kSilent,     // never answer; wait for the client to go away
  };

  ScriptedServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  void SetAnswer(Answer answer) {
    std::lock_guard lock(mu_);
    answer_ = answer;
  }
  void SetBody(std::string body) {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
  }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/metrics"; }

 private:
  // Waits until fd is readable or the server stops; false when it stops.
  bool WaitReadable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  void Run() {
    while (WaitReadable(listen_fd_)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++accepted_;
      Serve(fd);
      ::close(fd);
    }
  }

  // Serves requests on fd until it should close.
  void Serve(int fd) {
    std::string in;
    for (;;) {
      size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        char chunk[4096];
        if (!WaitReadable(fd)) return;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        in.append(chunk, static_cast<size_t>(n));
      }
      in.erase(0, end + 4);  // the tests send no request bodies
      ++requests_;
      Answer answer;
      std::string body;
      {
        std::lock_guard lock(mu_);
        answer = answer_;
        body = body_;
      }
      if (answer == Answer::kSilent) {
        char c;
        while (WaitReadable(fd) && ::recv(fd, &c, 1, 0) > 0) {
        }
        return;
      }
      std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
      if (answer == Answer::kClose) out += "Connection: close\r\n";
      out += "\r\n" + body;
      if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) {
        return;
      }
      if (answer != Answer::kKeepAlive) return;
    }
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  Answer answer_ = Answer::kKeepAlive;
  std::string body_ = "page";
  std::thread thread_;
};

constexpr milliseconds kTimeout(5000);

TEST(HttpConnectionTest, ReusesOneConnectionForManyRequests) {
  ScriptedServer server;
  HttpConnection conn;
  for (int i = 0; i < 5; ++i) {
    StatusOr<ClientResponse> response = conn.Request("GET", server.url(), {}, "", kTimeout);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "page");
    EXPECT_TRUE(conn.open());
  }
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(conn.connections_opened(), 1u);
}

TEST(HttpConnectionTest, OneShotModeClosesEveryTime) {
  ScriptedServer server;
  HttpConnection conn({}, ConnectionMode::kClose);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn.Request("GET", server.url(), {}, "", kTimeout).ok());
    EXPECT_FALSE(conn.open());
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpConnectionTest, ServerClosingAnIdleConnectionDoesNotFailTheNextRequest) {
  ScriptedServer server;
  server.SetAnswer(ScriptedServer::Answer::kDrop);
  HttpConnection conn;
  for (int i = 0; i < 3; ++i) {
    // Give the server's close time to arrive, so the connection is stale when reused.
    std::this_thread::sleep_for(milliseconds(20));
    StatusOr<ClientResponse> response = conn.Request("GET", server.url(), {}, "", kTimeout);
    ASSERT_TRUE(response.ok()) << "request " << i << ": " << response.status().ToString();
    EXPECT_EQ(response->body, "page");
  }
  EXPECT_EQ(server.accepted(), 3);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(conn.connections_opened(), 3u);
}

TEST(HttpConnectionTest, NonIdempotentRequestIsNotSentAgainOnAStaleConnection) {
  ScriptedServer server;
  server.SetAnswer(ScriptedServer::Answer::kDrop);
  HttpConnection conn;
  ASSERT_TRUE(conn.Request("GET", server.url(), {}, "", kTimeout).ok());
  std::this_thread::sleep_for(milliseconds(20));
  StatusOr<ClientResponse> post = conn.Request("POST", server.url(), {}, "", kTimeout);
  EXPECT_EQ(post.status().code(), StatusCode::kUnavailable) << post.status().ToString();
  EXPECT_EQ(server.accepted(), 1);
  // The failure closed the connection; the next request opens a new one.
  EXPECT_FALSE(conn.open());
  EXPECT_TRUE(conn.Request("GET", server.url(), {}, "", kTimeout).ok());
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpConnectionTest, ConnectionCloseFromTheServerIsHonoured) {
  ScriptedServer server;
  server.SetAnswer(ScriptedServer::Answer::kClose);
  HttpConnection conn;
  for (int i = 0; i < 3; ++i) {
    StatusOr<ClientResponse> response = conn.Request("GET", server.url(), {}, "", kTimeout);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->headers["connection"], "close");
    EXPECT_FALSE(conn.open());
  }
  EXPECT_EQ(server.accepted(), 3);
  EXPECT_EQ(server.requests(), 3);
}

TEST(HttpConnectionTest, TimeoutHoldsOnAReusedConnection) {
  ScriptedServer server;
  HttpConnection conn;
  ASSERT_TRUE(conn.Request("GET", server.url(), {}, "", kTimeout).ok());
  server.SetAnswer(ScriptedServer::Answer::kSilent);
  auto start = std::chrono::steady_clock::now();
  StatusOr<ClientResponse> late = conn.Request("GET", server.url(), {}, "", milliseconds(150));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(late.status().message(),
            "GET " + server.url() + ": no complete response within 150 ms");
  EXPECT_EQ(server.accepted(), 1);  // it was sent on the open connection
  EXPECT_FALSE(conn.open());

  server.SetAnswer(ScriptedServer::Answer::kKeepAlive);
  StatusOr<ClientResponse> again = conn.Request("GET", server.url(), {}, "", kTimeout);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "page");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpConnectionTest, BodyLimitClosesTheConnectionAndLaterRequestsWork) {
  ScriptedServer server;
  server.SetBody(std::string(1000, 'x'));
  HttpConnection conn;
  ASSERT_TRUE(conn.Request("GET", server.url(), {}, "", kTimeout).ok());
  StatusOr<ClientResponse> big = conn.Request("GET", server.url(), {}, "", kTimeout, 100);
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(big.status().message(), "GET " + server.url() + ": response body exceeds 100 bytes");
  EXPECT_FALSE(conn.open());  // the rest of the body is still in it
  StatusOr<ClientResponse> fine = conn.Request("GET", server.url(), {}, "", kTimeout);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->body.size(), 1000u);
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpConnectionTest, AnotherOriginGetsAnotherConnection) {
  ScriptedServer a;
  ScriptedServer b;
  HttpConnection conn;
  ASSERT_TRUE(conn.Request("GET", a.url(), {}, "", kTimeout).ok());
  ASSERT_TRUE(conn.Request("GET", b.url(), {}, "", kTimeout).ok());
  ASSERT_TRUE(conn.Request("GET", a.url(), {}, "", kTimeout).ok());
  EXPECT_EQ(a.accepted(), 2);
  EXPECT_EQ(b.accepted(), 1);
}

// The hub's own server closing idle connections (its idle_timeout), as an exporter would.
TEST(HttpConnectionTest, SurvivesTheServersIdleTimeout) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.idle_timeout = milliseconds(50);
  StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options, [](const Request& r) { return Response::Text(200, "at " + r.path); });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/m";
  HttpConnection conn;
  ASSERT_TRUE(conn.Request("GET", url, {}, "", kTimeout).ok());
  ASSERT_TRUE(conn.Request("GET", url, {}, "", kTimeout).ok());
  EXPECT_EQ(conn.connections_opened(), 1u);
  std::this_thread::sleep_for(milliseconds(200));
  StatusOr<ClientResponse> response = conn.Request("GET", url, {}, "", kTimeout);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "at /m");
  EXPECT_EQ(conn.connections_opened(), 2u);
}

TEST(HttpConnectionTest, ReusesATlsConnection) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakeCertificates(dir.path()))
      << "openssl failed; see " << dir.path() << "/openssl.log";
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.idle_timeout = milliseconds(1000);
  options.web_config_file =
      dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options, [](const Request& r) { return Response::Text(200, "tls " + r.path); });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::string url = "https://localhost:" + std::to_string((*server)->port()) + "/x";
  HttpConnection conn({.ca_file = dir.path() + "/ca.crt"});
  for (int i = 0; i < 3; ++i) {
    StatusOr<ClientResponse> response = conn.Request("GET", url, {}, "", kTimeout);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->body, "tls /x");
  }
  EXPECT_EQ(conn.connections_opened(), 1u);
  std::this_thread::sleep_for(milliseconds(1300));  // the server closes the idle connection
  StatusOr<ClientResponse> after_idle = conn.Request("GET", url, {}, "", kTimeout);
  ASSERT_TRUE(after_idle.ok()) << after_idle.status().ToString();
  EXPECT_EQ(conn.connections_opened(), 2u);

  // Without the CA the handshake fails, and keeps failing: no half-open connection is kept.
  HttpConnection untrusting;
  for (int i = 0; i < 2; ++i) {
    StatusOr<ClientResponse> response = untrusting.Request("GET", url, {}, "", kTimeout);
    EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(response.status().message().find("TLS handshake"), std::string::npos)
        << response.status().message();
    EXPECT_FALSE(untrusting.open());
  }
}

}  // namespace
}  // namespace gw::http
