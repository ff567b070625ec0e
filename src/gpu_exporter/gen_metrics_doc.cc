// Prints docs/metrics.md (make docs).
#include <cstdio>

#include "gpu_exporter/metrics_doc.h"

int main() {
  std::fputs(gw::gpu_exporter::MetricsReferenceMarkdown().c_str(), stdout);
  return 0;
}
