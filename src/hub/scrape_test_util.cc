#include "hub/scrape_test_util.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <thread>

#include "http/gzip.h"
#include "tsdb/labels.h"

namespace gw::hub::testing {

PageServer::PageServer() {
  http::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.threads = 2;
  options.shutdown_grace = std::chrono::milliseconds(100);
  auto server = http::Server::Start(options, [this](const http::Request& r) { return Handle(r); });
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (server.ok()) server_ = std::move(*server);
}

PageServer::~PageServer() {
  if (server_) server_->Shutdown();
}

http::Response PageServer::Handle(const http::Request& request) {
  std::chrono::milliseconds delay;
  http::Response response;
  {
    std::lock_guard lock(mu_);
    ++requests_;
    last_request_ = request;
    delay = delay_;
    if (!expected_auth_.empty() && request.Header("authorization") != expected_auth_) {
      return http::Response::Text(401, "unauthorized\n");
    }
    response.status = status_;
    response.content_type = content_type_;
    if (gzip_) {
      response.body = std::make_shared<const std::string>(http::GzipCompress(page_));
      response.content_encoding = "gzip";
    } else {
      response.body = std::make_shared<const std::string>(page_);
    }
  }
  std::this_thread::sleep_for(delay);
  return response;
}

void PageServer::SetPage(std::string page, std::string content_type) {
  std::lock_guard lock(mu_);
  page_ = std::move(page);
  content_type_ = std::move(content_type);
}

void PageServer::SetStatus(int status) {
  std::lock_guard lock(mu_);
  status_ = status;
}

void PageServer::SetGzip(bool gzip) {
  std::lock_guard lock(mu_);
  gzip_ = gzip;
}

void PageServer::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

void PageServer::RequireBasicAuth(const std::string& user, const std::string& password) {
  std::string plain = user + ":" + password;
  std::string encoded(4 * ((plain.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size()));
  encoded.resize(static_cast<size_t>(n));
  std::lock_guard lock(mu_);
  expected_auth_ = "Basic " + encoded;
}

uint16_t PageServer::port() const { return server_ ? server_->port() : 0; }

std::string PageServer::address() const { return "127.0.0.1:" + std::to_string(port()); }

int PageServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

http::Request PageServer::last_request() const {
  std::lock_guard lock(mu_);
  return last_request_;
}

HubConfig ConfigFromYaml(const std::string& yaml) {
  auto config = ParseHubConfig(yaml, "test.yml");
  EXPECT_TRUE(config.ok()) << config.status().ToString() << "\n" << yaml;
  return config.ok() ? *config : HubConfig{};
}

tsdb::Labels SeriesLabels(const std::string& name, std::vector<tsdb::Label> labels) {
  labels.push_back({std::string(tsdb::kMetricNameLabel), name});
  auto out = tsdb::Labels::FromPairs(std::move(labels));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : tsdb::Labels{};
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace gw::hub::testing
