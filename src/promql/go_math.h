// Go's math.Pow and math.Atan2 (Prometheus computes `^` and `atan2` with them).
#ifndef GW_PROMQL_GO_MATH_H_
#define GW_PROMQL_GO_MATH_H_

namespace gw::promql {

double GoPow(double x, double y);
double GoAtan2(double y, double x);

}  // namespace gw::promql

#endif  // GW_PROMQL_GO_MATH_H_
