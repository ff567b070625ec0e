// docs/metrics.md, assembled from each exporter's generated section.
#ifndef GW_TOOLS_METRICS_DOC_METRICS_DOC_H_
#define GW_TOOLS_METRICS_DOC_METRICS_DOC_H_

#include <string>

namespace gw {

std::string FullMetricsReference();

}  // namespace gw

#endif  // GW_TOOLS_METRICS_DOC_METRICS_DOC_H_
