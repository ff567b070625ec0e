// The recursive-descent reader behind ParseScenario. Internal to nvml-sim.
#ifndef GW_TOOLS_NVML_SIM_SCENARIO_PARSER_H_
#define GW_TOOLS_NVML_SIM_SCENARIO_PARSER_H_

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "scenario.h"
#include "yaml_util.h"

namespace gw::nvmlsim {

// Reads one parsed YAML document into a Scenario. Every error is kInvalidArgument,
// "source:line: what (hint)". May let YAML::Exception escape on shapes it does not check;
// ParseScenario converts those.
class ScenarioParser {
 public:
  explicit ScenarioParser(std::string_view source) : errors_(source) {}

  StatusOr<Scenario> ParseRoot(const YAML::Node& root) const;

 private:
  using Points = std::vector<std::pair<int64_t, double>>;

  // scenario_parse.cc
  // driver_version, nvml_version, unsupported and driver_unavailable.
  Status ParseDriver(const YAML::Node& root, Scenario& scenario) const;
  Status ParseWindows(const YAML::Node& node, Scenario& scenario) const;
  Status ParseJobLoad(const YAML::Node& node, Scenario& scenario) const;
  Status CheckUnique(const YAML::Node& gpus, const Scenario& scenario) const;
  StatusOr<std::set<std::string>> ParseUnsupported(const YAML::Node& node,
                                                   const std::string& what) const;
  StatusOr<std::optional<int64_t>> OptionalDuration(const YAML::Node& map, std::string_view key,
                                                    const std::string& where) const;

  // scenario_parse_gpu.cc
  Status ParseGpu(const YAML::Node& node, size_t index, SimGpu& gpu) const;
  Status ParseIdentity(const YAML::Node& node, const std::string& where, size_t index,
                       SimGpu& gpu) const;
  Status ParsePci(const YAML::Node& node, const std::string& where, size_t index,
                  SimGpu& gpu) const;
  Status ParseLimits(const YAML::Node& node, const std::string& where, SimGpu& gpu) const;
  Status ParseMemorySize(const YAML::Node& node, const std::string& where,
                         std::string_view stem, uint64_t& bytes) const;
  Status ParseLifecycle(const YAML::Node& node, const std::string& where, SimGpu& gpu) const;
  Status ParseProcesses(const YAML::Node& node, const std::string& where, SimGpu& gpu) const;
  Status ParseXids(const YAML::Node& node, const std::string& where, SimGpu& gpu) const;
  StatusOr<std::optional<unsigned>> OptionalUnsigned(const YAML::Node& map, std::string_view key,
                                                     const std::string& where) const;

  // scenario_parse_curve.cc
  Status ParseCurves(const YAML::Node& node, const std::string& where, SimGpu& gpu) const;
  StatusOr<Curve> ParseCurve(const YAML::Node& node, const std::string& what, bool mask) const;
  StatusOr<Points> ParsePoints(const YAML::Node& node, const std::string& what,
                               bool mask) const;
  StatusOr<Curve> ParseSine(const YAML::Node& node, const std::string& what) const;
  StatusOr<double> ParseValue(const YAML::Node& node, const std::string& what, bool mask) const;
  StatusOr<double> ParseMask(const YAML::Node& node, const std::string& what) const;

  YamlErrors errors_;
};

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SCENARIO_PARSER_H_
