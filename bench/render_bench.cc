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

ExporterState EightGpus() { return ExampleState(8); }

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
