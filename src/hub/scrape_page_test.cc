#include "hub/scrape_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/status_matchers.h"

namespace gw::hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using gw::testing::StatusIs;

std::vector<PageSample> ScanAll(std::string_view page, PageFormat format, Status* status) {
  PageScanner scanner(page, format);
  std::vector<PageSample> out;
  PageSample s;
  while (scanner.Next(&s)) out.push_back(s);
  *status = scanner.status();
  return out;
}

TEST(PageScannerTest, SplitsSeriesValueAndTimestamp) {
  Status status;
  auto samples = ScanAll(
      "# HELP a x\n# TYPE a gauge\n\na 1\nb{x=\"a b}\",y=\"q\\\"\"} -Inf 1700000000123\r\n"
      "c{} +Inf\nd\t2e3\ne NaN\n",
      PageFormat::kPrometheusText, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples[0].series, "a");
  EXPECT_EQ(samples[0].value, 1);
  EXPECT_FALSE(samples[0].timestamp_ms);
  EXPECT_EQ(samples[1].series, "b{x=\"a b}\",y=\"q\\\"\"}");
  EXPECT_EQ(samples[1].value, -INFINITY);
  EXPECT_EQ(samples[1].timestamp_ms, 1700000000123);
  EXPECT_EQ(samples[2].value, INFINITY);
  EXPECT_EQ(samples[3].value, 2000);
  EXPECT_TRUE(std::isnan(samples[4].value));
}

TEST(PageScannerTest, OpenMetricsSecondsExemplarsAndEof) {
  Status status;
  auto samples = ScanAll("a_total 1 1.5 # {t=\"x\"} 2\nb 2 # {t=\"y\"} 1\nc +inf\n# EOF\n",
                         PageFormat::kOpenMetrics, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].timestamp_ms, 1500);
  EXPECT_FALSE(samples[1].timestamp_ms);
  EXPECT_EQ(samples[2].value, INFINITY);
  ScanAll("a 1\n", PageFormat::kOpenMetrics, &status);
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("# EOF")));
  ScanAll("a 1\n# EOF\nb 2\n", PageFormat::kOpenMetrics, &status);
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 3")));
}

TEST(PageScannerTest, ErrorsNameTheLine) {
  Status status;
  ScanAll("a 1\nb x\n", PageFormat::kPrometheusText, &status);
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, "line 2: invalid value \"x\""));
  ScanAll("a 1 12.5\n", PageFormat::kPrometheusText, &status);
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid timestamp")));
  ScanAll("a{x=\"1\" 1\n", PageFormat::kPrometheusText, &status);
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 1")));
  ScanAll("a1\n", PageFormat::kPrometheusText, &status);
  EXPECT_FALSE(status.ok());
}

TEST(PageScannerTest, ContentTypes) {
  EXPECT_EQ(FormatOfContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            PageFormat::kOpenMetrics);
  EXPECT_EQ(FormatOfContentType("text/plain; version=0.0.4"), PageFormat::kPrometheusText);
  EXPECT_EQ(FormatOfContentType(""), PageFormat::kPrometheusText);
}

TEST(PageScannerTest, RecordsHelpTypeAndUnitWhenAsked) {
  const std::string page =
      "# HELP gpu_temp GPU temperature\\nin degrees \\\\ C.\n"
      "# TYPE gpu_temp gauge\n"
      "gpu_temp{gpu=\"0\"} 50\n"
      "# TYPE jobs untyped\n"
      "# a comment, not metadata\n"
      "jobs 3\n";
  std::map<std::string, MetricMetadata, std::less<>> metadata;
  PageScanner scanner(page, PageFormat::kPrometheusText);
  scanner.set_metadata(&metadata);
  PageSample sample;
  int samples = 0;
  while (scanner.Next(&sample)) ++samples;
  ASSERT_TRUE(scanner.status().ok()) << scanner.status().ToString();
  EXPECT_EQ(samples, 2);
  ASSERT_EQ(metadata.size(), 2u);
  EXPECT_EQ(metadata["gpu_temp"], (MetricMetadata{"gauge", "GPU temperature\nin degrees \\ C.", ""}));
  EXPECT_EQ(metadata["jobs"], (MetricMetadata{"unknown", "", ""}));
  // OpenMetrics units.
  std::map<std::string, MetricMetadata, std::less<>> om;
  PageScanner om_scanner("# TYPE e counter\n# UNIT e joules\ne_total 1\n# EOF\n",
                         PageFormat::kOpenMetrics);
  om_scanner.set_metadata(&om);
  while (om_scanner.Next(&sample)) {
  }
  EXPECT_EQ(om["e"], (MetricMetadata{"counter", "", "joules"}));
}

TEST(ParseSeriesTest, SortsAndUnescapes) {
  auto labels = ParseSeries("m{z=\"1\",a=\"x\\ny\\\\\",}");
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_THAT(*labels, ElementsAre(Pair("__name__", "m"), Pair("a", "x\ny\\"), Pair("z", "1")));
  EXPECT_THAT(*ParseSeries("bare"), ElementsAre(Pair("__name__", "bare")));
  EXPECT_THAT(ParseSeries("m{a=\"1\",a=\"2\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate label \"a\"")));
  EXPECT_THAT(ParseSeries("m{a=\"\\q\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid escape")));
}

}  // namespace
}  // namespace gw::hub
