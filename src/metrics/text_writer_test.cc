#include "metrics/text_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gw::metrics {
namespace {

std::string Value(double v) {
  std::string out;
  AppendValue(v, &out);
  return out;
}

TEST(AppendValueTest, FormatsLikePrometheus) {
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(42), "42");
  EXPECT_EQ(Value(-3.5), "-3.5");
  EXPECT_EQ(Value(0.1), "0.1");
  EXPECT_EQ(Value(1e21), "1e+21");
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(Value(81559.0 * 1048576), "85520809984");
}

TEST(EscapeTest, LabelValuesAndHelp) {
  std::string out;
  AppendEscapedLabelValue("a\\b\"c\nd", &out);
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd");
  out.clear();
  AppendEscapedHelp("x\\y\n\"z\"", ExpositionFormat::kPrometheusText, &out);
  EXPECT_EQ(out, "x\\\\y\\n\"z\"");
  out.clear();
  AppendEscapedHelp("\"z\"", ExpositionFormat::kOpenMetrics, &out);
  EXPECT_EQ(out, "\\\"z\\\"");
}

std::vector<MetricFamily> Families() {
  MetricFamily util{"DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", MetricType::kGauge, {}};
  util.samples.push_back({{{"gpu", "0"}, {"UUID", "GPU-a"}}, 87});
  util.samples.push_back({{{"gpu", "1"}, {"UUID", "GPU-b"}}, 3});
  MetricFamily xid{"gpuwatchdog_xid_errors_total", "Xid errors.", MetricType::kCounter, {}};
  xid.samples.push_back({{{"gpu", "0"}, {"xid", "79"}}, 1});
  MetricFamily energy{
      "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "Energy (mJ).", MetricType::kCounter, {}};
  energy.samples.push_back({{{"gpu", "0"}}, 1000});
  MetricFamily empty{"unused_metric", "Nothing.", MetricType::kGauge, {}};
  return {util, xid, energy, empty};
}

TEST(WriteTextTest, PrometheusText) {
  std::string out;
  WriteText(Families(), ExpositionFormat::kPrometheusText, &out);
  EXPECT_EQ(out,
            "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).\n"
            "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n"
            "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\"} 87\n"
            "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",UUID=\"GPU-b\"} 3\n"
            "# HELP gpuwatchdog_xid_errors_total Xid errors.\n"
            "# TYPE gpuwatchdog_xid_errors_total counter\n"
            "gpuwatchdog_xid_errors_total{gpu=\"0\",xid=\"79\"} 1\n"
            "# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Energy (mJ).\n"
            "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"} 1000\n");
}

TEST(WriteTextTest, OpenMetricsNamesCountersAndEnds) {
  std::string out;
  WriteText(Families(), ExpositionFormat::kOpenMetrics, &out);
  EXPECT_NE(out.find("# TYPE gpuwatchdog_xid_errors counter\n"
                     "gpuwatchdog_xid_errors_total{gpu=\"0\",xid=\"79\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION unknown\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("# EOF\n"));
}

TEST(NegotiateFormatTest, FollowsAcceptHeader) {
  EXPECT_EQ(NegotiateFormat(""), ExpositionFormat::kPrometheusText);
  EXPECT_EQ(NegotiateFormat("text/plain"), ExpositionFormat::kPrometheusText);
  // What Prometheus 2.42 sends.
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;version=1.0.0,application/"
                            "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                            "*/*;q=0.1"),
            ExpositionFormat::kOpenMetrics);
  EXPECT_EQ(NegotiateFormat("text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5"),
            ExpositionFormat::kPrometheusText);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=0"), ExpositionFormat::kPrometheusText);
}

}  // namespace
}  // namespace gw::metrics
