// ScenarioParser: curves (a number, {steps: ...}, {ramp: ...}, {sine: ...}) and throttle masks.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "scenario_keys.h"
#include "scenario_parser.h"

namespace gw::nvmlsim {
namespace {

constexpr double kMaxValue = 1e15;  // far above any NVML reading, far below overflow
constexpr std::string_view kCurveHint =
    "use a number, {steps: [[0s, 10], [30s, 95]]}, {ramp: [[0s, 0], [60s, 100]]} or "
    "{sine: {mean: 50, amplitude: 40, period: 60s}}";

std::vector<std::string_view> ReasonNames() {
  std::vector<std::string_view> names;
  names.reserve(std::size(kThrottleReasons));
  for (const ReasonName& reason : kThrottleReasons) names.push_back(reason.name);
  return names;
}

}  // namespace

Status ScenarioParser::ParseCurves(const YAML::Node& node, const std::string& where,
                                   SimGpu& gpu) const {
  for (const CurveField& field : kCurveFields) {
    const YAML::Node value = node[std::string(field.key)];
    if (!value) continue;
    GW_ASSIGN_OR_RETURN(gpu.*field.member,
                        ParseCurve(value, fmt::format("{}.{}", where, field.key), field.mask));
  }
  return Status::Ok();
}

StatusOr<Curve> ScenarioParser::ParseCurve(const YAML::Node& node, const std::string& what,
                                           bool mask) const {
  if (node.IsScalar() || (mask && node.IsSequence())) {
    GW_ASSIGN_OR_RETURN(double value, ParseValue(node, what, mask));
    return Curve::Constant(value);
  }
  if (!node.IsMap() || node.size() != 1) {
    return errors_.At(node, fmt::format("{} is not a curve", what), kCurveHint);
  }
  GW_RETURN_IF_ERROR(errors_.CheckKeys(node, kCurveForms, what));
  if (node["sine"]) {
    if (mask) {
      return errors_.At(node, fmt::format("{} cannot be a sine", what),
                        "use a constant or steps for a bitmask");
    }
    return ParseSine(node["sine"], what + ".sine");
  }
  bool steps = static_cast<bool>(node["steps"]);
  GW_ASSIGN_OR_RETURN(Points points, ParsePoints(node[steps ? "steps" : "ramp"],
                                                 what + (steps ? ".steps" : ".ramp"), mask));
  return steps ? Curve::Steps(std::move(points)) : Curve::Ramp(std::move(points));
}

StatusOr<ScenarioParser::Points> ScenarioParser::ParsePoints(const YAML::Node& node,
                                                             const std::string& what,
                                                             bool mask) const {
  if (!node.IsSequence() || node.size() == 0) {
    return errors_.At(node, fmt::format("{} must be a non-empty list of [time, value] pairs",
                                        what),
                      "write e.g. [[0s, 10], [30s, 95]]");
  }
  Points points;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node pair = node[i];
    std::string item = fmt::format("{}[{}]", what, i);
    if (!pair.IsSequence() || pair.size() != 2) {
      return errors_.At(pair, fmt::format("{} must be a [time, value] pair", item),
                        "write e.g. [30s, 95]");
    }
    GW_ASSIGN_OR_RETURN(int64_t at_ms, errors_.Duration(pair[0], item + " time"));
    if (!points.empty() && at_ms < points.back().first) {
      return errors_.At(pair[0], fmt::format("{} time goes backwards", item),
                        "list the points in time order");
    }
    GW_ASSIGN_OR_RETURN(double value, ParseValue(pair[1], item + " value", mask));
    points.emplace_back(at_ms, value);
  }
  return points;
}

StatusOr<Curve> ScenarioParser::ParseSine(const YAML::Node& node,
                                          const std::string& what) const {
  if (!node.IsMap() || !node["mean"] || !node["amplitude"] || !node["period"]) {
    return errors_.At(node, fmt::format("{} needs mean, amplitude and period", what),
                      "write e.g. {mean: 50, amplitude: 40, period: 60s}");
  }
  GW_RETURN_IF_ERROR(errors_.CheckKeys(node, kSineKeys, what));
  GW_ASSIGN_OR_RETURN(double mean, ParseValue(node["mean"], what + ".mean", false));
  GW_ASSIGN_OR_RETURN(double amplitude, errors_.Number(node["amplitude"], what + ".amplitude"));
  GW_ASSIGN_OR_RETURN(int64_t period_ms, errors_.Duration(node["period"], what + ".period"));
  if (period_ms <= 0) {
    return errors_.At(node["period"], fmt::format("{}.period must be positive", what),
                      "give a period such as 60s");
  }
  if (std::abs(amplitude) > mean) {
    return errors_.At(node["amplitude"],
                      fmt::format("{} goes below zero (|amplitude| {} > mean {})", what,
                                  amplitude, mean),
                      "NVML values are unsigned; make |amplitude| at most the mean");
  }
  return Curve::Sine(mean, amplitude, period_ms);
}

StatusOr<double> ScenarioParser::ParseValue(const YAML::Node& node, const std::string& what,
                                            bool mask) const {
  if (mask) return ParseMask(node, what);
  GW_ASSIGN_OR_RETURN(double value, errors_.Number(node, what));
  if (value < 0 || value > kMaxValue) {
    return errors_.At(node, fmt::format("{} {} is out of range", what, value),
                      "NVML values are unsigned; give a value from 0 to 1e15");
  }
  return value;
}

// A bitmask: an integer, one reason name, or a list of reason names.
StatusOr<double> ScenarioParser::ParseMask(const YAML::Node& node,
                                           const std::string& what) const {
  constexpr uint64_t kMaxMask = (uint64_t{1} << 53) - 1;  // exact in a double
  if (node.IsScalar() && !node.Scalar().empty() && std::isdigit(static_cast<unsigned char>(
                                                       node.Scalar().front()))) {
    GW_ASSIGN_OR_RETURN(uint64_t bits, errors_.Unsigned(node, what, kMaxMask));
    return static_cast<double>(bits);
  }
  std::vector<YAML::Node> names;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) names.push_back(item);
  } else {
    names.push_back(node);
  }
  static const std::vector<std::string_view> kNames = ReasonNames();
  uint64_t bits = 0;
  for (const YAML::Node& item : names) {
    GW_ASSIGN_OR_RETURN(std::string name, errors_.String(item, what));
    auto it = std::find_if(kThrottleReasons.begin(), kThrottleReasons.end(),
                           [&](const ReasonName& reason) { return reason.name == name; });
    if (it == kThrottleReasons.end()) {
      std::string_view suggestion = ClosestMatch(name, kNames);
      return errors_.At(item, fmt::format("unknown throttle reason \"{}\" in {}", name, what),
                        suggestion.empty()
                            ? fmt::format("use {}", fmt::join(kNames, ", "))
                            : fmt::format("did you mean \"{}\"?", suggestion));
    }
    bits |= it->bit;
  }
  return static_cast<double>(bits);
}

}  // namespace gw::nvmlsim
