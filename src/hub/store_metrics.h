// The store's counters as metric families for the hub's /metrics page.
#ifndef GW_HUB_STORE_METRICS_H_
#define GW_HUB_STORE_METRICS_H_

#include <vector>

#include "metrics/metric_family.h"
#include "tsdb/db.h"

namespace gw::hub {

void AppendStoreMetrics(const tsdb::DbStats& stats, std::vector<metrics::MetricFamily>* out);

}  // namespace gw::hub

#endif  // GW_HUB_STORE_METRICS_H_
