#include "abi_fixture.h"

#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

namespace gw::nvmlsim {

const NvmlApi& LoadApi(const char* path) {
  static auto* loaded = new std::map<std::string, NvmlApi>();
  auto [it, inserted] = loaded->try_emplace(path);
  NvmlApi& api = it->second;
  if (!inserted) return api;
  api.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (api.handle == nullptr) {
    std::fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
    std::abort();
  }
#define GW_NVMLSIM_TEST_BIND_(name) \
  api.name = reinterpret_cast<decltype(api.name)>(dlsym(api.handle, #name));
#define GW_NVMLSIM_TEST_VERSIONED_(versioned, plain, ret, params) \
  GW_NVMLSIM_TEST_BIND_(versioned) GW_NVMLSIM_TEST_BIND_(plain)
#define GW_NVMLSIM_TEST_PLAIN_(name, ret, params) GW_NVMLSIM_TEST_BIND_(name)
  GW_NVML_VERSIONED_FUNCTIONS(GW_NVMLSIM_TEST_VERSIONED_)
  GW_NVML_PLAIN_FUNCTIONS(GW_NVMLSIM_TEST_PLAIN_)
  GW_NVMLSIM_TEST_BIND_(nvmlInitWithFlags)
#undef GW_NVMLSIM_TEST_VERSIONED_
#undef GW_NVMLSIM_TEST_PLAIN_
#undef GW_NVMLSIM_TEST_BIND_
  return api;
}

const NvmlApi& CurrentDriver() { return LoadApi(GW_NVML_SIM_LIBRARY); }
const NvmlApi& OldDriver() { return LoadApi(GW_NVML_SIM_OLD_LIBRARY); }

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SimTest::TearDown() {
  for (const NvmlApi* api : {&CurrentDriver(), &OldDriver()}) {
    while (api->nvmlShutdown() == NVML_SUCCESS) {
    }
  }
  if (!path_.empty()) std::remove(path_.c_str());
}

void SimTest::UseScenario(std::string_view text, int64_t t_ms) {
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) c = c == '/' ? '_' : c;
  path_ = testing::TempDir() + "/nvml_sim_" + name + ".yaml";
  std::ofstream out(path_, std::ios::trunc);
  out << text;
  out.close();
  setenv("NVML_SIM_SCENARIO", path_.c_str(), 1);
  setenv("NVML_SIM_START_MS", std::to_string(EpochMs() - t_ms).c_str(), 1);
}

void SimTest::Start(std::string_view text, int64_t t_ms) {
  UseScenario(text, t_ms);
  ASSERT_EQ(api_.nvmlInit_v2(), NVML_SUCCESS);
}

nvmlDevice_t SimTest::Device(unsigned index) {
  nvmlDevice_t device = nullptr;
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(index, &device), NVML_SUCCESS);
  return device;
}

}  // namespace gw::nvmlsim
