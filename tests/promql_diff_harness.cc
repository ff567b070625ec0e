#include "tests/promql_diff_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "http/client.h"
#include "http/form.h"

namespace gw::promql_diff {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string FormatSeconds(int64_t t_ms) {
  const int64_t ms = ((t_ms % 1000) + 1000) % 1000;
  const int64_t s = (t_ms - ms) / 1000;
  char frac[8];
  std::snprintf(frac, sizeof(frac), ".%03d", static_cast<int>(ms));
  return std::to_string(s) + frac;
}

int64_t NowMs() { return SystemClock::Get().NowMs(); }


// ---------------------------------------------------------------------------------------------
// The synthetic page.

namespace {

std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

// Writes the exposition text one family at a time.
class PageWriter {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }
  void Sample(std::string_view name, const std::string& labels, double v) {
    out_ << name << '{' << labels << "} " << Num(v) << '\n';
  }
  std::string Text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

constexpr int kGpusPerNode = 2;

std::string GpuLabels(int n, int g) {
  return "node=\"node" + std::to_string(n) + "\",gpu=\"" + std::to_string(g) + "\"";
}

// Readings: utilization, temperature, memory, power, clock offset.
void WriteSensorGauges(PageWriter& w, int n, int k) {
  auto labels = [n](int g) { return GpuLabels(n, g); };
  // The small per-series offsets keep values distinct, so topk/sort have no ties to break.
  w.Family("gpu_utilization_percent", "gauge", "GPU utilization.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    w.Sample("gpu_utilization_percent", labels(g),
             (k * 7 + g * 13 + n * 29) % 101 + g * 0.01 + n * 0.001);
  }
  w.Family("gpu_temperature_celsius", "gauge", "GPU temperature.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    const double t = 45 + n * 3 + g * 2 + 10 * std::sin(k / 9.0 + g);
    w.Sample("gpu_temperature_celsius", labels(g), std::round(t * 4) / 4 + g * 0.01 + n * 0.001);
  }
  w.Family("gpu_memory_used_bytes", "gauge", "GPU memory in use.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    w.Sample("gpu_memory_used_bytes", labels(g),
             (1.0 + (k * 3 + g * 5 + n) % 16) * 1073741824.0 + g * 1000 + n);
  }
  w.Family("gpu_power_watts", "gauge", "GPU power draw; NaN now and then.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    const bool nan = (k + n + g) % 17 == 5;
    w.Sample("gpu_power_watts", labels(g),
             nan ? std::nan("") : 150 + 50 * std::cos(k / 7.0 + n) + g * 0.01 + n * 0.001);
  }
  w.Family("gpu_clock_offset_mhz", "gauge",
           "Clock offset, negative and positive, halves included.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    w.Sample("gpu_clock_offset_mhz", labels(g),
             (k * 11 + g * 7 + n * 3) % 41 - 20 + 0.5 * ((k + g) % 2) + 0.003 * g + 0.0007 * n);
  }
}

// Info series and series that come and go: model, job, throttling, a removed metric.
void WriteInventoryGauges(PageWriter& w, int n, int k) {
  auto labels = [n](int g) { return GpuLabels(n, g); };
  w.Family("gpu_info", "gauge", "Static GPU facts.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    w.Sample("gpu_info",
             labels(g) + ",model=\"" + (n == 2 ? "A100" : "H100") + "\",driver=\"535.1" +
                 std::to_string(n) + "\"",
             1);
  }
  w.Family("gpu_job_info", "gauge", "The Slurm job on each GPU.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    // One GPU changes jobs mid-run: the old series ends in a stale marker.
    const int jobid = (n == 1 && g == 0 && k >= 50) ? 1099 : 1000 + n * 10 + g;
    w.Sample("gpu_job_info",
             labels(g) + ",jobid=\"" + std::to_string(jobid) + "\",user=\"" +
                 (g == 0 ? "alice" : "bob") + "\"",
             1);
  }
  // Present for 15 scrapes, absent for 15: stale markers in and out.
  if (((k + n * 5) / 15) % 2 == 0) {
    w.Family("gpu_throttled", "gauge", "Throttling, while it lasts.");
    for (int g = 0; g < kGpusPerNode; ++g)
      w.Sample("gpu_throttled", labels(g) + ",reason=\"thermal\"", k % 4);
  }
  // Gone for good after a while.
  if (k < 40 + n * 5) {
    w.Family("gpu_legacy_fan_speed_percent", "gauge", "A metric that is removed.");
    for (int g = 0; g < kGpusPerNode; ++g)
      w.Sample("gpu_legacy_fan_speed_percent", labels(g), 30 + (k + g) % 9);
  }
}

void WriteCounters(PageWriter& w, int n, int k) {
  auto labels = [n](int g) { return GpuLabels(n, g); };
  w.Family("gpu_energy_millijoules_total", "counter", "Energy used.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    w.Sample("gpu_energy_millijoules_total", labels(g),
             static_cast<double>(k) * (120000 + 1000 * g + 500 * n) + ((k * k) % 7) * 100.0);
  }
  w.Family("gpu_ecc_errors_total", "counter", "ECC errors; the driver reset it once.");
  for (int g = 0; g < kGpusPerNode; ++g) {
    const int reset_at = 40 + 10 * n;
    w.Sample("gpu_ecc_errors_total", labels(g), k < reset_at ? k * 2 + g : k - reset_at);
  }
  const std::string node = "node=\"node" + std::to_string(n) + "\"";
  w.Family("gpu_kernel_duration_seconds", "histogram", "Kernel run times.");
  const double le[] = {0.01, 0.1, 1, 10};
  const char* le_text[] = {"0.01", "0.1", "1", "10"};
  // Cumulative counts, whole numbers: the divisions are integer ones on purpose.
  const int counts[] = {k, 4 * k + k / 5, 6 * k + k / 5 + n * k / 10,
                        6 * k + k / 5 + n * k / 10 + k / 4};
  const int total = counts[3] + k / 10;
  for (int b = 0; b < 4; ++b) {
    (void)le[b];
    w.Sample("gpu_kernel_duration_seconds_bucket", node + ",le=\"" + le_text[b] + "\"", counts[b]);
  }
  w.Sample("gpu_kernel_duration_seconds_bucket", node + ",le=\"+Inf\"", total);
  w.Sample("gpu_kernel_duration_seconds_sum", node, k * (0.37 + 0.1 * n) + (k % 3) * 0.05);
  w.Sample("gpu_kernel_duration_seconds_count", node, total);
}

}  // namespace

std::string SyntheticNode::Page(int index, int k) {
  PageWriter w;
  WriteSensorGauges(w, index, k);
  WriteInventoryGauges(w, index, k);
  WriteCounters(w, index, k);
  return w.Text();
}

StatusOr<std::unique_ptr<SyntheticNode>> SyntheticNode::Start(int index) {
  auto node = std::unique_ptr<SyntheticNode>(new SyntheticNode());
  node->index_ = index;
  http::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  SyntheticNode* self = node.get();
  GW_ASSIGN_OR_RETURN(node->server_, http::Server::Start(options, [self](const http::Request& r) {
                        if (r.path != "/metrics") return http::Response::Text(404, "not found\n");
                        const int k = self->scrapes_.fetch_add(1);
                        http::Response response = http::Response::Text(200, Page(self->index_, k));
                        response.content_type = "text/plain; version=0.0.4";
                        return response;
                      }));
  return node;
}

std::string SyntheticNode::target() const { return "127.0.0.1:" + std::to_string(server_->port()); }

// ---------------------------------------------------------------------------------------------
// The API servers.

StatusOr<std::unique_ptr<ApiServer>> ApiServer::StartPrometheus(const fs::path& dir,
                                                                const std::string& config_yaml,
                                                                bool remote_write_receiver) {
  auto s = std::unique_ptr<ApiServer>(new ApiServer());
  s->name_ = remote_write_receiver ? "prometheus-receiver" : "prometheus";
  fs::create_directories(dir / "data");
  s->config_path_ = dir / "prometheus.yml";
  s->log_path_ = dir / "prometheus.log";
  std::ofstream(s->config_path_) << config_yaml;
  s->port_ = FreePort();
  std::vector<std::string> argv = {kPrometheusPath, "--config.file=" + s->config_path_.string(),
                                   "--storage.tsdb.path=" + (dir / "data").string(),
                                   "--web.listen-address=127.0.0.1:" + std::to_string(s->port_)};
  if (remote_write_receiver) argv.push_back("--web.enable-remote-write-receiver");
  GW_RETURN_IF_ERROR(s->StartProcess(argv));
  return s;
}

StatusOr<std::unique_ptr<ApiServer>> ApiServer::StartHub(const std::string& hub_path,
                                                         const fs::path& dir,
                                                         const std::string& config_yaml,
                                                         const std::vector<std::string>& flags) {
  auto s = std::unique_ptr<ApiServer>(new ApiServer());
  s->name_ = "hub";
  fs::create_directories(dir);
  s->config_path_ = dir / "hub.yml";
  s->log_path_ = dir / "hub.log";
  std::ofstream(s->config_path_) << config_yaml;
  s->port_ = FreePort();
  std::vector<std::string> argv = {
      hub_path, "--config.file=" + s->config_path_.string(),
      "--storage.tsdb.path=" + (dir / "data").string(), "--storage.tsdb.wal-sync=never",
      "--web.listen-address=127.0.0.1:" + std::to_string(s->port_)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  GW_RETURN_IF_ERROR(s->StartProcess(argv));
  return s;
}

Status ApiServer::StartProcess(const std::vector<std::string>& argv) {
  GW_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Start(argv, {}, log_path_.string()));
  child_.emplace(std::move(child));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    auto ready = http::HttpGet(url("/-/ready"), {}, milliseconds(1000));
    if (ready.ok() && ready->status == 200) return Status::Ok();
    if (!child_->Running()) return UnavailableError(name_ + " exited during start-up:\n" + log());
    std::this_thread::sleep_for(milliseconds(100));
  }
  return DeadlineExceededError(name_ + " was not ready within 60 s:\n" + log());
}

ApiServer::~ApiServer() {
  if (child_) child_->Stop(std::chrono::seconds(5));
}

std::string ApiServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

Status ApiServer::Reload(const std::string& config_yaml) {
  std::ofstream(config_path_) << config_yaml;
  if (!child_ || !child_->Signal(SIGHUP)) return UnavailableError(name_ + " is not running");
  return Status::Ok();
}

namespace {

ApiAnswer ToAnswer(const StatusOr<http::ClientResponse>& r) {
  ApiAnswer a;
  if (!r.ok()) {
    a.transport_error = r.status().ToString();
    return a;
  }
  a.http_status = r->status;
  a.body = r->body;
  if (auto it = r->headers.find("content-type"); it != r->headers.end())
    a.content_type = it->second;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(a.body, ec);
  if (!ec) a.json = std::move(v);
  return a;
}

}  // namespace

ApiAnswer ApiServer::Get(const std::string& path_and_query) const {
  return ToAnswer(http::HttpGet(url(path_and_query), {}, milliseconds(30'000)));
}

ApiAnswer ApiServer::PostForm(const std::string& path, const std::string& body) const {
  return ToAnswer(http::HttpRequest("POST", url(path),
                                    {{"Content-Type", "application/x-www-form-urlencoded"}}, body,
                                    milliseconds(30'000)));
}

ApiAnswer ApiServer::Instant(const std::string& query, int64_t t_ms) const {
  return Get("/api/v1/query?query=" + http::PercentEncode(query) + "&time=" + FormatSeconds(t_ms));
}

ApiAnswer ApiServer::Range(const std::string& query, int64_t start_ms, int64_t end_ms,
                           int64_t step_ms) const {
  return PostForm("/api/v1/query_range",
                  "query=" + http::PercentEncode(query) + "&start=" + FormatSeconds(start_ms) +
                      "&end=" + FormatSeconds(end_ms) + "&step=" + FormatSeconds(step_ms));
}

}  // namespace gw::promql_diff
