// Test support: the built libnvidia-ml.so.1 variants, dlopen'ed and bound through the same
// X-macro list the exporter's loader uses, plus a fixture that points them at a scenario.
#ifndef GW_TOOLS_NVML_SIM_ABI_FIXTURE_H_
#define GW_TOOLS_NVML_SIM_ABI_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "nvml/nvml_functions.h"

namespace gw::nvmlsim {

// Every entry point, null when the library lacks it.
struct NvmlApi {
#define GW_NVMLSIM_TEST_VERSIONED_(versioned, plain, ret, params) \
  ret(*versioned) params = nullptr;                               \
  ret(*plain) params = nullptr;
#define GW_NVMLSIM_TEST_PLAIN_(name, ret, params) ret(*name) params = nullptr;
  GW_NVML_VERSIONED_FUNCTIONS(GW_NVMLSIM_TEST_VERSIONED_)
  GW_NVML_PLAIN_FUNCTIONS(GW_NVMLSIM_TEST_PLAIN_)
#undef GW_NVMLSIM_TEST_VERSIONED_
#undef GW_NVMLSIM_TEST_PLAIN_
  nvmlReturn_t (*nvmlInitWithFlags)(unsigned int) = nullptr;
  void* handle = nullptr;
};

// The library at path, loaded once per process (RTLD_LOCAL, so the two variants keep
// separate state). Aborts the test binary if it cannot be loaded.
const NvmlApi& LoadApi(const char* path);
const NvmlApi& CurrentDriver();  // GW_NVML_SIM_LIBRARY
const NvmlApi& OldDriver();      // GW_NVML_SIM_OLD_LIBRARY

int64_t EpochMs();

// Writes a scenario, points NVML_SIM_SCENARIO at it and sets the timeline so that "now" is
// t_ms; TearDown shuts the libraries down completely.
class SimTest : public testing::Test {
 protected:
  void TearDown() override;

  // Writes text to this test's scenario file and sets the environment.
  void UseScenario(std::string_view text, int64_t t_ms = 0);
  // UseScenario, then nvmlInit_v2 of the current driver, which must succeed.
  void Start(std::string_view text, int64_t t_ms = 0);
  nvmlDevice_t Device(unsigned index);

  const NvmlApi& api_ = CurrentDriver();
  std::string path_;
};

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_ABI_FIXTURE_H_
