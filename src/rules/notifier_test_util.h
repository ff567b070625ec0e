// Test doubles for notifier_test: a scripted HTTP receiver standing in for Alertmanager and
// webhooks, and loopback ports that hang or refuse.
#ifndef GW_RULES_NOTIFIER_TEST_UTIL_H_
#define GW_RULES_NOTIFIER_TEST_UTIL_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.h"

namespace gw::rules::testing {

using std::chrono::milliseconds;

// Alertmanager or a webhook receiver: keeps every request, answers from a script (200 once it
// runs out), and can hold requests in the handler until released.
class FakeReceiver {
 public:
  FakeReceiver() {
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.threads = 4;
    auto server =
        http::Server::Start(options, [this](const http::Request& r) { return Handle(r); });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }
  ~FakeReceiver() {
    Release();
    server_->Shutdown();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void Script(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    script_.assign(statuses.begin(), statuses.end());
  }
  void AlwaysAnswer(int status) {
    std::lock_guard lock(mu_);
    always_ = status;
  }
  void Hold() {
    std::lock_guard lock(mu_);
    holding_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    holding_ = false;
    cv_.notify_all();
  }
  std::vector<http::Request> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  bool WaitForRequests(size_t n, milliseconds timeout = milliseconds(10'000)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
  }

 private:
  http::Response Handle(const http::Request& request) {
    std::unique_lock lock(mu_);
    received_.push_back(request);
    cv_.notify_all();
    cv_.wait(lock, [&] { return !holding_; });
    int status = always_;
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    return http::Response::Text(status, status == 200 ? "" : "no");
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> script_;
  int always_ = 200;
  bool holding_ = false;
  std::vector<http::Request> received_;
  std::unique_ptr<http::Server> server_;
};

// A loopback port that accepts connections (into the backlog) and never answers.
class Blackhole {
 public:
  Blackhole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~Blackhole() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A URL whose port refuses connections.
inline std::string ClosedPortUrl() {
  Blackhole h;  // bound, then closed when it goes
  return h.url();
}

}  // namespace gw::rules::testing

#endif  // GW_RULES_NOTIFIER_TEST_UTIL_H_
