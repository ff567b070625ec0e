#include "promql/value.h"

#include <vector>

namespace gw::promql {

tsdb::Labels DropMetricName(const tsdb::Labels& labels) {
  if (labels.Get(tsdb::kMetricNameLabel).empty()) return labels;
  std::vector<tsdb::Label> kept;
  kept.reserve(labels.size());
  for (const tsdb::Label& l : labels) {
    if (l.name != tsdb::kMetricNameLabel) kept.push_back(l);
  }
  return tsdb::Labels::FromSortedUnchecked(std::move(kept));
}

}  // namespace gw::promql
