// Query latency of the hub against Prometheus on the same data, in the same run
// (scripts/bench-query starts both). Loads GPU-dashboard data into both through remote_write
// (NODES nodes x 8 GPUs: utilization, temperature, an energy counter and a job-to-GPU info
// series, every 15 s for HOURS hours, in time order), checks both answer with the same series,
// then times typical dashboard queries, instant (at the end) and range (the whole span at a
// 15 s step), alternating servers, and prints the median latency of each and the ratio.
//
//   query_bench --hub=http://127.0.0.1:19711 --prometheus=http://127.0.0.1:19712
//               [--nodes=125] [--hours=6] [--runs=11]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "bench/synthetic_series.h"
#include "common/cli.h"
#include "http/client.h"
#include "http/form.h"
#include "remote/remote_write_writer.h"

namespace gw::bench {
namespace {

constexpr int64_t kStepMs = 15'000;

struct Options {
  std::string hub;
  std::string prometheus;
  int nodes = 125;
  int hours = 6;
  int runs = 11;
};

std::vector<remote::Label> GpuLabels(const char* name, int node, int gpu) {
  return {{"Hostname", "node" + std::to_string(node)},
          {"__name__", name},
          {"gpu", std::to_string(gpu)},
          {"job", "gpu"}};
}

// Every series' sample at step `step` (time t_ms).
void AddStep(const Options& o, int64_t step, int64_t t_ms, std::vector<remote::TimeSeries>* out) {
  size_t k = 0;
  auto add = [&](std::vector<remote::Label> labels, double v) {
    if (out->size() <= k) out->push_back({std::move(labels), {}});
    (*out)[k++].samples.push_back({v, t_ms});
  };
  for (int n = 0; n < o.nodes; ++n) {
    for (int g = 0; g < 8; ++g) {
      const uint64_t seed = Mix(static_cast<uint64_t>(n * 8 + g));
      add(GpuLabels("DCGM_FI_DEV_GPU_UTIL", n, g),
          static_cast<double>(Mix(seed ^ static_cast<uint64_t>(step / 8)) % 101));
      add(GpuLabels("DCGM_FI_DEV_GPU_TEMP", n, g),
          40 + static_cast<double>(seed % 30 + Mix(seed ^ static_cast<uint64_t>(step)) % 3));
      add(GpuLabels("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", n, g),
          static_cast<double>(step * 15 * (250'000 + static_cast<int64_t>(seed % 100'000))));
      std::vector<remote::Label> job = {{"Hostname", "node" + std::to_string(n)},
                                        {"__name__", "gpuwatchdog_job_gpu"},
                                        {"gpu", std::to_string(g)},
                                        {"jobid", std::to_string(1000 + (n * 8 + g) / 4)}};
      add(std::move(job), 1);
    }
  }
}

bool Post(const std::string& base, const std::string& body) {
  auto r = http::HttpRequest("POST", base + "/api/v1/write",
                             {{"Content-Encoding", "snappy"},
                              {"Content-Type", "application/x-protobuf"},
                              {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                             body, std::chrono::seconds(60));
  if (!r.ok() || r->status / 100 != 2) {
    std::fprintf(stderr, "remote_write to %s failed: %s\n", base.c_str(),
                 r.ok() ? (std::to_string(r->status) + " " + r->body).c_str()
                        : r.status().ToString().c_str());
    return false;
  }
  return true;
}

// Sends [start, end] to both servers, 20 steps per request.
bool Load(const Options& o, int64_t start_ms, int64_t end_ms) {
  int64_t step = 0;
  for (int64_t t = start_ms; t <= end_ms;) {
    remote::WriteRequest req;
    for (int i = 0; i < 20 && t <= end_ms; ++i, ++step, t += kStepMs) {
      AddStep(o, step, t, &req.timeseries);
    }
    const std::string body = remote::EncodeBody(req);
    if (!Post(o.hub, body) || !Post(o.prometheus, body)) return false;
  }
  return true;
}

struct Answer {
  double ms = 0;
  size_t series = 0;
  bool ok = false;
};

Answer Ask(const std::string& base, const std::string& path, const std::string& form) {
  const auto start = std::chrono::steady_clock::now();
  auto r = http::HttpRequest("POST", base + path,
                             {{"Content-Type", "application/x-www-form-urlencoded"}}, form,
                             std::chrono::seconds(120));
  Answer a;
  a.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
             .count();
  if (!r.ok() || r->status != 200) {
    std::fprintf(stderr, "%s%s %s: %s\n", base.c_str(), path.c_str(), form.c_str(),
                 r.ok() ? r->body.substr(0, 300).c_str() : r.status().ToString().c_str());
    return a;
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r->body, ec);
  if (ec) return a;
  const boost::json::value& result = v.at("data").at("result");
  a.series = result.is_array() ? result.as_array().size() : 1;
  a.ok = true;
  return a;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int Run(const Options& o) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t end_ms = now_ms / kStepMs * kStepMs;
  const int64_t start_ms = end_ms - int64_t{o.hours} * 3600 * 1000;
  const auto load_start = std::chrono::steady_clock::now();
  if (!Load(o, start_ms, end_ms)) return 1;
  std::printf("loaded %d series x %lld samples in %.1f s\n", o.nodes * 8 * 4,
              static_cast<long long>((end_ms - start_ms) / kStepMs + 1),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());
  const std::vector<std::string> queries = {
      "avg by (Hostname) (DCGM_FI_DEV_GPU_UTIL)",
      "sum by (Hostname) (rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION[5m])) / 1000",
      "topk(5, DCGM_FI_DEV_GPU_TEMP)",
      "max_over_time(DCGM_FI_DEV_GPU_TEMP[10m])",
      "DCGM_FI_DEV_GPU_UTIL * on(Hostname, gpu) group_left(jobid) gpuwatchdog_job_gpu",
      "avg(DCGM_FI_DEV_GPU_UTIL)",
  };
  const std::string end_s = std::to_string(end_ms / 1000);
  const std::string start_s = std::to_string(start_ms / 1000);
  std::printf("%-8s %-78s %10s %10s %7s\n", "kind", "query", "hub ms", "prom ms", "ratio");
  std::vector<double> ratios;
  int failures = 0;
  for (const std::string& q : queries) {
    for (const bool range : {false, true}) {
      const std::string path = range ? "/api/v1/query_range" : "/api/v1/query";
      const std::string form = "query=" + http::PercentEncode(q) +
                               (range ? "&start=" + start_s + "&end=" + end_s + "&step=15"
                                      : "&time=" + end_s);
      std::vector<double> hub_ms, prom_ms;
      for (int i = 0; i < o.runs; ++i) {
        const Answer h = Ask(o.hub, path, form);
        const Answer p = Ask(o.prometheus, path, form);
        if (!h.ok || !p.ok || h.series != p.series) {
          std::fprintf(stderr, "answers differ for %s: hub %zu series, prometheus %zu\n",
                       q.c_str(), h.series, p.series);
          ++failures;
          break;
        }
        hub_ms.push_back(h.ms);
        prom_ms.push_back(p.ms);
      }
      const double hm = Median(hub_ms);
      const double pm = Median(prom_ms);
      if (pm > 0) ratios.push_back(hm / pm);
      std::printf("%-8s %-78s %10.1f %10.1f %7.2f\n", range ? "range" : "instant", q.c_str(), hm,
                  pm, pm > 0 ? hm / pm : 0);
    }
  }
  std::printf("median ratio hub/prometheus: %.2f\n", Median(ratios));
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gw::bench

int main(int argc, char** argv) {
  gw::bench::Options o;
  CLI::App app("query_bench: the hub's query latency against Prometheus on the same data");
  app.add_option("--hub", o.hub, "The hub's base URL")->required();
  app.add_option("--prometheus", o.prometheus, "Prometheus' base URL")->required();
  app.add_option("--nodes", o.nodes, "Nodes of 8 GPUs")->capture_default_str();
  app.add_option("--hours", o.hours, "Hours of data")->capture_default_str();
  app.add_option("--runs", o.runs, "Runs of each query")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return gw::bench::Run(o);
}
