#include "hub/target.h"

#include <algorithm>

namespace gw::hub {
namespace {

// RFC 3986 unreserved characters stay; everything else is %XX (Go's url.QueryEscape, except
// that a space is %20, which every server reads the same).
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string BuildUrl(const LabelSet& labels) {
  std::string path(GetLabel(labels, kMetricsPathLabel));
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  std::string url = std::string(GetLabel(labels, kSchemeLabel)) + "://" +
                    std::string(GetLabel(labels, kAddressLabel)) + path;
  char sep = path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : labels) {
    if (!name.starts_with(kParamPrefix)) continue;
    const std::string_view param = name;
    url += sep;
    url += QueryEscape(param.substr(kParamPrefix.size()));
    url += '=';
    url += QueryEscape(value);
    sep = '&';
  }
  return url;
}

}  // namespace

void SetLabel(LabelSet* labels, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels->begin(), labels->end(), name,
                             [](const auto& label, std::string_view n) { return label.first < n; });
  if (it != labels->end() && it->first == name) {
    it->second = std::string(value);
  } else {
    labels->emplace(it, std::string(name), std::string(value));
  }
}

std::string_view GetLabel(const LabelSet& labels, std::string_view name) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const auto& label, std::string_view n) { return label.first < n; });
  if (it == labels.end() || it->first != name) return {};
  return it->second;
}

LabelSet Target::PublicLabels() const {
  LabelSet out;
  for (const auto& label : labels) {
    if (!label.first.starts_with("__")) out.push_back(label);
  }
  return out;
}

std::string Target::Key() const {
  std::string key = job_name;
  key += '\xff';
  for (const auto& [name, value] : labels) {
    key += name;
    key += '\xfe';
    key += value;
    key += '\xff';
  }
  return key + url;
}

std::vector<LabelSet> StaticTargetGroups(const ScrapeConfig& config) {
  std::vector<LabelSet> out;
  for (const StaticConfig& group : config.static_configs) {
    for (const std::string& address : group.targets) {
      LabelSet labels = group.labels;
      std::sort(labels.begin(), labels.end());
      SetLabel(&labels, kAddressLabel, address);
      out.push_back(std::move(labels));
    }
  }
  return out;
}

StatusOr<std::optional<Target>> PopulateTarget(const ScrapeConfig& config,
                                               const LabelSet& discovered) {
  LabelSet labels = discovered;
  // Discovery and static labels win over the config's defaults, as in Prometheus.
  if (GetLabel(labels, "job").empty()) SetLabel(&labels, "job", config.job_name);
  if (GetLabel(labels, kSchemeLabel).empty()) SetLabel(&labels, kSchemeLabel, config.scheme);
  if (GetLabel(labels, kMetricsPathLabel).empty()) {
    SetLabel(&labels, kMetricsPathLabel, config.metrics_path);
  }
  std::optional<LabelSet> relabeled = Relabel(labels, config.relabel_configs);
  if (!relabeled) return std::optional<Target>();
  std::erase_if(*relabeled, [](const auto& l) { return l.first.starts_with(kMetaPrefix); });
  std::string_view address = GetLabel(*relabeled, kAddressLabel);
  if (address.empty()) {
    return InvalidArgumentError("job " + config.job_name +
                                ": a target has no __address__ after relabeling");
  }
  if (address.find('/') != std::string_view::npos) {
    return InvalidArgumentError("job " + config.job_name + ": target address \"" +
                                std::string(address) + "\" holds a '/' (use host:port)");
  }
  std::string_view scheme = GetLabel(*relabeled, kSchemeLabel);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgumentError("job " + config.job_name + ": target scheme \"" +
                                std::string(scheme) + "\" is not http or https");
  }
  if (GetLabel(*relabeled, "instance").empty()) SetLabel(&*relabeled, "instance", address);
  Target target;
  target.job_name = config.job_name;
  target.url = BuildUrl(*relabeled);
  target.labels = std::move(*relabeled);
  target.discovered_labels = discovered;
  return std::optional<Target>(std::move(target));
}

int64_t ScrapeOffsetMs(std::string_view key, int64_t interval_ms) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h % static_cast<uint64_t>(interval_ms));
}

int64_t SlotAtOrBefore(int64_t now_ms, int64_t interval_ms, int64_t offset_ms) {
  int64_t phase = ((now_ms - offset_ms) % interval_ms + interval_ms) % interval_ms;
  return now_ms - phase;
}

}  // namespace gw::hub
