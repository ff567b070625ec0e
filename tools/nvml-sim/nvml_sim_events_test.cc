// The C ABI of the built library: Xid events.
#include <atomic>
#include <chrono>
#include <thread>

#include "abi_fixture.h"

namespace gw::nvmlsim {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

int64_t MsSince(steady_clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
}

class SimEventTest : public SimTest {
 protected:
  nvmlEventSet_t RegisterAll(unsigned gpus) {
    nvmlEventSet_t set = nullptr;
    EXPECT_EQ(api_.nvmlEventSetCreate(&set), NVML_SUCCESS);
    for (unsigned i = 0; i < gpus; ++i) {
      EXPECT_EQ(api_.nvmlDeviceRegisterEvents(Device(i), NVML_EVENT_TYPE_XID_CRITICAL_ERROR, set),
                NVML_SUCCESS);
    }
    return set;
  }
};

TEST_F(SimEventTest, RegistrationAcceptsOnlyXids) {
  Start("gpus: [{}]");
  nvmlEventSet_t set = nullptr;
  ASSERT_EQ(api_.nvmlEventSetCreate(&set), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceRegisterEvents(Device(0), 0x1 | 0x2, set), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceRegisterEvents(Device(0), 0x8 | 0x1, set), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlDeviceRegisterEvents(Device(0), 0x8, nullptr), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api_.nvmlEventSetFree(set), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlEventSetFree(set), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api_.nvmlEventSetCreate(nullptr), NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(SimEventTest, DeliversXidsInTimeOrderWhenDue) {
  Start(R"(
gpus:
  - xid_events: [{at: 300ms, xid: 13}, {at: 600ms, xid: 79}, {at: 300ms, xid: 31}]
  - xid_events: [{at: 450ms, xid: 63}]
)");
  auto start = steady_clock::now();
  nvmlEventSet_t set = RegisterAll(2);
  nvmlEventData_t data;
  const std::pair<unsigned, unsigned long long> expected[] = {{0, 13}, {0, 31}, {1, 63}, {0, 79}};
  for (auto [gpu, xid] : expected) {
    ASSERT_EQ(api_.nvmlEventSetWait_v2(set, &data, 2000), NVML_SUCCESS);
    EXPECT_EQ(data.device, Device(gpu));
    EXPECT_EQ(data.eventType, NVML_EVENT_TYPE_XID_CRITICAL_ERROR);
    EXPECT_EQ(data.eventData, xid);
    EXPECT_EQ(data.gpuInstanceId, 0xFFFFFFFFu);
    EXPECT_EQ(data.computeInstanceId, 0xFFFFFFFFu);
  }
  // The last Xid was due at 600 ms and is not delivered early.
  EXPECT_GE(MsSince(start), 590);
  EXPECT_LT(MsSince(start), 5000);  // loose: CI machines are shared
  auto wait_start = steady_clock::now();
  EXPECT_EQ(api_.nvmlEventSetWait(set, &data, 120), NVML_ERROR_TIMEOUT);
  EXPECT_GE(MsSince(wait_start), 115);
  EXPECT_LT(MsSince(wait_start), 3000);
  EXPECT_EQ(api_.nvmlEventSetFree(set), NVML_SUCCESS);
}

TEST_F(SimEventTest, XidsBeforeRegistrationAreNotReplayed) {
  Start("gpus: [{xid_events: [{at: 1s, xid: 48}, {at: 5200ms, xid: 94}]}]", 5000);
  nvmlEventSet_t set = RegisterAll(1);
  nvmlEventData_t data;
  ASSERT_EQ(api_.nvmlEventSetWait_v2(set, &data, 2000), NVML_SUCCESS);
  EXPECT_EQ(data.eventData, 94u);
  EXPECT_EQ(api_.nvmlEventSetWait_v2(set, &data, 0), NVML_ERROR_TIMEOUT);
}

TEST_F(SimEventTest, EachSetGetsEveryXid) {
  // Due after registration: an event older than the registration is never delivered.
  Start("gpus: [{xid_events: [{at: 300ms, xid: 31}]}]");
  nvmlEventSet_t a = RegisterAll(1);
  nvmlEventSet_t b = RegisterAll(1);
  nvmlEventData_t data;
  EXPECT_EQ(api_.nvmlEventSetWait_v2(a, &data, 1000), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlEventSetWait_v2(b, &data, 1000), NVML_SUCCESS);
  EXPECT_EQ(api_.nvmlEventSetWait_v2(a, &data, 0), NVML_ERROR_TIMEOUT);
}

TEST_F(SimEventTest, LostGpuDeliversNothing) {
  Start("gpus: [{lost_at: 100ms, xid_events: [{at: 200ms, xid: 79}]}]");
  nvmlEventSet_t set = RegisterAll(1);
  nvmlEventData_t data;
  EXPECT_EQ(api_.nvmlEventSetWait_v2(set, &data, 400), NVML_ERROR_TIMEOUT);
}

TEST_F(SimEventTest, WaitingDoesNotBlockOtherCalls) {
  Start("gpus: [{power_w: 10}]");
  nvmlEventSet_t set = RegisterAll(1);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    nvmlEventData_t data;
    EXPECT_EQ(api_.nvmlEventSetWait_v2(set, &data, 3000), NVML_ERROR_TIMEOUT);
    done = true;
  });
  std::this_thread::sleep_for(milliseconds(100));
  auto start = steady_clock::now();
  unsigned mw = 0;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(api_.nvmlDeviceGetPowerUsage(Device(0), &mw), NVML_SUCCESS);
  // Generous bound for a loaded machine: what matters is that the calls did not wait for the
  // waiter's 3 s.
  EXPECT_LT(MsSince(start), 1500);
  EXPECT_FALSE(done);
  waiter.join();
}

TEST_F(SimEventTest, OldDriverWaitsThroughThePlainName) {
  const NvmlApi& old = OldDriver();
  UseScenario("gpus: [{xid_events: [{at: 100ms, xid: 43}]}]");
  ASSERT_EQ(old.nvmlInit(), NVML_SUCCESS);
  nvmlDevice_t device = nullptr;
  ASSERT_EQ(old.nvmlDeviceGetHandleByIndex(0, &device), NVML_SUCCESS);
  nvmlEventSet_t set = nullptr;
  ASSERT_EQ(old.nvmlEventSetCreate(&set), NVML_SUCCESS);
  ASSERT_EQ(old.nvmlDeviceRegisterEvents(device, NVML_EVENT_TYPE_XID_CRITICAL_ERROR, set),
            NVML_SUCCESS);
  nvmlEventData_t data;
  ASSERT_EQ(old.nvmlEventSetWait(set, &data, 1000), NVML_SUCCESS);
  EXPECT_EQ(data.eventData, 43u);
  EXPECT_EQ(data.device, device);
  EXPECT_EQ(old.nvmlEventSetFree(set), NVML_SUCCESS);
}

}  // namespace
}  // namespace gw::nvmlsim
