// Helpers for reading scenario files with yaml-cpp: positioned errors, key checking with
// suggestions, durations and numbers. Internal to nvml-sim's parser.
#ifndef GW_TOOLS_NVML_SIM_YAML_UTIL_H_
#define GW_TOOLS_NVML_SIM_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/suggest.h"

namespace gw::nvmlsim {

// Parses a Prometheus-style duration ("500ms", "5s", "1m30s", "1h"; units ms, s, m, h, d, w,
// y) or a plain non-negative number of seconds ("2", "1.5"). Errors are kInvalidArgument
// without position; the caller adds it.
[[nodiscard]] StatusOr<int64_t> ParseDurationMs(std::string_view text);

// "Did you mean": shared with the other parsers (common/suggest.h).
using ::gw::ClosestMatch;
using ::gw::EditDistance;

// Builds positioned errors for one source: "source:line: what (hint)".
class YamlErrors {
 public:
  explicit YamlErrors(std::string_view source_name) : source_(source_name) {}

  Status At(const YAML::Node& node, std::string_view what, std::string_view hint) const;
  Status AtLine(int line, std::string_view what, std::string_view hint) const;

  // Fails on the first key of map that is not in allowed ("unknown key ... in <where>").
  // REQUIRES: map.IsMap().
  Status CheckKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
                   std::string_view where) const;

  // Readers of scalar values; `what` names the value in errors ("gpus[0].power_limit_w").
  StatusOr<double> Number(const YAML::Node& node, std::string_view what) const;
  // A non-negative integer, decimal or 0x-hexadecimal, at most max.
  StatusOr<uint64_t> Unsigned(const YAML::Node& node, std::string_view what, uint64_t max) const;
  StatusOr<int64_t> Duration(const YAML::Node& node, std::string_view what) const;
  StatusOr<std::string> String(const YAML::Node& node, std::string_view what) const;

 private:
  std::string source_;
};

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_YAML_UTIL_H_
