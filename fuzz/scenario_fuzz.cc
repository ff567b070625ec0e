// libFuzzer target: nvml-sim's scenario parser, and the curves and energy integral of whatever
// parses; the same bytes as a job-load file and a load file's name (what jobs write in job-load
// mode). Seeds: fuzz/corpus/scenario/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario.h"
#include "sim_job_load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)gw::nvmlsim::ParseLoadFileName(text);
  if (gw::StatusOr<gw::nvmlsim::ProcessLoad> load = gw::nvmlsim::ParseLoadFile(text); load.ok()) {
    if (load->utilization < 0 || load->utilization > 100 || load->memory_mib < 0) __builtin_trap();
  }
  gw::StatusOr<gw::nvmlsim::Scenario> scenario = gw::nvmlsim::ParseScenario(text, "fuzz.yaml");
  if (!scenario.ok()) return 0;
  constexpr int64_t kTimes[] = {-1, 0, 1, 999, 1000, 59'999, 3'600'000, int64_t{1} << 40};
  for (const gw::nvmlsim::SimGpu& gpu : scenario->gpus) {
    for (int64_t t_ms : kTimes) {
      for (const gw::nvmlsim::Curve* curve :
           {&gpu.utilization, &gpu.power_w, &gpu.throttle_reasons, &gpu.memory_used_mib}) {
        if (curve->present()) (void)curve->At(t_ms);
      }
      (void)gw::nvmlsim::IntegrateEnergyMj(gpu, t_ms);
    }
  }
  return 0;
}
