// Scrape targets: what discovery yields (a label set per target) turned into what is scraped
// (a URL and the labels attached to every sample), as Prometheus' scrape.PopulateLabels does.
#ifndef GW_HUB_TARGET_H_
#define GW_HUB_TARGET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/hub_config.h"
#include "hub/relabel.h"

namespace gw::hub {

inline constexpr std::string_view kAddressLabel = "__address__";
inline constexpr std::string_view kSchemeLabel = "__scheme__";
inline constexpr std::string_view kMetricsPathLabel = "__metrics_path__";
inline constexpr std::string_view kParamPrefix = "__param_";
inline constexpr std::string_view kMetaPrefix = "__meta_";

// One target of one job. Thread-safety: a value type.
struct Target {
  std::string job_name;
  // After relabeling, without __meta_* labels: job, instance, the static and relabeled labels
  // and the reserved __address__, __scheme__, __metrics_path__, __param_* that built the URL.
  LabelSet labels;
  LabelSet discovered_labels;  // before relabeling, as discovery (or static_configs) gave them
  std::string url;             // scheme://address/path?params

  // labels without the reserved "__" ones: what every sample of the target carries.
  LabelSet PublicLabels() const;
  // Identifies the target within the hub: job, labels and URL.
  std::string Key() const;
};

// Builds the target of one discovered label set: adds job, __address__ (already there),
// __scheme__ and __metrics_path__ from the config, applies relabel_configs, drops __meta_*
// labels and sets instance to __address__ unless a label or rule set it.
// Returns nullopt when relabeling drops the target. Errors: kInvalidArgument when the
// relabeled __address__ is empty or holds a '/', or __scheme__ is not http or https.
StatusOr<std::optional<Target>> PopulateTarget(const ScrapeConfig& config,
                                               const LabelSet& discovered);

// The discovered label sets of a job's static_configs: __address__ plus the group's labels.
std::vector<LabelSet> StaticTargetGroups(const ScrapeConfig& config);

// Where in each interval a target is scraped: a stable hash of `key` modulo interval_ms, so
// targets spread over the interval and a target keeps its phase across restarts (Prometheus'
// Target.offset). REQUIRES: interval_ms > 0.
int64_t ScrapeOffsetMs(std::string_view key, int64_t interval_ms);

// The latest scrape slot at or before now_ms: the largest t <= now_ms with
// t = offset_ms (mod interval_ms). REQUIRES: interval_ms > 0, 0 <= offset_ms < interval_ms.
int64_t SlotAtOrBefore(int64_t now_ms, int64_t interval_ms, int64_t offset_ms);

// Sets `name` to `value` in a sorted label set (inserting it in order, or replacing it).
void SetLabel(LabelSet* labels, std::string_view name, std::string_view value);
// The value of `name`, or "" when absent.
std::string_view GetLabel(const LabelSet& labels, std::string_view name);

}  // namespace gw::hub

#endif  // GW_HUB_TARGET_H_
