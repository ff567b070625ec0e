#include "metrics/exposition_cache.h"

namespace gw::metrics {

void ExpositionCache::Publish(std::vector<MetricFamily> families) {
  auto page = std::make_shared<Page>();
  page->families = std::move(families);
  // The common case (Prometheus text, uncompressed) is rendered here, on the collector thread,
  // so that a scrape only copies a pointer.
  auto text = std::make_shared<std::string>();
  WriteText(page->families, ExpositionFormat::kPrometheusText, text.get());
  page->variants[0] = std::move(text);
  std::lock_guard<std::mutex> lock(mu_);
  page_ = std::move(page);
}

ExpositionCache::Body ExpositionCache::Get(ExpositionFormat format, bool gzip) {
  std::shared_ptr<Page> page;
  {
    std::lock_guard<std::mutex> lock(mu_);
    page = page_;
  }
  if (!page) {
    page = std::make_shared<Page>();
  }
  size_t slot = (format == ExpositionFormat::kOpenMetrics ? 2 : 0) + (gzip ? 1 : 0);
  std::lock_guard<std::mutex> lock(page->mu);
  if (page->variants[slot]) return page->variants[slot];
  size_t plain_slot = slot & ~size_t{1};
  if (!page->variants[plain_slot]) {
    auto text = std::make_shared<std::string>();
    WriteText(page->families, format, text.get());
    page->variants[plain_slot] = std::move(text);
  }
  if (gzip)
    page->variants[slot] = std::make_shared<const std::string>(gzip_(*page->variants[plain_slot]));
  return page->variants[slot];
}

}  // namespace gw::metrics
