// Prints docs/metrics.md (make docs).
#include <cstdio>

#include "metrics_doc.h"

int main() {
  std::fputs(gw::FullMetricsReference().c_str(), stdout);
  return 0;
}
