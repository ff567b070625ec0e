#include "sim_state.h"

#include <fmt/format.h>

#include <chrono>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace gw::nvmlsim {
namespace {

// Initialised when the library is loaded: the timeline origin unless NVML_SIM_START_MS is set.
const int64_t kLoadTimeMs = NowMs();

void Complain(std::string_view message) {
  std::fprintf(stderr, "nvml-sim: %.*s\n", static_cast<int>(message.size()), message.data());
}

// The origin from NVML_SIM_START_MS, or the load time.
StatusOr<int64_t> OriginMs() {
  const char* text = std::getenv("NVML_SIM_START_MS");
  if (text == nullptr || *text == '\0') return kLoadTimeMs;
  std::string_view view(text);
  int64_t origin_ms = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), origin_ms);
  if (ec != std::errc() || end != view.data() + view.size()) {
    return InvalidArgumentError(fmt::format(
        "NVML_SIM_START_MS=\"{}\" is not an integer (give milliseconds since the epoch)", view));
  }
  return origin_ms;
}

StatusOr<Scenario> LoadFromEnvironment() {
  const char* path = std::getenv("NVML_SIM_SCENARIO");
  if (path == nullptr || *path == '\0') {
    return FailedPreconditionError(
        "NVML_SIM_SCENARIO is not set (point it at a scenario file, see docs/nvml-sim.md)");
  }
  return LoadScenarioFile(path);
}

}  // namespace

SimState& State() {
  static SimState* state = new SimState();  // never destroyed: calls may race with exit
  return *state;
}

int64_t NowMs() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t TimelineMs(const SimState& state) { return NowMs() - state.origin_ms; }

bool IsLost(const SimGpu& gpu, int64_t t_ms) {
  return gpu.lost_at_ms && t_ms >= *gpu.lost_at_ms &&
         (!gpu.recovered_at_ms || t_ms < *gpu.recovered_at_ms);
}

bool DriverUnavailable(const Scenario& scenario, int64_t t_ms) {
  for (const auto& [from_ms, to_ms] : scenario.driver_unavailable) {
    if (t_ms >= from_ms && t_ms < to_ms) return true;
  }
  return false;
}

bool Unsupported(const Scenario& scenario, const SimGpu* gpu, std::string_view function) {
  std::string name(function);
  return scenario.unsupported.contains(name) || (gpu != nullptr && gpu->unsupported.contains(name));
}

std::optional<unsigned> FindDevice(const SimState& state, nvmlDevice_t device) {
  for (size_t i = 0; i < state.devices.size() && i < state.scenario.gpus.size(); ++i) {
    if (device != nullptr && state.devices[i].get() == device) return static_cast<unsigned>(i);
  }
  return std::nullopt;
}

nvmlReturn_t CheckDriver(const SimState& state, std::string_view function, int64_t t_ms) {
  if (state.init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (DriverUnavailable(state.scenario, t_ms)) return NVML_ERROR_UNKNOWN;
  if (Unsupported(state.scenario, nullptr, function)) return NVML_ERROR_NOT_SUPPORTED;
  return NVML_SUCCESS;
}

nvmlReturn_t Init(InitKind kind) {
  // Reading the file happens outside the lock; only installing the result needs it.
  StatusOr<int64_t> origin_ms = OriginMs();
  if (!origin_ms.ok()) {
    Complain(origin_ms.status().message());
    return NVML_ERROR_DRIVER_NOT_LOADED;
  }
  StatusOr<Scenario> scenario = LoadFromEnvironment();
  if (!scenario.ok()) {
    Complain(scenario.status().message());
    return NVML_ERROR_DRIVER_NOT_LOADED;
  }
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  int64_t t_ms = NowMs() - *origin_ms;
  if (DriverUnavailable(*scenario, t_ms)) return NVML_ERROR_DRIVER_NOT_LOADED;
  if (kind == InitKind::kV1) {
    // NVML's v1 init fails when any GPU is in a bad state; _v2 attaches GPUs lazily.
    for (const SimGpu& gpu : scenario->gpus) {
      if (IsLost(gpu, t_ms)) return NVML_ERROR_GPU_IS_LOST;
    }
  }
  state.origin_ms = *origin_ms;
  state.scenario = *std::move(scenario);
  state.job_load.scanned = false;  // a new scenario may name another dir or other GPUs
  while (state.devices.size() < state.scenario.gpus.size()) {
    state.devices.push_back(
        std::make_unique<nvmlDevice_st>(nvmlDevice_st{static_cast<unsigned>(state.devices.size())}));
  }
  ++state.init_count;
  return NVML_SUCCESS;
}

nvmlReturn_t Shutdown() {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.init_count == 0) return NVML_ERROR_UNINITIALIZED;
  --state.init_count;
  return NVML_SUCCESS;
}

}  // namespace gw::nvmlsim
