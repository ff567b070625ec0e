// ScenarioParser: one GPU entry other than its curves.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "scenario_keys.h"
#include "scenario_parser.h"

namespace gw::nvmlsim {
namespace {

constexpr uint64_t kMiB = uint64_t{1024} * 1024;
constexpr uint64_t kMaxMib = uint64_t{1} << 40;  // keeps MiB * 1048576 inside 64 bits
constexpr uint32_t kH100DeviceId = 0x233010DE;    // device 0x2330, vendor NVIDIA
constexpr uint32_t kH100SubsystemId = 0x16C110DE;
constexpr uint64_t kDefaultMemoryTotalMib = uint64_t{80} * 1024;

const std::vector<std::string_view>& GpuKeys() {
  static const std::vector<std::string_view> kKeys = [] {
    std::vector<std::string_view> all(kGpuPlainKeys.begin(), kGpuPlainKeys.end());
    for (const CurveField& field : kCurveFields) all.push_back(field.key);
    return all;
  }();
  return kKeys;
}

std::string DefaultUuid(size_t index) {
  // splitmix64 of the index: deterministic, and different GPUs look different.
  uint64_t z = (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return fmt::format("GPU-{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", z >> 32, (z >> 16) & 0xFFFF,
                     z & 0xFFF, index & 0xFFF, index);
}

// Normalises "DDDD:BB:DD.F" or "DDDDDDDD:BB:DD.F" to NVML's 8-digit-domain form.
std::optional<std::string> NormalizeBusId(std::string_view id) {
  unsigned domain = 0, bus = 0, device = 0, function = 0;
  int consumed = 0;
  std::string text(id);
  if (std::sscanf(text.c_str(), "%x:%x:%x.%x%n", &domain, &bus, &device, &function,
                  &consumed) != 4 ||
      consumed != static_cast<int>(text.size()) || bus > 0xFF || device > 0x1F ||
      function > 7 || text.find_first_of(" +-") != std::string::npos) {
    return std::nullopt;
  }
  return fmt::format("{:08X}:{:02X}:{:02X}.{:X}", domain, bus, device, function);
}

}  // namespace

Status ScenarioParser::ParseGpu(const YAML::Node& node, size_t index, SimGpu& gpu) const {
  std::string where = fmt::format("gpus[{}]", index);
  if (!node.IsMap()) {
    return errors_.At(node, fmt::format("{} must be a map", where),
                      "write e.g. {name: NVIDIA H100 80GB HBM3, utilization: 50}");
  }
  GW_RETURN_IF_ERROR(errors_.CheckKeys(node, GpuKeys(), where));
  GW_RETURN_IF_ERROR(ParseIdentity(node, where, index, gpu));
  GW_RETURN_IF_ERROR(ParsePci(node, where, index, gpu));
  GW_RETURN_IF_ERROR(ParseLimits(node, where, gpu));
  GW_RETURN_IF_ERROR(ParseCurves(node, where, gpu));
  GW_RETURN_IF_ERROR(ParseLifecycle(node, where, gpu));
  GW_RETURN_IF_ERROR(ParseProcesses(node["processes"], where, gpu));
  GW_RETURN_IF_ERROR(ParseXids(node["xid_events"], where, gpu));
  if (node["unsupported"]) {
    GW_ASSIGN_OR_RETURN(gpu.unsupported,
                        ParseUnsupported(node["unsupported"], where + ".unsupported"));
  }
  return Status::Ok();
}

Status ScenarioParser::ParseIdentity(const YAML::Node& node, const std::string& where,
                                     size_t index, SimGpu& gpu) const {
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.uuid = DefaultUuid(index);
  if (node["name"]) {
    GW_ASSIGN_OR_RETURN(gpu.name, errors_.String(node["name"], where + ".name"));
  }
  if (node["uuid"]) {
    GW_ASSIGN_OR_RETURN(gpu.uuid, errors_.String(node["uuid"], where + ".uuid"));
  }
  if (gpu.name.empty() || gpu.name.size() >= NVML_DEVICE_NAME_V2_BUFFER_SIZE ||
      gpu.uuid.empty() || gpu.uuid.size() >= NVML_DEVICE_UUID_V2_BUFFER_SIZE) {
    bool bad_name = gpu.name.empty() || gpu.name.size() >= NVML_DEVICE_NAME_V2_BUFFER_SIZE;
    return errors_.At(node[bad_name ? "name" : "uuid"],
                      fmt::format("{}.{} must have 1 to 95 characters", where,
                                  bad_name ? "name" : "uuid"),
                      "NVML's buffers hold 96 bytes");
  }
  return Status::Ok();
}

Status ScenarioParser::ParsePci(const YAML::Node& node, const std::string& where, size_t index,
                                SimGpu& gpu) const {
  gpu.pci_bus_id = fmt::format("00000000:{:02X}:00.0", index & 0xFF);
  if (const YAML::Node bus = node["pci_bus_id"]) {
    GW_ASSIGN_OR_RETURN(std::string text, errors_.String(bus, where + ".pci_bus_id"));
    std::optional<std::string> normalized = NormalizeBusId(text);
    if (!normalized) {
      return errors_.At(bus, fmt::format("{}.pci_bus_id \"{}\" is not a PCI address", where, text),
                        "write domain:bus:device.function, e.g. 00000000:17:00.0");
    }
    gpu.pci_bus_id = *normalized;
  }
  gpu.pci_device_id = kH100DeviceId;
  gpu.pci_subsystem_id = kH100SubsystemId;
  gpu.minor_number = static_cast<uint32_t>(index);
  const std::pair<std::string_view, uint32_t*> ids[] = {
      {"pci_device_id", &gpu.pci_device_id},
      {"pci_subsystem_id", &gpu.pci_subsystem_id},
      {"minor_number", &gpu.minor_number}};
  for (const auto& [key, target] : ids) {
    GW_ASSIGN_OR_RETURN(std::optional<unsigned> value, OptionalUnsigned(node, key, where));
    if (value) *target = *value;
  }
  return Status::Ok();
}

StatusOr<std::optional<unsigned>> ScenarioParser::OptionalUnsigned(
    const YAML::Node& map, std::string_view key, const std::string& where) const {
  const YAML::Node node = map[std::string(key)];
  if (!node) return std::optional<unsigned>();
  GW_ASSIGN_OR_RETURN(uint64_t value, errors_.Unsigned(node, fmt::format("{}.{}", where, key),
                                                       std::numeric_limits<uint32_t>::max()));
  return std::optional<unsigned>(static_cast<unsigned>(value));
}

Status ScenarioParser::ParseMemorySize(const YAML::Node& node, const std::string& where,
                                       std::string_view stem, uint64_t& bytes) const {
  const std::string mib_key = fmt::format("{}_mib", stem);
  const std::string bytes_key = fmt::format("{}_bytes", stem);
  if (node[mib_key] && node[bytes_key]) {
    return errors_.At(node[bytes_key], fmt::format("{} has both {} and {}", where, mib_key,
                                                   bytes_key),
                      "give only one of them");
  }
  if (node[mib_key]) {
    GW_ASSIGN_OR_RETURN(uint64_t mib, errors_.Unsigned(node[mib_key], where + "." + mib_key,
                                                       kMaxMib));
    bytes = mib * kMiB;
  } else if (node[bytes_key]) {
    GW_ASSIGN_OR_RETURN(bytes, errors_.Unsigned(node[bytes_key], where + "." + bytes_key,
                                                kMaxMib * kMiB));
  }
  return Status::Ok();
}

Status ScenarioParser::ParseLimits(const YAML::Node& node, const std::string& where,
                                   SimGpu& gpu) const {
  gpu.memory_total_bytes = kDefaultMemoryTotalMib * kMiB;
  GW_RETURN_IF_ERROR(ParseMemorySize(node, where, "memory_total", gpu.memory_total_bytes));
  GW_RETURN_IF_ERROR(ParseMemorySize(node, where, "memory_reserved", gpu.memory_reserved_bytes));
  if (gpu.memory_reserved_bytes > gpu.memory_total_bytes) {
    return errors_.At(node, fmt::format("{} reserves more memory than it has", where),
                      "make memory_reserved smaller than memory_total");
  }
  const std::pair<std::string_view, std::optional<unsigned>*> limits[] = {
      {"max_sm_clock_mhz", &gpu.max_sm_clock_mhz},
      {"max_mem_clock_mhz", &gpu.max_mem_clock_mhz},
      {"slowdown_temp_c", &gpu.slowdown_temp_c},
      {"shutdown_temp_c", &gpu.shutdown_temp_c}};
  for (const auto& [key, target] : limits) {
    GW_ASSIGN_OR_RETURN(*target, OptionalUnsigned(node, key, where));
  }
  const std::pair<std::string_view, std::optional<double>*> reals[] = {
      {"power_limit_w", &gpu.power_limit_w}, {"energy_start_mj", &gpu.energy_start_mj}};
  for (const auto& [key, target] : reals) {
    const YAML::Node value = node[std::string(key)];
    if (!value) continue;
    GW_ASSIGN_OR_RETURN(double number, errors_.Number(value, fmt::format("{}.{}", where, key)));
    if (number < 0 || number > 1e15) {
      return errors_.At(value, fmt::format("{}.{} is out of range", where, key),
                        "give a value from 0 to 1e15");
    }
    *target = number;
  }
  return Status::Ok();
}

Status ScenarioParser::ParseLifecycle(const YAML::Node& node, const std::string& where,
                                      SimGpu& gpu) const {
  GW_ASSIGN_OR_RETURN(gpu.lost_at_ms, OptionalDuration(node, "lost_at", where));
  GW_ASSIGN_OR_RETURN(gpu.recovered_at_ms, OptionalDuration(node, "recovered_at", where));
  if (gpu.recovered_at_ms && (!gpu.lost_at_ms || *gpu.recovered_at_ms <= *gpu.lost_at_ms)) {
    return errors_.At(node["recovered_at"],
                      fmt::format("{}.recovered_at needs an earlier lost_at", where),
                      "set lost_at before recovered_at");
  }
  return Status::Ok();
}

Status ScenarioParser::ParseProcesses(const YAML::Node& node, const std::string& where,
                                      SimGpu& gpu) const {
  if (!node) return Status::Ok();
  if (!node.IsSequence()) {
    return errors_.At(node, fmt::format("{}.processes must be a list", where),
                      "write e.g. [{pid: 4242, used_memory_mib: 1024}]");
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    std::string what = fmt::format("{}.processes[{}]", where, i);
    if (!entry.IsMap() || !entry["pid"]) {
      return errors_.At(entry, fmt::format("{} must be a map with a pid", what),
                        "write e.g. {pid: 4242, used_memory_mib: 1024}");
    }
    GW_RETURN_IF_ERROR(errors_.CheckKeys(entry, kProcessKeys, what));
    SimProcess process;
    GW_ASSIGN_OR_RETURN(uint64_t pid, errors_.Unsigned(entry["pid"], what + ".pid",
                                                       std::numeric_limits<uint32_t>::max()));
    process.pid = static_cast<uint32_t>(pid);
    if (entry["used_memory_mib"]) {
      GW_ASSIGN_OR_RETURN(uint64_t mib, errors_.Unsigned(entry["used_memory_mib"],
                                                         what + ".used_memory_mib", kMaxMib));
      process.used_memory_bytes = mib * kMiB;
    }
    GW_ASSIGN_OR_RETURN(std::optional<int64_t> from_ms, OptionalDuration(entry, "from", what));
    GW_ASSIGN_OR_RETURN(std::optional<int64_t> to_ms, OptionalDuration(entry, "to", what));
    process.from_ms = from_ms.value_or(0);
    process.to_ms = to_ms.value_or(std::numeric_limits<int64_t>::max());
    if (process.to_ms <= process.from_ms) {
      return errors_.At(entry["to"], fmt::format("{}.to is not after from", what),
                        "make the process end after it starts");
    }
    gpu.processes.push_back(process);
  }
  return Status::Ok();
}

Status ScenarioParser::ParseXids(const YAML::Node& node, const std::string& where,
                                 SimGpu& gpu) const {
  if (!node) return Status::Ok();
  if (!node.IsSequence()) {
    return errors_.At(node, fmt::format("{}.xid_events must be a list", where),
                      "write e.g. [{at: 5s, xid: 79}]");
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    std::string what = fmt::format("{}.xid_events[{}]", where, i);
    if (!entry.IsMap() || !entry["at"] || !entry["xid"]) {
      return errors_.At(entry, fmt::format("{} must be a map with at and xid", what),
                        "write e.g. {at: 5s, xid: 79}");
    }
    GW_RETURN_IF_ERROR(errors_.CheckKeys(entry, kXidKeys, what));
    XidEvent event;
    GW_ASSIGN_OR_RETURN(event.at_ms, errors_.Duration(entry["at"], what + ".at"));
    GW_ASSIGN_OR_RETURN(event.xid, errors_.Unsigned(entry["xid"], what + ".xid",
                                                    std::numeric_limits<uint64_t>::max()));
    gpu.xid_events.push_back(event);
  }
  std::stable_sort(gpu.xid_events.begin(), gpu.xid_events.end(),
                   [](const XidEvent& a, const XidEvent& b) { return a.at_ms < b.at_ms; });
  return Status::Ok();
}

}  // namespace gw::nvmlsim
