// Time-series store benchmarks: head append throughput, XOR compression, label selection.
// Run: build/release/bench/tsdb_bench --benchmark_repetitions=5 \
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tsdb/head.h"
#include "tsdb/xor_reader.h"
#include "tsdb/xor_writer.h"

namespace gw::tsdb {
namespace {

constexpr int kNumSeries = 10'000;
constexpr int64_t kStartMs = 1'700'000'000'000;

// 10 metrics x 125 nodes x 8 GPUs = 10k series, like a mid-size GPU cluster.
Labels SeriesLabels(int i) {
  return {{"__name__", "gpu_metric_" + std::to_string(i % 10)},
          {"node", "node" + std::to_string(i / 80)},
          {"gpu", std::to_string((i / 10) % 8)},
          {"job", "hub"}};
}

std::unique_ptr<Head> MakeHead(std::vector<SeriesRef>* refs) {
  auto head = std::make_unique<Head>();
  for (int i = 0; i < kNumSeries; ++i) refs->push_back(head->GetOrCreate(SeriesLabels(i)).value());
  return head;
}

// Appends state.range(0) scrapes of all 10k series into a fresh head: samples/s on one core.
void BM_HeadAppend(benchmark::State& state) {
  const int scrapes = static_cast<int>(state.range(0));
  double heap_per_series = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const size_t heap_before = mallinfo2().uordblks;
    std::vector<SeriesRef> refs;
    std::unique_ptr<Head> head = MakeHead(&refs);
    state.ResumeTiming();
    for (int s = 0; s < scrapes; ++s) {
      const int64_t t = kStartMs + s * 1000;
      for (size_t i = 0; i < refs.size(); ++i) {
        benchmark::DoNotOptimize(head->Append(refs[i], t, static_cast<double>((s + i) % 100)));
      }
    }
    state.PauseTiming();
    heap_per_series = static_cast<double>(mallinfo2().uordblks - heap_before) / kNumSeries;
    head.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * scrapes * kNumSeries);
  // Heap held by the head (series, index, symbols, chunks) per series, refs vector included.
  state.counters["heap_bytes_per_series"] = heap_per_series;
}
BENCHMARK(BM_HeadAppend)->Arg(120)->Unit(benchmark::kMillisecond)->UseRealTime();

using Series = std::vector<std::pair<int64_t, double>>;

// A GPU utilisation gauge: 1 s scrapes with +-jitter_ms; integer percent on a slow walk.
Series GpuUtilSeries(int n, int jitter_ms) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> step(0, 1.5);
  std::uniform_int_distribution<int> jitter(-jitter_ms, jitter_ms);
  Series out;
  double util = 60;
  for (int i = 0; i < n; ++i) {
    util = std::clamp(util + step(rng), 0.0, 100.0);
    out.push_back({kStartMs + i * 1000 + jitter(rng), std::round(util)});
  }
  return out;
}

// Board power in watts with 0.01 W resolution around 250 W, same timestamps.
Series GpuPowerSeries(int n) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 8);
  std::uniform_int_distribution<int> jitter(-25, 25);
  Series out;
  for (int i = 0; i < n; ++i) {
    out.push_back({kStartMs + i * 1000 + jitter(rng), std::round((250 + noise(rng)) * 100) / 100});
  }
  return out;
}

Series ConstantSeries(int n) {
  Series out;
  for (int i = 0; i < n; ++i) out.push_back({kStartMs + i * 1000, 1.0});
  return out;
}

Series RandomSeries(int n) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> v(0, 1);
  Series out;
  for (int i = 0; i < n; ++i) out.push_back({kStartMs + i * 1000, v(rng)});
  return out;
}

// Encodes the series in chunks cut as the head cuts them; reports bytes/sample.
void Compress(benchmark::State& state, const std::function<Series(int)>& make) {
  const Series series = make(120'000);
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    XorWriter w;
    for (const auto& [t, v] : series) {
      if (w.Full()) bytes += w.TakeBytes().size();
      w.Append(t, v);
    }
    bytes += w.TakeBytes().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(series.size()));
  state.counters["bytes_per_sample"] =
      static_cast<double>(bytes) / static_cast<double>(series.size());
}
Series GpuUtilJittered(int n) { return GpuUtilSeries(n, 25); }
// The same with timestamps on the scrape schedule, as a scraper that stamps scheduled times.
Series GpuUtilAligned(int n) { return GpuUtilSeries(n, 0); }

BENCHMARK_CAPTURE(Compress, gpu_util, GpuUtilJittered)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Compress, gpu_util_aligned, GpuUtilAligned)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Compress, gpu_power, GpuPowerSeries)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Compress, constant, ConstantSeries)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Compress, random, RandomSeries)->Unit(benchmark::kMillisecond);

void BM_XorDecode(benchmark::State& state) {
  XorWriter w;
  for (const auto& [t, v] : GpuUtilJittered(120)) w.Append(t, v);
  const std::vector<uint8_t> chunk = w.TakeBytes();
  for (auto _ : state) {
    XorIterator it(chunk);
    double sum = 0;
    while (it.Next()) sum += it.value();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 120);
}
BENCHMARK(BM_XorDecode);

// Select over 10k series; the argument picks the query.
void BM_HeadSelect(benchmark::State& state) {
  std::vector<SeriesRef> refs;
  std::unique_ptr<Head> head = MakeHead(&refs);
  auto m = [](MatchType type, std::string name, std::string value) {
    return Matcher::Create(type, std::move(name), std::move(value)).value();
  };
  const std::vector<std::vector<Matcher>> queries = {
      // One node's GPUs for one metric: 8 series.
      {m(MatchType::kEqual, "__name__", "gpu_metric_3"), m(MatchType::kEqual, "node", "node42")},
      // One metric across the cluster, minus GPU 0: 875 series.
      {m(MatchType::kEqual, "__name__", "gpu_metric_3"), m(MatchType::kNotEqual, "gpu", "0")},
      // Regex over node names: 10 metrics x 11 nodes x 8 GPUs.
      {m(MatchType::kRegexMatch, "__name__", "gpu_metric_.*"),
       m(MatchType::kRegexMatch, "node", "node1[0-9]?")},
  };
  const auto& query = queries[static_cast<size_t>(state.range(0))];
  size_t n = 0;
  for (auto _ : state) {
    n = head->Select(query).size();
    benchmark::DoNotOptimize(n);
  }
  state.counters["series"] = static_cast<double>(n);
}
BENCHMARK(BM_HeadSelect)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gw::tsdb

BENCHMARK_MAIN();
