// Bytes per sample on disk, the hub's store against Prometheus' on the same data: two hours of
// the synthetic GPU series at 5 s (bench/synthetic_series.h). Writes the data as OpenMetrics for
// `promtool tsdb create-blocks-from openmetrics`, builds the hub's 2-hour block from the same
// samples through Db, and prints the hub's bytes per sample (scripts/bench-block-size compares).
//
//   block_size_bench SERIES OUT_DIR
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "synthetic_series.h"
#include "tsdb/db.h"
#include "tsdb/file_env.h"

namespace {

constexpr int64_t kStart = 1'700'006'400'000;  // a multiple of 2 h, as blocks are aligned
constexpr int64_t kStepMs = 5000;
constexpr int64_t kSteps = 2 * 3600 / 5;
constexpr int kSeriesPerTarget = 500;

uint64_t SeedOf(int target) { return gw::bench::Mix(static_cast<uint64_t>(target) + 1); }

gw::tsdb::Labels LabelsOf(int target, int i) {
  const std::string text = gw::bench::SeriesText(SeedOf(target), i);
  // synthetic_gpu_metric_N{gpu="G",UUID="GPU-X"}
  const size_t brace = text.find('{');
  const size_t gpu = text.find("gpu=\"") + 5;
  const size_t uuid = text.find("UUID=\"") + 6;
  return gw::tsdb::Labels{{"__name__", text.substr(0, brace)},
                          {"UUID", text.substr(uuid, text.find('"', uuid) - uuid)},
                          {"gpu", text.substr(gpu, text.find('"', gpu) - gpu)},
                          {"instance", "node" + std::to_string(target)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: block_size_bench SERIES OUT_DIR\n");
    return 2;
  }
  const int series = std::atoi(argv[1]);
  const std::filesystem::path out = argv[2];
  std::filesystem::create_directories(out);
  const int targets = (series + kSeriesPerTarget - 1) / kSeriesPerTarget;

  // OpenMetrics for promtool: each family's series together, each series' samples in order.
  {
    std::ofstream om(out / "data.om");
    const int families = kSeriesPerTarget / 8;
    for (int family = 0; family < families; ++family) {
      for (int t = 0; t < targets; ++t) {
        for (int gpu = 0; gpu < 8; ++gpu) {
          const int i = family * 8 + gpu;
          if (t * kSeriesPerTarget + i >= series) continue;
          std::string text = gw::bench::SeriesText(SeedOf(t), i);
          text.insert(text.size() - 1, ",instance=\"node" + std::to_string(t) + "\"");
          for (int64_t step = 0; step < kSteps; ++step) {
            const int64_t t_ms = kStart + step * kStepMs;
            char line[64];
            std::snprintf(line, sizeof(line), " %.17g %lld.%03lld\n",
                          gw::bench::SeriesValue(SeedOf(t), i, t_ms / kStepMs),
                          static_cast<long long>(t_ms / 1000),
                          static_cast<long long>(t_ms % 1000));
            om << text << line;
          }
        }
      }
    }
    om << "# EOF\n";
  }

  // The hub's store: 4 h through Db so that Maintain cuts [start, start + 2 h) into a block.
  gw::tsdb::PosixEnv env;
  gw::tsdb::DbOptions options;
  options.retention_ms = 0;
  options.wal.sync_policy = gw::tsdb::WalSyncPolicy::kNever;
  auto db = gw::tsdb::Db::Open(&env, (out / "gw").string(), options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  std::vector<gw::tsdb::Labels> labels;
  std::vector<gw::tsdb::SeriesRef> refs;
  for (int n = 0; n < series; ++n) labels.push_back(LabelsOf(n / kSeriesPerTarget, n % kSeriesPerTarget));
  refs.assign(labels.size(), 0);
  auto app = (*db)->NewAppender();
  for (int64_t step = 0; step < 2 * kSteps; ++step) {
    const int64_t t_ms = kStart + step * kStepMs;
    for (int n = 0; n < series; ++n) {
      const double v = gw::bench::SeriesValue(SeedOf(n / kSeriesPerTarget), n % kSeriesPerTarget,
                                              t_ms / kStepMs);
      refs[n] = *app->Append(refs[n], labels[n], t_ms, v);
    }
    if (!app->Commit().ok()) return 1;
  }
  if (auto s = (*db)->Maintain(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("gpuwatchdog block: %llu bytes on disk in %llu blocks\n",
              static_cast<unsigned long long>((*db)->stats().block_bytes),
              static_cast<unsigned long long>((*db)->stats().blocks));
  return 0;
}
