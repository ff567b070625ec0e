// GPU-like synthetic series shared by the storage benchmarks: 8 GPUs per target; utilization
// that holds for a minute then jumps, a temperature that wanders by a degree, memory that moves
// in steps, an energy counter that grows. Values depend only on (target, series, 5-second step),
// so every consumer of the same step sees the same numbers.
#ifndef GW_BENCH_SYNTHETIC_SERIES_H_
#define GW_BENCH_SYNTHETIC_SERIES_H_

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace gw::bench {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// The series text ("synthetic_gpu_metric_3{gpu=\"5\",UUID=\"GPU-...\"}") of series `i`.
inline std::string SeriesText(uint64_t target_seed, int i) {
  const uint64_t h = Mix(target_seed ^ (static_cast<uint64_t>(i) << 20));
  char text[128];
  std::snprintf(text, sizeof(text), "synthetic_gpu_metric_%d{gpu=\"%d\",UUID=\"GPU-%08" PRIx64 "\"}",
                i / 8, i % 8, h & 0xffffffff);
  return text;
}

// The value of series `i` of a target at 5-second step `step`.
inline double SeriesValue(uint64_t target_seed, int i, int64_t step) {
  const uint64_t h = Mix(target_seed ^ (static_cast<uint64_t>(i) << 20));
  switch ((i / 8) % 4) {
    case 0:  // utilization: holds for a while, then jumps
      return static_cast<double>(Mix(h ^ static_cast<uint64_t>(step / 12)) % 101);
    case 1:  // temperature: wanders by a degree
      return 40 + static_cast<double>(Mix(h ^ static_cast<uint64_t>(step)) % 3) +
             static_cast<double>(h % 30);
    case 2:  // memory used in MiB: changes in steps
      return static_cast<double>((h % 80) * 1024 +
                                 (Mix(h ^ static_cast<uint64_t>(step / 60)) % 4) * 256);
    default:  // an energy counter in mJ
      return static_cast<double>(step * 5 * (250'000 + static_cast<int64_t>(h % 100'000)));
  }
}

}  // namespace gw::bench

#endif  // GW_BENCH_SYNTHETIC_SERIES_H_
