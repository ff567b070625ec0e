// The pre-rendered /metrics page. The collector publishes a new page after each collection;
// scrapes take the current one without touching the driver. Variants (OpenMetrics, gzip) are
// rendered on first request and kept with the page.
#ifndef GW_METRICS_EXPOSITION_CACHE_H_
#define GW_METRICS_EXPOSITION_CACHE_H_

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metric_family.h"
#include "metrics/text_writer.h"

namespace gw::metrics {

// Thread-safe.
class ExpositionCache {
 public:
  using Body = std::shared_ptr<const std::string>;
  // Compresses with gzip; injected so this class stays free of the HTTP library.
  using Compressor = std::string (*)(std::string_view);

  explicit ExpositionCache(Compressor gzip) : gzip_(gzip) {}

  void Publish(std::vector<MetricFamily> families);
  // The page in `format`, gzip-compressed when `gzip`. Before the first Publish, an empty page.
  Body Get(ExpositionFormat format, bool gzip);

 private:
  struct Page {
    std::vector<MetricFamily> families;
    std::mutex mu;
    std::array<Body, 4> variants;  // [format * 2 + gzip]
  };
  Compressor gzip_;
  std::mutex mu_;
  std::shared_ptr<Page> page_;
};

}  // namespace gw::metrics

#endif  // GW_METRICS_EXPOSITION_CACHE_H_
