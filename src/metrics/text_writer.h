// Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0.0.
#ifndef GW_METRICS_TEXT_WRITER_H_
#define GW_METRICS_TEXT_WRITER_H_

#include <string>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/metric_family.h"

namespace gw::metrics {

enum class ExpositionFormat { kPrometheusText, kOpenMetrics };

// Picks the format a scraper asked for in its Accept header: OpenMetrics when it is offered
// with a q-value at least that of text/plain, Prometheus text otherwise (also when absent).
ExpositionFormat NegotiateFormat(std::string_view accept_header);

// The Content-Type header value for a format.
std::string_view ContentType(ExpositionFormat format);

// Appends the families to *out. Families are written in the order given; a family without
// samples is skipped. REQUIRES: valid metric and label names (asserted in debug builds).
//
// In OpenMetrics a counter's samples must end in "_total". A counter family whose name does not
// (dcgm-exporter's DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, say) is written as type "unknown", so
// its series keep the same name in both formats; see docs/decisions.md.
void WriteText(const std::vector<MetricFamily>& families, ExpositionFormat format,
               std::string* out);

// Appends one sample line "name{a="x",b="y"} value\n" with escaped label values.
// REQUIRES: valid metric and label names.
void AppendSampleLine(std::string_view name,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
                      double value, std::string* out);

// Shortest text that parses back to the same double; "NaN", "+Inf", "-Inf".
void AppendValue(double value, std::string* out);
// Label-value escaping: backslash, double quote and newline.
void AppendEscapedLabelValue(std::string_view value, std::string* out);
// HELP escaping: backslash and newline (and double quote in OpenMetrics).
void AppendEscapedHelp(std::string_view help, ExpositionFormat format, std::string* out);

}  // namespace gw::metrics

#endif  // GW_METRICS_TEXT_WRITER_H_
