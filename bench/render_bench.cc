// CPU cost of one collection's rendering for an 8-GPU node: building the families from the
// readings and writing Prometheus text (what the collector thread does after reading NVML), and
// the gzip a compressed scrape adds once per collection.
#include <benchmark/benchmark.h>

#include "gpu_exporter/gpu_metrics.h"
#include "http/gzip.h"
#include "metrics/exposition_cache.h"
#include "metrics/text_writer.h"

namespace gw::gpu_exporter {
namespace {

ExporterState EightGpus() {
  ExporterState s;
  s.hostname = "gpu-node-001";
  s.driver_version = "550.54.15";
  s.nvml_up = true;
  for (unsigned i = 0; i < 8; ++i) {
    GpuState g;
    g.index = i;
    g.info = nvml::GpuStatic{i,
                             i,
                             "GPU-1a2b3c4d-0000-1111-2222-33334444555" + std::to_string(i),
                             "NVIDIA H100 80GB HBM3",
                             "00000000:1" + std::to_string(i) + ":00.0",
                             1980,
                             2619,
                             87,
                             92};
    nvml::GpuReading r;
    for (size_t f = 0; f < nvml::kGpuFieldCount; ++f) r.values[f] = 1234.5 + static_cast<double>(f);
    r.Set(nvml::GpuField::kThrottleReasons, 4);
    r.processes = std::vector<nvml::GpuProcess>{{1000 + i, 1ULL << 30}};
    g.reading = r;
    s.gpus.push_back(g);
  }
  s.jobs["0"] = {"12345"};
  return s;
}

void BM_BuildAndWrite(benchmark::State& state) {
  ExporterState s = EightGpus();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text;
    metrics::WriteText(BuildFamilies(s), metrics::ExpositionFormat::kPrometheusText, &text);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_BuildAndWrite);

void BM_PublishAndGzip(benchmark::State& state) {
  ExporterState s = EightGpus();
  metrics::ExpositionCache cache([](std::string_view d) { return http::GzipCompress(d); });
  for (auto _ : state) {
    cache.Publish(BuildFamilies(s));
    benchmark::DoNotOptimize(cache.Get(metrics::ExpositionFormat::kPrometheusText, true));
  }
}
BENCHMARK(BM_PublishAndGzip);

void BM_ScrapeFromCache(benchmark::State& state) {
  metrics::ExpositionCache cache([](std::string_view d) { return http::GzipCompress(d); });
  cache.Publish(BuildFamilies(EightGpus()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.Get(metrics::ExpositionFormat::kPrometheusText, false));
  }
}
BENCHMARK(BM_ScrapeFromCache);

}  // namespace
}  // namespace gw::gpu_exporter

BENCHMARK_MAIN();
