// `gpuwatchdog check-config`: validates config files without starting the hub.
#include <iostream>

#include "hub/hub_config.h"

namespace gw::hub {

int CheckConfigMain(int argc, const char* const* argv) {
  if (argc < 2) {
    std::cerr << "usage: gpuwatchdog check-config FILE...\n";
    return 2;
  }
  int rc = 0;
  for (int i = 1; i < argc; ++i) {
    StatusOr<HubConfig> config = LoadHubConfigFile(argv[i]);
    if (!config.ok()) {
      std::cerr << config.status().message() << "\n";
      rc = 2;
      continue;
    }
    size_t targets = 0;
    for (const ScrapeConfig& job : config->scrape_configs) {
      for (const StaticConfig& group : job.static_configs) targets += group.targets.size();
    }
    std::cout << argv[i] << ": OK (" << config->scrape_configs.size() << " scrape configs, "
              << targets << " targets)\n";
  }
  return rc;
}

}  // namespace gw::hub
