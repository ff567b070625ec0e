// The store's in-process append rate: one thread appending scrape-sized batches (500 series per
// commit, as one target's page) through Db's Appender with ref hints, WAL on a real disk
// (fsync every second). Target in docs/benchmarks.md: at least 2 million samples/s on one core.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tsdb/db.h"
#include "tsdb/file_env.h"

namespace gw::tsdb {
namespace {

void BM_DbAppend(benchmark::State& state) {
  const int targets = static_cast<int>(state.range(0));
  constexpr int kSeriesPerTarget = 500;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gw-db-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  PosixEnv env;
  DbOptions options;
  options.wal.sync_policy = WalSyncPolicy::kInterval;
  auto db = Db::Open(&env, dir.string(), options);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  std::vector<Labels> labels;
  for (int t = 0; t < targets; ++t) {
    for (int s = 0; s < kSeriesPerTarget; ++s) {
      labels.push_back(Labels{{"__name__", "synthetic_gpu_metric_" + std::to_string(s / 8)},
                              {"gpu", std::to_string(s % 8)},
                              {"instance", "node" + std::to_string(t) + ":9400"},
                              {"job", "gpu"}});
    }
  }
  std::vector<SeriesRef> refs(labels.size(), 0);
  auto appender = (*db)->NewAppender();
  int64_t t_ms = 0;
  uint64_t samples = 0;
  for (auto _ : state) {
    t_ms += 5000;
    for (int t = 0; t < targets; ++t) {
      for (int s = 0; s < kSeriesPerTarget; ++s) {
        const size_t i = static_cast<size_t>(t) * kSeriesPerTarget + s;
        refs[i] = *appender->Append(refs[i], labels[i], t_ms, static_cast<double>((s * 7 + t_ms / 5000) % 101));
      }
      benchmark::DoNotOptimize(appender->Commit());
    }
    samples += labels.size();
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
  db->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DbAppend)->Arg(200)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gw::tsdb

BENCHMARK_MAIN();
