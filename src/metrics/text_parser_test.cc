#include "metrics/text_parser.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/text_writer.h"

namespace gw::metrics {
namespace {

TEST(ParseTextTest, ParsesSamplesTypesAndHelp) {
  auto r = ParseText(
      "# HELP a_metric Some \\\\ help\\n.\n"
      "# TYPE a_metric gauge\n"
      "a_metric{x=\"1\",y=\"q\\\"\\n\\\\\"} 3.5\n"
      "b_total 7 1700000000000\n"
      "c{} NaN\n"
      "d +Inf\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->samples.size(), 4u);
  EXPECT_EQ(r->types.at("a_metric"), "gauge");
  EXPECT_EQ(r->help.at("a_metric"), "Some \\ help\n.");
  EXPECT_EQ(r->samples[0].Label("y"), "q\"\n\\");
  EXPECT_EQ(r->samples[0].value, 3.5);
  EXPECT_EQ(r->samples[1].timestamp_ms, 1700000000000);
  EXPECT_TRUE(std::isnan(r->samples[2].value));
  EXPECT_TRUE(std::isinf(r->samples[3].value));
}

TEST(ParseTextTest, ReportsTheLineAndTheProblem) {
  EXPECT_EQ(ParseText("ok 1\nbad{x=1} 2\n").status().message(),
            "line 2: expected '\"' to open a label value");
  EXPECT_EQ(ParseText("m{x=\"1\"} abc\n").status().message(), "line 1: invalid number \"abc\"");
  EXPECT_EQ(ParseText("m{x=\"1\",x=\"2\"} 1\n").status().message(),
            "line 1: duplicate label \"x\"");
  EXPECT_EQ(ParseText("m{x=\"\\q\"} 1\n").status().message(),
            "line 1: invalid escape \"\\q\" in label value");
  EXPECT_EQ(ParseText("# TYPE m histogramm\n").status().message(),
            "line 1: unknown metric type \"histogramm\"");
  EXPECT_FALSE(ParseText("m{x=\"1\"\n").ok());
  EXPECT_FALSE(ParseText("m\n").ok());
  EXPECT_FALSE(ParseText("{x=\"1\"} 1\n").ok());
  EXPECT_FALSE(ParseText("m 1 12x\n").ok());
}

TEST(ParseTextTest, RoundTripsTheWriter) {
  MetricFamily f{"gw_round_trip", "help with \"quotes\" and \\", MetricType::kGauge, {}};
  f.samples.push_back({{{"v", "a\"b\\c\nd"}, {"empty", ""}}, -0.25});
  f.samples.push_back({{{"v", "{}=,"}}, 1e-300});
  for (auto format : {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
    std::string text;
    WriteText({f}, format, &text);
    auto r = ParseText(text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->samples.size(), 2u);
    EXPECT_EQ(r->samples[0].labels, f.samples[0].labels);
    EXPECT_EQ(r->samples[0].value, -0.25);
    EXPECT_EQ(r->samples[1].labels, f.samples[1].labels);
    EXPECT_EQ(r->samples[1].value, 1e-300);
    EXPECT_EQ(r->help.at("gw_round_trip"), f.help);
  }
}

}  // namespace
}  // namespace gw::metrics
