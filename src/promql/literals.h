// How the parser reads number literals; ParseDurationMs (parser.h) lives beside it.
#ifndef GW_PROMQL_LITERALS_H_
#define GW_PROMQL_LITERALS_H_

#include <optional>
#include <string_view>

namespace gw::promql {

// A NUMBER token's value as Prometheus reads it: Go's strconv.ParseInt(s, 0, 64) (so 0x1f is 31
// and 010 is 8), else ParseFloat; "inf" and "nan" in any case. nullopt if neither accepts it
// ("0x", "1e", out of range).
std::optional<double> ParseNumber(std::string_view s);

}  // namespace gw::promql

#endif  // GW_PROMQL_LITERALS_H_
