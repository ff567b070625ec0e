#include "hub/query_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace gw::hub {
namespace {

std::string Ts(int64_t ms) {
  std::string s;
  AppendTimestamp(ms, &s);
  return s;
}

std::string Val(double v) {
  std::string s;
  AppendSampleValue(v, &s);
  return s;
}

TEST(QueryJsonTest, TimestampsAsPrometheusWritesThem) {
  EXPECT_EQ(Ts(4000), "4");
  EXPECT_EQ(Ts(1435781451781), "1435781451.781");
  EXPECT_EQ(Ts(1500), "1.500");  // Prometheus keeps three digits once there is a fraction
  EXPECT_EQ(Ts(1005), "1.005");
  EXPECT_EQ(Ts(1050), "1.050");
  EXPECT_EQ(Ts(0), "0");
  EXPECT_EQ(Ts(-1500), "-1.500");
}

TEST(QueryJsonTest, ValuesAsGoFormatsThem) {
  EXPECT_EQ(Val(2), "2");
  EXPECT_EQ(Val(0.1), "0.1");
  EXPECT_EQ(Val(1e6), "1000000");
  EXPECT_EQ(Val(123456789.125), "123456789.125");
  EXPECT_EQ(Val(1e-6), "0.000001");
  // The shortest digits, padded: not the exact integer (4101826323719462912).
  EXPECT_EQ(Val(4101826323719463000.0), "4101826323719463000");
  EXPECT_EQ(Val(1e20), "100000000000000000000");
  EXPECT_EQ(Val(1e-7), "1e-07");
  EXPECT_EQ(Val(1.5e21), "1.5e+21");
  EXPECT_EQ(Val(-0.25), "-0.25");
  EXPECT_EQ(Val(0), "0");
  EXPECT_EQ(Val(std::nan("")), "NaN");
  EXPECT_EQ(Val(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Val(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(QueryJsonTest, ResultShapes) {
  EXPECT_EQ(QueryResultJson(promql::Scalar{4000, 2}),
            R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  EXPECT_EQ(QueryResultJson(promql::String{4000, "a\"b"}),
            R"({"status":"success","data":{"resultType":"string","result":[4,"a\"b"]}})");
  promql::Vector v{{tsdb::Labels{{"__name__", "up"}, {"job", "gpu"}}, 1000, 1}};
  EXPECT_EQ(QueryResultJson(v),
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"__name__":"up","job":"gpu"},"value":[1,"1"]}]}})");
  promql::Matrix m{{tsdb::Labels{{"gpu", "0"}}, {{1000, 0.5}, {2000, 1}}}};
  EXPECT_EQ(QueryResultJson(m),
            R"({"status":"success","data":{"resultType":"matrix","result":[)"
            R"({"metric":{"gpu":"0"},"values":[[1,"0.5"],[2,"1"]]}]}})");
  EXPECT_EQ(QueryResultJson(promql::Vector{}),
            R"({"status":"success","data":{"resultType":"vector","result":[]}})");
}

}  // namespace
}  // namespace gw::hub
