#include "hub/query_json.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <system_error>

namespace gw::hub {
namespace {

void AppendString(std::string_view s, std::string* out) {
  *out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

void AppendLabels(const tsdb::Labels& labels, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const tsdb::Label& l : labels) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(l.name, out);
    out->push_back(':');
    AppendString(l.value, out);
  }
  out->push_back('}');
}

// [t,"v"]
void AppendPoint(int64_t t_ms, double v, std::string* out) {
  out->push_back('[');
  AppendTimestamp(t_ms, out);
  *out += ",\"";
  AppendSampleValue(v, out);
  *out += "\"]";
}

void AppendVector(const promql::Vector& vec, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < vec.size(); ++i) {
    if (i > 0) out->push_back(',');
    *out += "{\"metric\":";
    AppendLabels(vec[i].metric, out);
    *out += ",\"value\":";
    AppendPoint(vec[i].t_ms, vec[i].v, out);
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendMatrix(const promql::Matrix& m, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < m.size(); ++i) {
    if (i > 0) out->push_back(',');
    *out += "{\"metric\":";
    AppendLabels(m[i].metric, out);
    *out += ",\"values\":[";
    for (size_t j = 0; j < m[i].points.size(); ++j) {
      if (j > 0) out->push_back(',');
      AppendPoint(m[i].points[j].t_ms, m[i].points[j].v, out);
    }
    *out += "]}";
  }
  out->push_back(']');
}

}  // namespace

void AppendTimestamp(int64_t t_ms, std::string* out) {
  uint64_t t = static_cast<uint64_t>(t_ms);
  if (t_ms < 0) {
    out->push_back('-');
    t = 0 - t;
  }
  *out += std::to_string(t / 1000);
  const uint64_t fraction = t % 1000;
  if (fraction == 0) return;
  out->push_back('.');
  if (fraction < 100) out->push_back('0');
  if (fraction < 10) out->push_back('0');
  *out += std::to_string(fraction);
}

void AppendSampleValue(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
    out->append(buf, r.ptr);
    return;
  }
  *out += promql::FormatGoFloat(v);
}

std::string QueryResultJson(const promql::Value& value) {
  std::string out = R"({"status":"success","data":{"resultType":")";
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Vector>) {
          out += "vector\",\"result\":";
          AppendVector(v, &out);
        } else if constexpr (std::is_same_v<T, promql::Matrix>) {
          out += "matrix\",\"result\":";
          AppendMatrix(v, &out);
        } else if constexpr (std::is_same_v<T, promql::Scalar>) {
          out += "scalar\",\"result\":";
          AppendPoint(v.t_ms, v.v, &out);
        } else {
          out += "string\",\"result\":[";
          AppendTimestamp(v.t_ms, &out);
          out.push_back(',');
          AppendString(v.v, &out);
          out.push_back(']');
        }
      },
      value);
  out += "}}";
  return out;
}

}  // namespace gw::hub
