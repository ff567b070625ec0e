// Renders metric families as a Markdown reference table (used to generate docs/metrics.md).
#ifndef GW_METRICS_MARKDOWN_TABLE_H_
#define GW_METRICS_MARKDOWN_TABLE_H_

#include <set>
#include <string>
#include <vector>

#include "metrics/metric_family.h"

namespace gw::metrics {

// One row per family: `name` | type | labels of its first sample not in `common_labels` |
// help. REQUIRES: every family has at least one sample (its labels are read from it).
std::string MarkdownTable(const std::vector<MetricFamily>& families,
                          const std::set<std::string>& common_labels);

}  // namespace gw::metrics

#endif  // GW_METRICS_MARKDOWN_TABLE_H_
