// Series selectors: `up`, `{job="gpu"}`, `DCGM_FI_DEV_GPU_UTIL{gpu=~"0|1", Hostname!=""}`, as
// the Prometheus API takes them in match[] and PromQL in vector selectors.
#ifndef GW_PROMQL_SELECTOR_H_
#define GW_PROMQL_SELECTOR_H_

#include <string_view>
#include <vector>

#include "common/status.h"
#include "tsdb/matcher.h"

namespace gw::promql {

// Parses one selector into matchers (the metric name becomes __name__="..."). Strings may use
// "double", 'single' or `raw` quotes with Go's escapes. Like Prometheus, a selector must have a
// matcher that does not match the empty string (`{job=~".*"}` alone selects everything and is
// refused). Errors: kInvalidArgument "1:<column>: <what>, expected <what>".
StatusOr<std::vector<tsdb::Matcher>> ParseSelector(std::string_view text);

}  // namespace gw::promql

#endif  // GW_PROMQL_SELECTOR_H_
