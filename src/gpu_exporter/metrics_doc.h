// The GPU exporter's part of the metric reference (docs/metrics.md), generated from the code
// that emits the metrics so the document cannot drift from the exporter.
#ifndef GW_GPU_EXPORTER_METRICS_DOC_H_
#define GW_GPU_EXPORTER_METRICS_DOC_H_

#include <string>

namespace gw::gpu_exporter {

// A Markdown section listing every family the GPU exporter can emit.
std::string MetricsReferenceMarkdown();

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_METRICS_DOC_H_
