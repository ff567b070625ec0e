#include "yaml_util.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <vector>

namespace gw::nvmlsim {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};
// Longest names first, so "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {
    {"ms", 1},         {"s", 1000},        {"m", 60'000},        {"h", 3'600'000},
    {"d", 86'400'000}, {"w", 604'800'000}, {"y", 31'536'000'000}};
constexpr int64_t kMaxDurationMs = int64_t{1} << 52;  // about 142 000 years

StatusOr<int64_t> ParseSecondsNumber(std::string_view text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds)) {
    return InvalidArgumentError(fmt::format("bad duration \"{}\"", text));
  }
  if (seconds < 0) return InvalidArgumentError(fmt::format("negative duration \"{}\"", text));
  if (seconds * 1000 > static_cast<double>(kMaxDurationMs)) {
    return InvalidArgumentError(fmt::format("duration \"{}\" is too long", text));
  }
  return static_cast<int64_t>(std::llround(seconds * 1000));
}

}  // namespace

StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("empty duration");
  if (text.find_first_not_of("0123456789.eE+-") == std::string_view::npos) {
    return ParseSecondsNumber(text);
  }
  int64_t total_ms = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t digits = rest.find_first_not_of("0123456789");
    if (digits == 0 || digits == std::string_view::npos) {
      return InvalidArgumentError(fmt::format("bad duration \"{}\"", text));
    }
    int64_t count = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + digits, count);
    if (ec != std::errc() || count > kMaxDurationMs) {
      return InvalidArgumentError(fmt::format("duration \"{}\" is too long", text));
    }
    rest.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (rest.starts_with(candidate.name)) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) {
      return InvalidArgumentError(fmt::format("bad duration \"{}\"", text));
    }
    rest.remove_prefix(unit->name.size());
    if (count > (kMaxDurationMs - total_ms) / unit->ms) {
      return InvalidArgumentError(fmt::format("duration \"{}\" is too long", text));
    }
    total_ms += count * unit->ms;
  }
  return total_ms;
}

Status YamlErrors::AtLine(int line, std::string_view what, std::string_view hint) const {
  return InvalidArgumentError(fmt::format("{}:{}: {} ({})", source_, line, what, hint));
}

Status YamlErrors::At(const YAML::Node& node, std::string_view what, std::string_view hint) const {
  return AtLine(node.Mark().line + 1, what, hint);
}

Status YamlErrors::CheckKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
                             std::string_view where) const {
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    std::string name = key.IsScalar() ? key.Scalar() : "<non-scalar>";
    bool known = false;
    for (std::string_view candidate : allowed) known = known || candidate == name;
    if (known) continue;
    std::string_view suggestion = ClosestMatch(name, allowed);
    std::string hint = !suggestion.empty()
                           ? fmt::format("did you mean \"{}\"?", suggestion)
                           : fmt::format("valid keys: {}", fmt::join(allowed, ", "));
    return At(key, fmt::format("unknown key \"{}\" in {}", name, where), hint);
  }
  return Status::Ok();
}

StatusOr<std::string> YamlErrors::String(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) return At(node, fmt::format("{} must be a string", what), "quote it");
  return node.Scalar();
}

StatusOr<double> YamlErrors::Number(const YAML::Node& node, std::string_view what) const {
  double value = 0;
  const std::string* text = node.IsScalar() ? &node.Scalar() : nullptr;
  if (text != nullptr && !text->empty()) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc() && end == text->data() + text->size() && std::isfinite(value)) {
      return value;
    }
  }
  return At(node, fmt::format("{} must be a number", what), "write e.g. 42 or 1.5");
}

StatusOr<uint64_t> YamlErrors::Unsigned(const YAML::Node& node, std::string_view what,
                                        uint64_t max) const {
  if (node.IsScalar()) {
    std::string_view text = node.Scalar();
    int base = 10;
    if (text.starts_with("0x") || text.starts_with("0X")) {
      base = 16;
      text.remove_prefix(2);
    }
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && value <= max) {
      return value;
    }
  }
  return At(node, fmt::format("{} must be an integer from 0 to {}", what, max),
            "write e.g. 42 or 0x2A");
}

StatusOr<int64_t> YamlErrors::Duration(const YAML::Node& node, std::string_view what) const {
  if (node.IsScalar()) {
    StatusOr<int64_t> ms = ParseDurationMs(node.Scalar());
    if (ms.ok()) return ms;
    return At(node, fmt::format("{}: {}", what, ms.status().message()),
              "use a duration such as 500ms, 5s, 1m or a number of seconds");
  }
  return At(node, fmt::format("{} must be a duration", what),
            "use a duration such as 500ms, 5s, 1m or a number of seconds");
}

}  // namespace gw::nvmlsim
