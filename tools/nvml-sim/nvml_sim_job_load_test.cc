// Job-load mode through the C ABI: GPUs whose load follows the load files of live processes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "abi_fixture.h"

namespace gw::nvmlsim {
namespace {

constexpr unsigned long long kMiB = 1024ULL * 1024;

// GPU 0 has every load-driven value; GPU 1 only utilisation, without power limit or max clock.
constexpr char kLoadGpus[] = R"(
    memory_total_mib: 81559
    memory_reserved_mib: 500
    memory_used_mib: 1000
    utilization: 42
    memory_utilization: 17
    temperature_c: 55
    memory_temperature_c: 61
    power_w: 312
    power_limit_w: 700
    energy_start_mj: 5000
    sm_clock_mhz: 1755
    max_sm_clock_mhz: 1980
    mem_clock_mhz: 2619
    ecc_corrected_volatile: 3
    processes: [{pid: 100, used_memory_mib: 600}]
  - pci_bus_id: "0000:3d:00.0"
    utilization: 10
    memory_utilization: 5
    sm_clock_mhz: 1200
)";

// A child process that lives until the object is destroyed.
class LiveChild {
 public:
  LiveChild() : pid_(fork()) {
    if (pid_ == 0) {
      pause();
      _exit(0);
    }
  }
  ~LiveChild() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

// The pid of a process that has exited and been reaped.
pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

class JobLoadTest : public SimTest {
 protected:
  void SetUp() override {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = testing::TempDir() + "/nvml_sim_load_" + info->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    SimTest::TearDown();
    std::filesystem::remove_all(dir_);
  }

  void StartWithLoad(std::string_view refresh = "0s") {
    Start("job_load: {dir: \"" + dir_ + "\", refresh: " + std::string(refresh) +
          "}\ngpus:\n  - name: NVIDIA H100 80GB HBM3" + kLoadGpus);
  }
  void WriteLoad(unsigned gpu, pid_t pid, std::string_view text) {
    std::ofstream(dir_ + "/" + std::to_string(gpu) + "." + std::to_string(pid)) << text;
  }
  nvmlUtilization_t Utilization(unsigned gpu) {
    nvmlUtilization_t utilization{};
    EXPECT_EQ(api_.nvmlDeviceGetUtilizationRates(Device(gpu), &utilization), NVML_SUCCESS);
    return utilization;
  }
  unsigned Read(nvmlReturn_t (*get)(nvmlDevice_t, unsigned int*), unsigned gpu) {
    unsigned value = 0;
    EXPECT_EQ(get(Device(gpu), &value), NVML_SUCCESS);
    return value;
  }
  unsigned SmClock(unsigned gpu) {
    unsigned mhz = 0;
    EXPECT_EQ(api_.nvmlDeviceGetClockInfo(Device(gpu), NVML_CLOCK_SM, &mhz), NVML_SUCCESS);
    return mhz;
  }
  unsigned long long UsedBytes() {
    nvmlMemory_v2_t memory{};
    memory.version = nvmlMemory_v2;
    EXPECT_EQ(api_.nvmlDeviceGetMemoryInfo_v2(Device(0), &memory), NVML_SUCCESS);
    return memory.used;
  }
  std::vector<nvmlProcessInfo_t> Processes(unsigned gpu) {
    std::vector<nvmlProcessInfo_t> infos(8);
    unsigned count = static_cast<unsigned>(infos.size());
    EXPECT_EQ(api_.nvmlDeviceGetComputeRunningProcesses_v3(Device(gpu), &count, infos.data()),
              NVML_SUCCESS);
    infos.resize(count);
    return infos;
  }
  unsigned long long Energy() {
    unsigned long long energy_mj = 0;
    EXPECT_EQ(api_.nvmlDeviceGetTotalEnergyConsumption(Device(0), &energy_mj), NVML_SUCCESS);
    return energy_mj;
  }

  std::string dir_;
};

TEST_F(JobLoadTest, IdleGpuWithoutLoadFiles) {
  StartWithLoad();
  nvmlUtilization_t utilization = Utilization(0);
  EXPECT_EQ(utilization.gpu, 0u);
  EXPECT_EQ(utilization.memory, 0u);
  EXPECT_EQ(UsedBytes(), 0u);
  EXPECT_TRUE(Processes(0).empty());  // the scenario's pid 100 is not reported in this mode
  EXPECT_EQ(Read(api_.nvmlDeviceGetPowerUsage, 0), 70000u);  // 10 % of the 700 W limit
  EXPECT_EQ(SmClock(0), 345u);
  unsigned temp = 0;
  ASSERT_EQ(api_.nvmlDeviceGetTemperature(Device(0), NVML_TEMPERATURE_GPU, &temp), NVML_SUCCESS);
  EXPECT_EQ(temp, 32u);
  unsigned mhz = 0;
  ASSERT_EQ(api_.nvmlDeviceGetClockInfo(Device(0), NVML_CLOCK_MEM, &mhz), NVML_SUCCESS);
  EXPECT_EQ(mhz, 2619u);  // not load-driven: the scenario's curve
  unsigned long long ecc = 0;
  ASSERT_EQ(api_.nvmlDeviceGetTotalEccErrors(Device(0), 0, 0, &ecc), NVML_SUCCESS);
  EXPECT_EQ(ecc, 3u);
  nvmlFieldValue_t field{};
  field.fieldId = NVML_FI_DEV_MEMORY_TEMP;
  ASSERT_EQ(api_.nvmlDeviceGetFieldValues(Device(0), 1, &field), NVML_SUCCESS);
  EXPECT_EQ(field.value.uiVal, 38u);
}

TEST_F(JobLoadTest, LiveProcessLoadsItsGpu) {
  StartWithLoad();
  WriteLoad(0, getpid(), "utilization=50 memory_mib=2048\n");
  nvmlUtilization_t utilization = Utilization(0);
  EXPECT_NEAR(utilization.gpu, 50, 3);
  EXPECT_NEAR(utilization.memory, 0.6 * utilization.gpu, 1);
  EXPECT_EQ(UsedBytes(), 2048 * kMiB);
  std::vector<nvmlProcessInfo_t> processes = Processes(0);
  ASSERT_EQ(processes.size(), 1u);
  EXPECT_EQ(processes[0].pid, static_cast<unsigned>(getpid()));
  EXPECT_EQ(processes[0].usedGpuMemory, 2048 * kMiB);
  EXPECT_GT(Read(api_.nvmlDeviceGetPowerUsage, 0), 300000u);  // 70 W + 574 W * ~50 %
  EXPECT_EQ(SmClock(0), 1881u);                               // 95 % of 1980 MHz
  EXPECT_EQ(Utilization(1).gpu, 0u);                          // the other GPU stays idle
  EXPECT_EQ(SmClock(1), 1200u);                               // no max clock: the scenario's curve
}

TEST_F(JobLoadTest, LoadsAddUpAndClamp) {
  StartWithLoad();
  LiveChild child;
  WriteLoad(0, getpid(), "utilization=70 memory_mib=1000 memory_utilization=30");
  WriteLoad(0, child.pid(), " memory_mib=500\tutilization=60 memory_utilization=80 ");
  EXPECT_GE(Utilization(0).gpu, 97u);  // 100 minus at most the wobble
  EXPECT_EQ(Utilization(0).memory, 100u);
  EXPECT_EQ(UsedBytes(), 1500 * kMiB);
  EXPECT_EQ(Processes(0).size(), 2u);
  WriteLoad(0, getpid(), "utilization=10 memory_mib=81000");  // 81500 MiB in all
  EXPECT_EQ(UsedBytes(), (81559 - 500) * kMiB);               // no more than the GPU has
}

TEST_F(JobLoadTest, DeadProcessesAndOtherFilesAreIgnored) {
  StartWithLoad();
  WriteLoad(0, DeadPid(), "utilization=50 memory_mib=1");
  WriteLoad(5, getpid(), "utilization=50 memory_mib=1");  // no GPU 5
  for (const std::string& name :
       std::vector<std::string>{"0.x", ".0." + std::to_string(getpid()), "0.0", "notes"}) {
    std::ofstream(dir_ + "/" + name) << "utilization=50 memory_mib=1";
  }
  std::filesystem::create_directory(dir_ + "/1." + std::to_string(getpid()));
  EXPECT_EQ(Utilization(0).gpu, 0u);
  EXPECT_EQ(Utilization(1).gpu, 0u);
  EXPECT_TRUE(Processes(0).empty());
}

TEST_F(JobLoadTest, MalformedFilesAreIgnored) {
  StartWithLoad();
  for (const char* text :
       {"utilization=abc memory_mib=1", "utilization=50", "utilization=50 memory_mib=1 colour=red",
        "utilization=150 memory_mib=1", "utilization=50 memory_mib=-1", "utilization 50",
        "utilization=5 utilization=5 memory_mib=1",
        "utilization=5 memory_mib=1 memory_utilization=101", ""}) {
    WriteLoad(0, getpid(), text);
    EXPECT_EQ(Utilization(0).gpu, 0u) << text;
    EXPECT_TRUE(Processes(0).empty()) << text;
  }
  WriteLoad(0, getpid(), "utilization=20 memory_mib=1");  // fixed: counts again
  EXPECT_NEAR(Utilization(0).gpu, 20, 3);
}

TEST_F(JobLoadTest, EnergyNeverDecreasesAndGrowsFasterUnderLoad) {
  StartWithLoad();
  // Power per millisecond measured over a short sleep, in mJ/ms = W.
  auto rate_w = [this] {
    auto start = std::chrono::steady_clock::now();
    unsigned long long before = Energy();
    unsigned long long previous = before;
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      unsigned long long now = Energy();
      EXPECT_GE(now, previous);
      previous = now;
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    return static_cast<double>(previous - before) /
           static_cast<double>(
               std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  };
  EXPECT_GE(Energy(), 5000u);
  double idle_w = rate_w();
  WriteLoad(0, getpid(), "utilization=100 memory_mib=1");
  double busy_w = rate_w();
  EXPECT_LE(idle_w, 75);
  EXPECT_GT(busy_w, 3 * idle_w);
  EXPECT_LE(busy_w, 700);
}

TEST_F(JobLoadTest, RefreshCachesTheScanUntilDue) {
  StartWithLoad("1h");
  EXPECT_EQ(Utilization(0).gpu, 0u);
  WriteLoad(0, getpid(), "utilization=60 memory_mib=1");
  EXPECT_EQ(Utilization(0).gpu, 0u);  // scanned less than an hour ago
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlInit_v2(), NVML_SUCCESS);  // a re-init scans again
  EXPECT_NEAR(Utilization(0).gpu, 60, 3);
}

TEST_F(JobLoadTest, MissingDirIsNoLoad) {
  std::filesystem::remove_all(dir_);
  StartWithLoad();
  EXPECT_EQ(Utilization(0).gpu, 0u);
  std::filesystem::create_directories(dir_);
  WriteLoad(0, getpid(), "utilization=30 memory_mib=1");
  EXPECT_NEAR(Utilization(0).gpu, 30, 3);
}

TEST_F(JobLoadTest, AbsentCurvesStayUnsupported) {
  StartWithLoad();
  WriteLoad(1, getpid(), "utilization=30 memory_mib=64");
  unsigned value = 0;
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(Device(1), &value), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetTemperature(Device(1), NVML_TEMPERATURE_GPU, &value),
            NVML_ERROR_NOT_SUPPORTED);
  nvmlMemory_t memory{};
  EXPECT_EQ(api_.nvmlDeviceGetMemoryInfo(Device(1), &memory), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_NEAR(Utilization(1).gpu, 30, 3);
  EXPECT_EQ(Processes(1).size(), 1u);
}

}  // namespace
}  // namespace gw::nvmlsim
