#include "tests/exporter_harness.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include "common/clock.h"
#include "http/client.h"

#ifndef GW_EXPORTER_PATH
#error "GW_EXPORTER_PATH must name the exporter binary"
#endif

namespace gw::testing {

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  return bound ? ntohs(addr.sin_port) : 0;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("gw-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

StatusOr<std::unique_ptr<ExporterProcess>> ExporterProcess::Start(const ExporterConfig& config) {
  auto e = std::unique_ptr<ExporterProcess>(new ExporterProcess());
  e->port_ = FreePort();
  e->headers_ = config.scrape_headers;
  e->ca_file_ = config.ca_file;
  e->origin_ms_ = SystemClock::Get().NowMs() - config.timeline_offset_ms;
  std::vector<std::string> argv = {
      GW_EXPORTER_PATH, "--web.listen-address=127.0.0.1:" + std::to_string(e->port_),
      "--nvml.library=" + config.library, "--collect.interval=200ms", "--hostname=testnode"};
  argv.insert(argv.end(), config.extra_flags.begin(), config.extra_flags.end());
  std::map<std::string, std::string> env = {{"NVML_SIM_SCENARIO", config.scenario},
                                            {"NVML_SIM_START_MS", std::to_string(e->origin_ms_)}};
  GW_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Start(argv, env, config.log_path));
  e->child_.emplace(std::move(child));
  for (int i = 0; i < 100; ++i) {
    if (e->ScrapeText().ok()) return e;
    if (!e->child_->Running()) return InternalError("the exporter exited during start-up");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceededError("the exporter did not answer on " + e->url());
}

StatusOr<std::string> ExporterProcess::ScrapeText() const {
  GW_ASSIGN_OR_RETURN(http::ClientResponse r,
                      http::HttpGet(url(), headers_, std::chrono::milliseconds(2000),
                                    {.ca_file = ca_file_}));
  if (r.status != 200) return InternalError("scrape answered " + std::to_string(r.status));
  return r.body;
}

StatusOr<metrics::ParsedExposition> ExporterProcess::Scrape() const {
  GW_ASSIGN_OR_RETURN(std::string text, ScrapeText());
  return metrics::ParseText(text);
}

StatusOr<metrics::ParsedExposition> ExporterProcess::WaitFor(
    const std::function<bool(const metrics::ParsedExposition&)>& pred,
    std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    GW_ASSIGN_OR_RETURN(metrics::ParsedExposition p, Scrape());
    if (pred(p) || std::chrono::steady_clock::now() > deadline) return p;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<metrics::ParsedSample> Find(const metrics::ParsedExposition& p, const std::string& name,
                                        const std::string& label, const std::string& value) {
  std::vector<metrics::ParsedSample> out;
  for (const auto& s : p.samples) {
    if (s.name != name) continue;
    if (!label.empty() && s.Label(label) != value) continue;
    out.push_back(s);
  }
  return out;
}

std::optional<double> GpuValue(const metrics::ParsedExposition& p, const std::string& name,
                               unsigned gpu) {
  auto found = Find(p, name, "gpu", std::to_string(gpu));
  if (found.empty()) return std::nullopt;
  return found.front().value;
}

StatusOr<std::string> PromtoolCheck(const std::string& text) {
  TempDir dir;
  std::string file = (dir.path() / "scrape.txt").string();
  std::ofstream(file) << text;
  GW_ASSIGN_OR_RETURN(CommandResult r, RunCommand({"sh", "-c", "promtool check metrics < " + file},
                                                  std::chrono::seconds(30)));
  if (r.exit_code == 127) return NotFoundError("promtool is not installed");
  return r.stdout_text + r.stderr_text;
}

}  // namespace gw::testing
