// ParseScenario: the scenario file format of docs/nvml-sim.md.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <array>
#include <fstream>
#include <sstream>

#include "nvml/nvml_functions.h"
#include "scenario.h"
#include "scenario_keys.h"
#include "scenario_parser.h"
#include "yaml_util.h"

namespace gw::nvmlsim {

StatusOr<Scenario> ScenarioParser::ParseRoot(const YAML::Node& root) const {
  if (!root.IsMap() || !root["gpus"]) {
    return errors_.AtLine(root.IsDefined() && !root.IsNull() ? root.Mark().line + 1 : 1,
                          "a scenario must be a map with a \"gpus\" list",
                          "see docs/nvml-sim.md for the format");
  }
  GW_RETURN_IF_ERROR(errors_.CheckKeys(root, kScenarioKeys, "the scenario"));
  Scenario scenario;
  GW_RETURN_IF_ERROR(ParseDriver(root, scenario));
  GW_RETURN_IF_ERROR(ParseJobLoad(root["job_load"], scenario));
  const YAML::Node gpus = root["gpus"];
  if (!gpus.IsSequence() && !gpus.IsNull()) {
    return errors_.At(gpus, "gpus must be a list", "write one \"- name: ...\" entry per GPU");
  }
  for (size_t i = 0; gpus.IsSequence() && i < gpus.size(); ++i) {
    SimGpu& gpu = scenario.gpus.emplace_back();
    GW_RETURN_IF_ERROR(ParseGpu(gpus[i], i, gpu));
  }
  GW_RETURN_IF_ERROR(CheckUnique(gpus, scenario));
  return scenario;
}

Status ScenarioParser::ParseDriver(const YAML::Node& root, Scenario& scenario) const {
  if (root["driver_version"]) {
    GW_ASSIGN_OR_RETURN(scenario.driver_version,
                        errors_.String(root["driver_version"], "driver_version"));
  }
  if (root["nvml_version"]) {
    GW_ASSIGN_OR_RETURN(scenario.nvml_version,
                        errors_.String(root["nvml_version"], "nvml_version"));
  }
  if (root["unsupported"]) {
    GW_ASSIGN_OR_RETURN(scenario.unsupported,
                        ParseUnsupported(root["unsupported"], "unsupported"));
  }
  return ParseWindows(root["driver_unavailable"], scenario);
}

Status ScenarioParser::CheckUnique(const YAML::Node& gpus, const Scenario& scenario) const {
  for (size_t i = 0; i < scenario.gpus.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const SimGpu& a = scenario.gpus[j];
      const SimGpu& b = scenario.gpus[i];
      if (a.uuid == b.uuid || a.pci_bus_id == b.pci_bus_id) {
        std::string_view field = a.uuid == b.uuid ? "uuid" : "pci_bus_id";
        return errors_.At(gpus[i],
                          fmt::format("gpus[{}] has the same {} as gpus[{}]", i, field, j),
                          "give every GPU its own uuid and pci_bus_id");
      }
    }
  }
  return Status::Ok();
}

Status ScenarioParser::ParseWindows(const YAML::Node& node, Scenario& scenario) const {
  if (!node) return Status::Ok();
  if (!node.IsSequence()) {
    return errors_.At(node, "driver_unavailable must be a list",
                      "write e.g. [{from: 6s, to: 12s}]");
  }
  for (size_t i = 0; i < node.size(); ++i) {
    std::string where = fmt::format("driver_unavailable[{}]", i);
    const YAML::Node window = node[i];
    if (!window.IsMap() || !window["from"]) {
      return errors_.At(window, fmt::format("{} must be a map with \"from\"", where),
                        "write e.g. {from: 6s, to: 12s}");
    }
    GW_RETURN_IF_ERROR(errors_.CheckKeys(window, kWindowKeys, where));
    GW_ASSIGN_OR_RETURN(int64_t from_ms, errors_.Duration(window["from"], where + ".from"));
    GW_ASSIGN_OR_RETURN(std::optional<int64_t> to_ms, OptionalDuration(window, "to", where));
    if (to_ms && *to_ms <= from_ms) {
      return errors_.At(window["to"], fmt::format("{}.to is not after from", where),
                        "make the window end after it starts");
    }
    scenario.driver_unavailable.emplace_back(from_ms,
                                             to_ms.value_or(std::numeric_limits<int64_t>::max()));
  }
  return Status::Ok();
}

Status ScenarioParser::ParseJobLoad(const YAML::Node& node, Scenario& scenario) const {
  if (!node) return Status::Ok();
  if (!node.IsMap() || !node["dir"]) {
    return errors_.At(node, "job_load must be a map with \"dir\"",
                      "write e.g. {dir: /run/nvml-sim-load, refresh: 1s}");
  }
  GW_RETURN_IF_ERROR(errors_.CheckKeys(node, kJobLoadKeys, "job_load"));
  JobLoad job_load;
  GW_ASSIGN_OR_RETURN(job_load.dir, errors_.String(node["dir"], "job_load.dir"));
  if (job_load.dir.empty()) {
    return errors_.At(node["dir"], "job_load.dir is empty",
                      "give the directory the jobs write their load files to");
  }
  GW_ASSIGN_OR_RETURN(std::optional<int64_t> refresh_ms,
                      OptionalDuration(node, "refresh", "job_load"));
  if (refresh_ms) job_load.refresh_ms = *refresh_ms;
  scenario.job_load = std::move(job_load);
  return Status::Ok();
}

StatusOr<std::optional<int64_t>> ScenarioParser::OptionalDuration(const YAML::Node& map,
                                                          std::string_view key,
                                                          const std::string& where) const {
  const YAML::Node node = map[std::string(key)];
  if (!node) return std::optional<int64_t>();
  GW_ASSIGN_OR_RETURN(int64_t ms, errors_.Duration(node, fmt::format("{}.{}", where, key)));
  return std::optional<int64_t>(ms);
}

StatusOr<std::set<std::string>> ScenarioParser::ParseUnsupported(const YAML::Node& node,
                                                         const std::string& what) const {
  if (!node.IsSequence()) {
    return errors_.At(node, fmt::format("{} must be a list of NVML function names", what),
                      "write e.g. [nvmlDeviceGetPowerUsage]");
  }
  std::set<std::string> names;
  for (const YAML::Node& item : node) {
    GW_ASSIGN_OR_RETURN(std::string name, errors_.String(item, what));
    if (std::find(kFunctionNames.begin(), kFunctionNames.end(), name) == kFunctionNames.end()) {
      std::string_view suggestion = ClosestMatch(name, kFunctionNames);
      return errors_.At(item, fmt::format("unknown NVML function \"{}\" in {}", name, what),
                        suggestion.empty()
                            ? std::string("list only functions that nvml-sim implements")
                            : fmt::format("did you mean \"{}\"?", suggestion));
    }
    names.insert(std::move(name));
  }
  return names;
}

StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(fmt::format("{}:{}: syntax error: {} (fix the YAML/JSON syntax)",
                                            source_name, e.mark.line + 1, e.msg));
  }
  try {
    return ScenarioParser(source_name).ParseRoot(root);
  } catch (const YAML::Exception& e) {
    // Only on shapes the checks above missed; yaml-cpp throws on type confusion.
    return InvalidArgumentError(fmt::format("{}:{}: {} (see docs/nvml-sim.md for the format)",
                                            source_name, e.mark.line + 1, e.msg));
  }
}

StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string what = fmt::format("cannot open scenario file {}", path);
    if (err == ENOENT) return NotFoundError(fmt::format("{}: {}", what, std::strerror(err)));
    return ErrnoError(what, err);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return ErrnoError(fmt::format("cannot read scenario file {}", path), errno);
  return ParseScenario(text.str(), path);
}

}  // namespace gw::nvmlsim
