// Helpers for hub_scrape_test: an in-process exporter whose page tests change between scrapes,
// and configs from YAML (so relabel rules are compiled as in the hub).
#ifndef GW_HUB_SCRAPE_TEST_UTIL_H_
#define GW_HUB_SCRAPE_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/server.h"
#include "hub/hub_config.h"
#include "tsdb/recording_storage.h"

namespace gw::hub::testing {

// Serves one page on 127.0.0.1 at any path. Thread-safe.
class PageServer {
 public:
  PageServer();
  ~PageServer();

  void SetPage(std::string page, std::string content_type = "text/plain; version=0.0.4");
  void SetStatus(int status);
  void SetGzip(bool gzip);                          // send the page gzip-compressed
  void SetDelay(std::chrono::milliseconds delay);   // before answering
  void RequireBasicAuth(const std::string& user, const std::string& password);

  std::string address() const;  // "127.0.0.1:PORT"
  uint16_t port() const;
  int requests() const;
  http::Request last_request() const;

 private:
  http::Response Handle(const http::Request& request);

  mutable std::mutex mu_;
  std::string page_;
  std::string content_type_;
  int status_ = 200;
  bool gzip_ = false;
  std::chrono::milliseconds delay_{0};
  std::string expected_auth_;
  int requests_ = 0;
  http::Request last_request_;
  std::unique_ptr<http::Server> server_;
};

// ParseHubConfig, failing the test on error.
HubConfig ConfigFromYaml(const std::string& yaml);

// The samples of one series given as {name, {labels...}} plus the target labels.
tsdb::Labels SeriesLabels(const std::string& name, std::vector<tsdb::Label> labels);

// Polls `done` every few milliseconds until it holds or `deadline` passes.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds deadline = std::chrono::seconds(10));

}  // namespace gw::hub::testing

#endif  // GW_HUB_SCRAPE_TEST_UTIL_H_
