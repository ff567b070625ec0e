// The hub's scrape-page scanner and series parser on arbitrary bytes, in both formats: they may
// reject, never crash or hang; every series text the scanner yields either parses or is refused.
#include <cstdint>
#include <string_view>

#include "hub/scrape_page.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view page(reinterpret_cast<const char*>(data), size);
  for (auto format : {gw::hub::PageFormat::kPrometheusText, gw::hub::PageFormat::kOpenMetrics}) {
    gw::hub::PageScanner scanner(page, format);
    gw::hub::PageSample sample;
    while (scanner.Next(&sample)) {
      auto labels = gw::hub::ParseSeries(sample.series);
      labels.IgnoreError();
    }
  }
  return 0;
}
