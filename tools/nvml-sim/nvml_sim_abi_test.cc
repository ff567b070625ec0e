// The C ABI of the built libnvidia-ml.so.1: every function, through dlopen/dlsym.
#include <dlfcn.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "abi_fixture.h"
#include "test_scenarios.h"

namespace gw::nvmlsim {
namespace {

constexpr unsigned long long kMiB = 1024ULL * 1024;


TEST_F(SimTest, StructSizesMatchNvml) {
  EXPECT_EQ(sizeof(nvmlPciInfo_t), 68u);
  EXPECT_EQ(offsetof(nvmlPciInfo_t, busId), 36u);
  EXPECT_EQ(offsetof(nvmlMemory_v2_t, total), 8u);
  EXPECT_EQ(sizeof(nvmlProcessInfo_t), 24u);
  EXPECT_EQ(sizeof(nvmlProcessInfo_v1_t), 16u);
  EXPECT_EQ(sizeof(nvmlEventData_t), 32u);
  EXPECT_EQ(sizeof(nvmlFieldValue_t), 40u);
}

TEST_F(SimTest, EveryFunctionIsExported) {
#define GW_CHECK_VERSIONED_(versioned, plain, ret, params) \
  EXPECT_NE(api_.versioned, nullptr) << #versioned;        \
  EXPECT_NE(api_.plain, nullptr) << #plain;
#define GW_CHECK_PLAIN_(name, ret, params) EXPECT_NE(api_.name, nullptr) << #name;
  GW_NVML_VERSIONED_FUNCTIONS(GW_CHECK_VERSIONED_)
  GW_NVML_PLAIN_FUNCTIONS(GW_CHECK_PLAIN_)
#undef GW_CHECK_VERSIONED_
#undef GW_CHECK_PLAIN_
  EXPECT_NE(api_.nvmlInitWithFlags, nullptr);
}

TEST_F(SimTest, OnlyNvmlSymbolsAreExported) {
  // The simulator's own C++ code stays local (these are in the library's symbol table, as
  // "t", but not in its dynamic one), so it cannot clash with the host program's copies.
  EXPECT_EQ(dlsym(api_.handle, "_ZN2gw7nvmlsim5NowMsEv"), nullptr);
  EXPECT_EQ(dlsym(api_.handle,
                  "_ZN2gw7nvmlsim13ParseScenarioESt17basic_string_viewIcSt11char_traitsIcEES4_"),
            nullptr);
  EXPECT_EQ(dlsym(api_.handle,
                  "_ZN2gw20InvalidArgumentErrorENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE"),
            nullptr);
}

TEST_F(SimTest, CallsBeforeInitAreUninitialized) {
  unsigned count = 0;
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
  nvmlDevice_t device = nullptr;
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(0, &device), NVML_ERROR_UNINITIALIZED);
  char version[80];
  EXPECT_EQ(api_.nvmlSystemGetDriverVersion(version, sizeof(version)), NVML_ERROR_UNINITIALIZED);
  nvmlEventSet_t set = nullptr;
  EXPECT_EQ(api_.nvmlEventSetCreate(&set), NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(api_.nvmlShutdown(), NVML_ERROR_UNINITIALIZED);
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_UNINITIALIZED), "Uninitialized");
}

TEST_F(SimTest, ErrorStrings) {
  EXPECT_STREQ(api_.nvmlErrorString(NVML_SUCCESS), "Success");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_INVALID_ARGUMENT), "Invalid Argument");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_NOT_SUPPORTED), "Not Supported");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_INSUFFICIENT_SIZE), "Insufficient Size");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_DRIVER_NOT_LOADED), "Driver Not Loaded");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_TIMEOUT), "Timeout");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_GPU_IS_LOST), "GPU is lost");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_ARGUMENT_VERSION_MISMATCH),
               "Argument version mismatch");
  EXPECT_STREQ(api_.nvmlErrorString(NVML_ERROR_UNKNOWN), "Unknown Error");
  EXPECT_STREQ(api_.nvmlErrorString(12345), "Unknown Error");
}

TEST_F(SimTest, InitWithoutScenarioFailsAsDriverNotLoaded) {
  UseScenario("gpus: []");
  unsetenv("NVML_SIM_SCENARIO");
  testing::internal::CaptureStderr();
  EXPECT_EQ(api_.nvmlInit_v2(), NVML_ERROR_DRIVER_NOT_LOADED);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "nvml-sim: NVML_SIM_SCENARIO is not set (point it at a scenario file, see "
            "docs/nvml-sim.md)\n");
}

TEST_F(SimTest, InvalidScenarioFailsAsDriverNotLoaded) {
  UseScenario("gpus:\n  - {utilisation: 5}\n");
  testing::internal::CaptureStderr();
  EXPECT_EQ(api_.nvmlInit(), NVML_ERROR_DRIVER_NOT_LOADED);
  EXPECT_EQ(api_.nvmlInitWithFlags(0), NVML_ERROR_DRIVER_NOT_LOADED);
  std::string expected = "nvml-sim: " + path_ +
                         ":2: unknown key \"utilisation\" in gpus[0] (did you mean "
                         "\"utilization\"?)\n";
  EXPECT_EQ(testing::internal::GetCapturedStderr(), expected + expected);
  unsigned count = 0;
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
}

TEST_F(SimTest, BadStartTimeFailsAsDriverNotLoaded) {
  UseScenario("gpus: []");
  setenv("NVML_SIM_START_MS", "yesterday", 1);
  testing::internal::CaptureStderr();
  EXPECT_EQ(api_.nvmlInit_v2(), NVML_ERROR_DRIVER_NOT_LOADED);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "nvml-sim: NVML_SIM_START_MS=\"yesterday\" is not an integer (give milliseconds "
            "since the epoch)\n");
}

TEST_F(SimTest, InitIsReferenceCounted) {
  Start(kTwoGpus);
  ASSERT_EQ(api_.nvmlInit(), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlInitWithFlags(NVML_INIT_FLAG_NO_GPUS), NVML_SUCCESS);
  unsigned count = 0;
  EXPECT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(api_.nvmlShutdown(), NVML_ERROR_UNINITIALIZED);
}

TEST_F(SimTest, CountAndHandles) {
  Start(kTwoGpus);
  unsigned count = 0;
  ASSERT_EQ(api_.nvmlDeviceGetCount(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
  nvmlDevice_t v1 = nullptr, v2 = nullptr, other = nullptr;
  ASSERT_EQ(api_.nvmlDeviceGetHandleByIndex(0, &v1), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(0, &v2), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(1, &other), NVML_SUCCESS);
  EXPECT_EQ(v1, v2);
  EXPECT_NE(v1, other);
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(2, &v2), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(0, nullptr), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(nullptr), NVML_ERROR_INVALID_ARGUMENT);
  unsigned index = 99;
  EXPECT_EQ(api_.nvmlDeviceGetIndex(other, &index), NVML_SUCCESS);
  EXPECT_EQ(index, 1u);
  // A pointer this library did not hand out is rejected, not dereferenced.
  int junk = 0;
  EXPECT_EQ(api_.nvmlDeviceGetIndex(reinterpret_cast<nvmlDevice_t>(&junk), &index),
            NVML_ERROR_INVALID_ARGUMENT);
  // Handles survive shutdown and re-initialisation.
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceGetIndex(other, &index), NVML_ERROR_UNINITIALIZED);
  ASSERT_EQ(api_.nvmlInit_v2(), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(0, &v2), NVML_SUCCESS);
  EXPECT_EQ(v1, v2);
  EXPECT_EQ(api_.nvmlDeviceGetIndex(other, &index), NVML_SUCCESS);
}

TEST_F(SimTest, IdentityStrings) {
  Start(kTwoGpus);
  nvmlDevice_t device = Device(0);
  char buffer[96];
  ASSERT_EQ(api_.nvmlDeviceGetName(device, buffer, sizeof(buffer)), NVML_SUCCESS);
  EXPECT_STREQ(buffer, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(api_.nvmlDeviceGetName(device, buffer, 21), NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(api_.nvmlDeviceGetName(device, buffer, 22), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceGetName(device, nullptr, 96), NVML_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(api_.nvmlDeviceGetUUID(device, buffer, sizeof(buffer)), NVML_SUCCESS);
  EXPECT_STREQ(buffer, "GPU-aaaaaaaa-0000-4000-8000-000000000000");
  EXPECT_EQ(api_.nvmlDeviceGetUUID(device, buffer, 40), NVML_ERROR_INSUFFICIENT_SIZE);
  ASSERT_EQ(api_.nvmlSystemGetDriverVersion(buffer, 80), NVML_SUCCESS);
  EXPECT_STREQ(buffer, "550.54.15");
  EXPECT_EQ(api_.nvmlSystemGetDriverVersion(buffer, 9), NVML_ERROR_INSUFFICIENT_SIZE);
  ASSERT_EQ(api_.nvmlSystemGetNVMLVersion(buffer, 80), NVML_SUCCESS);
  EXPECT_STREQ(buffer, "12.550.54.15");
  unsigned minor = 0;
  ASSERT_EQ(api_.nvmlDeviceGetMinorNumber(device, &minor), NVML_SUCCESS);
  EXPECT_EQ(minor, 7u);
  ASSERT_EQ(api_.nvmlDeviceGetMinorNumber(Device(1), &minor), NVML_SUCCESS);
  EXPECT_EQ(minor, 1u);  // defaults to the index
}

TEST_F(SimTest, PciInfo) {
  Start(kTwoGpus);
  for (auto get : {api_.nvmlDeviceGetPciInfo, api_.nvmlDeviceGetPciInfo_v3}) {
    nvmlPciInfo_t pci;
    std::memset(&pci, 0xAB, sizeof(pci));
    ASSERT_EQ(get(Device(1), &pci), NVML_SUCCESS);
    EXPECT_STREQ(pci.busId, "00000000:3D:00.0");
    EXPECT_STREQ(pci.busIdLegacy, "0000:3D:00.0");
    EXPECT_EQ(pci.domain, 0u);
    EXPECT_EQ(pci.bus, 0x3Du);
    EXPECT_EQ(pci.device, 0u);
    EXPECT_EQ(pci.pciDeviceId, 0x233010DEu);
    EXPECT_EQ(pci.pciSubSystemId, 0x16C110DEu);
    ASSERT_EQ(get(Device(0), &pci), NVML_SUCCESS);
    EXPECT_STREQ(pci.busId, "00000000:17:00.0");
    EXPECT_EQ(pci.bus, 0x17u);
    EXPECT_EQ(get(Device(0), nullptr), NVML_ERROR_INVALID_ARGUMENT);
  }
}

TEST_F(SimTest, MemoryInfo) {
  Start(kTwoGpus);
  nvmlMemory_t v1{};
  ASSERT_EQ(api_.nvmlDeviceGetMemoryInfo(Device(0), &v1), NVML_SUCCESS);
  EXPECT_EQ(v1.total, 81559 * kMiB);
  EXPECT_EQ(v1.used, 1500 * kMiB);  // v1 counts reserved memory as used
  EXPECT_EQ(v1.free, (81559 - 1500) * kMiB);
  nvmlMemory_v2_t v2{};
  EXPECT_EQ(api_.nvmlDeviceGetMemoryInfo_v2(Device(0), &v2),
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  v2.version = nvmlMemory_v2;
  ASSERT_EQ(api_.nvmlDeviceGetMemoryInfo_v2(Device(0), &v2), NVML_SUCCESS);
  EXPECT_EQ(v2.total, 81559 * kMiB);
  EXPECT_EQ(v2.reserved, 500 * kMiB);
  EXPECT_EQ(v2.used, 1000 * kMiB);
  EXPECT_EQ(v2.free, (81559 - 1500) * kMiB);
  // GPU 1 gives no memory_used_mib: not supported rather than zero.
  EXPECT_EQ(api_.nvmlDeviceGetMemoryInfo(Device(1), &v1), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetMemoryInfo_v2(Device(1), &v2), NVML_ERROR_NOT_SUPPORTED);
}

}  // namespace
}  // namespace gw::nvmlsim
