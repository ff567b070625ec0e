// A small helper for writing many families: family("name", "help").Add(labels, value).
#ifndef GW_SLURM_EXPORTER_FAMILY_BUILDER_H_
#define GW_SLURM_EXPORTER_FAMILY_BUILDER_H_

#include <string>
#include <utility>
#include <vector>

#include "metrics/metric_family.h"
#include "metrics/text_writer.h"

namespace gw::slurm_exporter {

class Families {
 public:
  explicit Families(std::vector<metrics::MetricFamily>* out) : out_(out) {}

  // Starts a family; later Add calls go to it. REQUIRES: a valid metric name.
  Families& Gauge(std::string name, std::string help) {
    return Start(std::move(name), std::move(help), metrics::MetricType::kGauge);
  }
  Families& Counter(std::string name, std::string help) {
    return Start(std::move(name), std::move(help), metrics::MetricType::kCounter);
  }
  Families& Add(metrics::Labels labels, double value) {
    out_->back().samples.push_back({std::move(labels), value});
    return *this;
  }
  Families& Add(double value) { return Add({}, value); }
  // The same, written straight to text: for families with one series per node or job.
  Families& AddLine(std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
                    double value) {
    metrics::MetricFamily& f = out_->back();
    metrics::AppendSampleLine(f.name, labels, value, &f.text_samples);
    return *this;
  }

 private:
  Families& Start(std::string name, std::string help, metrics::MetricType type) {
    out_->push_back(metrics::MetricFamily{std::move(name), std::move(help), type, {}});
    return *this;
  }
  std::vector<metrics::MetricFamily>* out_;
};

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_FAMILY_BUILDER_H_
