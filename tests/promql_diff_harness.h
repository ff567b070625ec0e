// The processes and pages of the PromQL differential test: synthetic GPU nodes served by the
// test, Prometheus as scraper and reference, the system under test (the hub or a second
// Prometheus), and a client for the query API of either.
#ifndef GW_TESTS_PROMQL_DIFF_HARNESS_H_
#define GW_TESTS_PROMQL_DIFF_HARNESS_H_

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/process.h"
#include "common/status.h"
#include "common/test_support.h"
#include "http/server.h"

namespace gw::promql_diff {

inline constexpr char kPrometheusPath[] = "/usr/bin/prometheus";

using gw::testing::FreePort;
using gw::testing::ReadTail;

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir : public gw::testing::TempDir {
 public:
  TempDir() : gw::testing::TempDir("gw-diff") {}
};

// Milliseconds since the epoch as the API's seconds with three decimals: "1700000000.123".
std::string FormatSeconds(int64_t t_ms);
// Wall-clock now, in ms.
int64_t NowMs();

// One simulated GPU node: an exposition page whose values are functions of how often it was
// scraped (the scrape counter k), so that every run sees the same shapes. Thread-safe.
class SyntheticNode {
 public:
  // Serves the page on 127.0.0.1, a free port. `index` (0, 1, 2, ...) names the node
  // ("node<index>") and varies its values.
  static StatusOr<std::unique_ptr<SyntheticNode>> Start(int index);

  // "127.0.0.1:<port>", as a scrape target.
  std::string target() const;
  int scrapes() const { return scrapes_.load(); }

  // The page for scrape k (0-based); public for the test's own checks.
  static std::string Page(int index, int k);

 private:
  SyntheticNode() = default;
  int index_ = 0;
  std::atomic<int> scrapes_{0};
  std::unique_ptr<http::Server> server_;
};

// The answer of one API call, kept whole so that both sides can be compared.
struct ApiAnswer {
  std::string transport_error;  // non-empty when no HTTP answer came
  int http_status = 0;
  std::string content_type;
  std::string body;
  std::optional<boost::json::value> json;  // nullopt when the body is not JSON
};

// A server with the Prometheus HTTP API running as a child process: Prometheus or the hub.
class ApiServer {
 public:
  // Prometheus with its own data dir under `dir`, optionally with the remote-write receiver.
  static StatusOr<std::unique_ptr<ApiServer>> StartPrometheus(const std::filesystem::path& dir,
                                                              const std::string& config_yaml,
                                                              bool remote_write_receiver);
  // The hub binary `hub_path`, its store and config under `dir`, with extra `flags`.
  static StatusOr<std::unique_ptr<ApiServer>> StartHub(const std::string& hub_path,
                                                       const std::filesystem::path& dir,
                                                       const std::string& config_yaml,
                                                       const std::vector<std::string>& flags = {});

  ~ApiServer();

  std::string url(std::string_view path = "") const;
  std::string name() const { return name_; }
  std::string log() const { return ReadTail(log_path_); }
  // Rewrites the config file and sends SIGHUP.
  Status Reload(const std::string& config_yaml);

  // GET path_and_query.
  ApiAnswer Get(const std::string& path_and_query) const;
  // POST a form-encoded body to path.
  ApiAnswer PostForm(const std::string& path, const std::string& body) const;
  // /api/v1/query by GET.
  ApiAnswer Instant(const std::string& query, int64_t t_ms) const;
  // /api/v1/query_range by POST form, as Grafana sends it.
  ApiAnswer Range(const std::string& query, int64_t start_ms, int64_t end_ms,
                  int64_t step_ms) const;

 private:
  ApiServer() = default;
  Status StartProcess(const std::vector<std::string>& argv);

  std::string name_;
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  uint16_t port_ = 0;
  std::optional<ChildProcess> child_;
};

}  // namespace gw::promql_diff

#endif  // GW_TESTS_PROMQL_DIFF_HARNESS_H_
