// A closed-loop scrape load for exporter benchmarks: N scrapers, each on its own keep-alive
// connection, each scraping every `period_ms` (0: back to back), sending the headers Prometheus
// 2.x sends. Prints the median and p99 scrape latency and the scrape count.
//
//   scrape_load HOST PORT PATH SCRAPERS PERIOD_MS SECONDS [plain|prometheus]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int Connect(const char* host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

// Sends one request and reads one response, framed by Content-Length or chunked (Go servers
// chunk gzip responses). False on any error.
bool Scrape(int fd, const std::string& request, std::string& buf) {
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return false;
  }
  buf.clear();
  size_t header_end = std::string::npos;
  size_t need = 0;
  bool chunked = false;
  char chunk[65536];
  for (;;) {
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      size_t cl = buf.find("Content-Length: ");
      if (cl == std::string::npos) cl = buf.find("content-length: ");
      chunked = cl == std::string::npos || cl > header_end;
      if (!chunked) need = header_end + 4 + std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
    }
    bool done = chunked ? buf.size() >= header_end + 9 && buf.ends_with("\r\n0\r\n\r\n")
                        : buf.size() >= need;
    if (done) return buf.compare(9, 3, "200") == 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: scrape_load HOST PORT PATH SCRAPERS PERIOD_MS SECONDS [plain|prometheus]\n");
    return 2;
  }
  const char* host = argv[1];
  int port = std::atoi(argv[2]);
  std::string path = argv[3];
  int scrapers = std::atoi(argv[4]);
  int period_ms = std::atoi(argv[5]);
  int seconds = std::atoi(argv[6]);
  bool prometheus = argc > 7 && std::string(argv[7]) == "prometheus";
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: scrape_load\r\n";
  if (prometheus) {
    request +=
        "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
        "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
        "Accept-Encoding: gzip\r\n";
  }
  request += "\r\n";
  std::mutex mu;
  std::vector<double> all_ms;
  std::atomic<int> errors{0};
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < scrapers; ++i) {
    threads.emplace_back([&, i] {
      std::vector<double> mine;
      std::string buf;
      int fd = Connect(host, port);
      // Spread the scrapers over the period, as independent Prometheus servers would be.
      if (period_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(period_ms * i / scrapers));
      while (fd >= 0 && Clock::now() < deadline) {
        auto start = Clock::now();
        if (!Scrape(fd, request, buf)) {
          ++errors;
          close(fd);
          fd = Connect(host, port);
          continue;
        }
        auto end = Clock::now();
        mine.push_back(std::chrono::duration<double, std::milli>(end - start).count());
        if (period_ms > 0) std::this_thread::sleep_until(start + std::chrono::milliseconds(period_ms));
      }
      if (fd >= 0) close(fd);
      std::lock_guard<std::mutex> lock(mu);
      all_ms.insert(all_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  if (all_ms.empty()) {
    std::printf("no scrapes succeeded (errors %d)\n", errors.load());
    return 1;
  }
  std::sort(all_ms.begin(), all_ms.end());
  auto pct = [&](double p) { return all_ms[static_cast<size_t>(p * static_cast<double>(all_ms.size() - 1))]; };
  std::printf("median_ms=%.3f p99_ms=%.3f scrapes=%zu errors=%d\n", pct(0.5), pct(0.99), all_ms.size(),
              errors.load());
  return 0;
}
