// ParseHubConfig on arbitrary bytes never crashes; relabeling with what it parsed neither.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/hub_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::hub::HubConfig> config = gw::hub::ParseHubConfig(text, "fuzz.yml");
  if (!config.ok()) return 0;
  const gw::hub::LabelSet labels = {
      {"__address__", "127.0.1.1:9400"}, {"__name__", "DCGM_FI_DEV_GPU_TEMP"}, {"job", "gpu"}};
  for (const gw::hub::ScrapeConfig& job : config->scrape_configs) {
    gw::hub::Relabel(labels, job.relabel_configs).has_value();
    gw::hub::Relabel(labels, job.metric_relabel_configs).has_value();
  }
  return 0;
}
