// Parses Prometheus text 0.0.4 (and the OpenMetrics subset the writer emits) into samples.
#ifndef GW_METRICS_TEXT_PARSER_H_
#define GW_METRICS_TEXT_PARSER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "metrics/metric_family.h"

namespace gw::metrics {

struct ParsedSample {
  std::string name;
  Labels labels;  // in the order written
  double value = 0;
  std::optional<int64_t> timestamp_ms;

  // The value of label `name`, or nullopt.
  std::optional<std::string> Label(std::string_view name) const;
};

struct ParsedExposition {
  std::vector<ParsedSample> samples;
  std::map<std::string, std::string, std::less<>> types;  // family name -> "gauge", ...
  std::map<std::string, std::string, std::less<>> help;   // family name -> unescaped help
};

// Errors: kInvalidArgument "line N: what was wrong" on the first malformed line.
StatusOr<ParsedExposition> ParseText(std::string_view text);

// Reads a quoted label value ("..." with the exposition escapes \\, \" and \n) from the front of
// *rest into *value, and advances *rest past the closing quote. kInvalidArgument for a missing
// quote, an unknown escape or an unclosed value. Shared by the parser and the hub's scrapes.
Status ParseQuotedLabelValue(std::string_view* rest, std::string* value);

}  // namespace gw::metrics

#endif  // GW_METRICS_TEXT_PARSER_H_
