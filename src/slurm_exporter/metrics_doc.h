// The Slurm exporter's part of the metric reference (docs/metrics.md), generated from the code.
#ifndef GW_SLURM_EXPORTER_METRICS_DOC_H_
#define GW_SLURM_EXPORTER_METRICS_DOC_H_

#include <string>

namespace gw::slurm_exporter {

// A Markdown section listing every family the Slurm exporter can emit.
std::string MetricsReferenceMarkdown();

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_METRICS_DOC_H_
