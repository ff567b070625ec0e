// The JSON of query results, byte for byte as Prometheus 2.42's API writes it: timestamps as
// Unix seconds with up to three decimals, sample values as strings in Go's shortest form.
#ifndef GW_HUB_QUERY_JSON_H_
#define GW_HUB_QUERY_JSON_H_

#include <cstdint>
#include <string>

#include "promql/value.h"

namespace gw::hub {

// 1435781451781 -> "1435781451.781", 4000 -> "4", 1500 -> "1.500" (Prometheus' marshalTimestamp).
void AppendTimestamp(int64_t t_ms, std::string* out);
// Go's strconv.FormatFloat(v, 'f', -1, 64), or 'e' when 0 < |v| < 1e-6 or |v| >= 1e21;
// "NaN", "+Inf", "-Inf" (Prometheus' marshalFloat). Without quotes.
void AppendSampleValue(double v, std::string* out);

// {"status":"success","data":{"resultType":...,"result":...}}
std::string QueryResultJson(const promql::Value& value);

}  // namespace gw::hub

#endif  // GW_HUB_QUERY_JSON_H_
