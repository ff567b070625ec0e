#include "metrics_doc.h"

#include "gpu_exporter/metrics_doc.h"
#include "slurm_exporter/metrics_doc.h"

namespace gw {

std::string FullMetricsReference() {
  return "# Metric reference\n\n"
         "Generated from the exporters' code by `make docs`; a unit test fails when this file and "
         "the code disagree.\n\n" +
         gpu_exporter::MetricsReferenceMarkdown() + "\n" +
         slurm_exporter::MetricsReferenceMarkdown();
}

}  // namespace gw
