// Metric families: the in-memory shape of what an exporter exposes.
#ifndef GW_METRICS_METRIC_FAMILY_H_
#define GW_METRICS_METRIC_FAMILY_H_

#include <string>
#include <string_view>
#include <vector>

namespace gw::metrics {

enum class MetricType { kGauge, kCounter, kUntyped };

std::string_view MetricTypeName(MetricType type);  // "gauge", "counter", "untyped"

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
};
using Labels = std::vector<Label>;

struct Sample {
  Labels labels;
  double value = 0;
};

struct MetricFamily {
  std::string name;  // for counters, the full sample name (e.g. "gw_xid_errors_total")
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
  // Sample lines already written in the text format, after `samples`: families with tens of
  // thousands of series (per job, per node) are built this way, without a label vector per
  // sample. Only plain "name{labels} value" lines, valid in both text formats.
  std::string text_samples;

  bool empty() const { return samples.empty() && text_samples.empty(); }
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved).
bool IsValidLabelName(std::string_view name);

}  // namespace gw::metrics

#endif  // GW_METRICS_METRIC_FAMILY_H_
