// Starts the real gpuwatchdog-gpu-exporter binary on the simulated driver and scrapes it, for
// the integration tests.
#ifndef GW_TESTS_EXPORTER_HARNESS_H_
#define GW_TESTS_EXPORTER_HARNESS_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/process.h"
#include "common/status.h"
#include "metrics/text_parser.h"

namespace gw::testing {

// A loopback port that was free a moment ago.
uint16_t FreePort();

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ExporterConfig {
  std::string scenario;            // path of the scenario file
  std::string library;             // path of libnvidia-ml.so.1 (the simulator)
  int64_t timeline_offset_ms = 0;  // start this far into the scenario's timeline
  std::vector<std::string> extra_flags;
  std::string log_path;
  std::map<std::string, std::string> scrape_headers;  // e.g. Authorization
  std::string ca_file;  // set: the exporter serves https with a certificate this CA signed
};

class ExporterProcess {
 public:
  // Starts the exporter and waits until /metrics answers. Errors: the reason it did not.
  static StatusOr<std::unique_ptr<ExporterProcess>> Start(const ExporterConfig& config);
  ~ExporterProcess() = default;

  std::string url() const {
    return (ca_file_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
           std::to_string(port_) + "/metrics";
  }
  int64_t timeline_origin_ms() const { return origin_ms_; }
  ChildProcess& process() { return *child_; }

  // Fetches /metrics (text) and returns the body.
  StatusOr<std::string> ScrapeText() const;
  StatusOr<metrics::ParsedExposition> Scrape() const;
  // Scrapes until `pred` holds or `timeout` passes; returns the last scrape.
  StatusOr<metrics::ParsedExposition> WaitFor(
      const std::function<bool(const metrics::ParsedExposition&)>& pred,
      std::chrono::milliseconds timeout) const;

 private:
  uint16_t port_ = 0;
  int64_t origin_ms_ = 0;
  std::map<std::string, std::string> headers_;
  std::string ca_file_;
  std::optional<ChildProcess> child_;
};

// Samples named `name`, optionally only those whose label `label` equals `value`.
std::vector<metrics::ParsedSample> Find(const metrics::ParsedExposition& p, const std::string& name,
                                        const std::string& label = "",
                                        const std::string& value = "");
// The one value of `name` for GPU `gpu`, or nullopt.
std::optional<double> GpuValue(const metrics::ParsedExposition& p, const std::string& name,
                               unsigned gpu);

// Runs `promtool check metrics` on the text; returns its complaints ("" when clean).
StatusOr<std::string> PromtoolCheck(const std::string& text);

}  // namespace gw::testing

#endif  // GW_TESTS_EXPORTER_HARNESS_H_
