#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "promql/ast.h"
#include "promql/parser.h"

namespace gw::promql {
namespace {

struct PrintCase {
  const char* in;
  const char* out;  // Prometheus' canonical form
};

class PrinterTest : public ::testing::TestWithParam<PrintCase> {};

TEST_P(PrinterTest, PrintsCanonicallyAndRoundTrips) {
  StatusOr<ExprPtr> first = ParseExpr(GetParam().in);
  ASSERT_TRUE(first.ok()) << GetParam().in << ": " << first.status().ToString();
  const std::string printed = ToString(**first);
  EXPECT_EQ(printed, GetParam().out);
  StatusOr<ExprPtr> again = ParseExpr(printed);
  ASSERT_TRUE(again.ok()) << printed << ": " << again.status().ToString();
  EXPECT_TRUE(Equal(**first, **again)) << GetParam().in << " -> " << printed;
  EXPECT_EQ(ToString(**again), printed);
}

const PrintCase kCases[] = {
    {"1", "1"},
    {"-1.5", "-1.5"},
    {"1e6", "1e+06"},
    {"123456", "123456"},
    {"0.0001", "0.0001"},
    {"0.00001", "1e-05"},
    {"0x10", "16"},
    {"Inf", "+Inf"},
    {"-inf", "-Inf"},
    {"NaN", "NaN"},
    {"'a\"b'", "\"a\\\"b\""},
    {"`\\d+`", "\"\\\\d+\""},
    {"\"\\x01\\u00e9\"", "\"\\x01\xc3\xa9\""},
    {"up", "up"},
    {"up{job='a', gpu=~\"0|1\"}", "up{gpu=~\"0|1\",job=\"a\"}"},
    {"{__name__=\"up\"}", "{__name__=\"up\"}"},
    {"sum{} offset 5m", "sum offset 5m"},
    {"job:x:rate5m{a!=\"b\", c!~\"d\"}", "job:x:rate5m{a!=\"b\",c!~\"d\"}"},
    {"x offset 5m @ 1000", "x @ 1000.000 offset 5m"},
    {"x @ 1000 offset 5m", "x @ 1000.000 offset 5m"},
    {"x offset -90m", "x offset -1h30m"},
    {"x @ start()", "x @ start()"},
    {"x @ end() offset 1d", "x @ end() offset 1d"},
    {"x[5m]", "x[5m]"},
    {"x[60s] offset 7d", "x[1m] offset 1w"},
    {"x[1h] @ 1.5", "x[1h] @ 1.500"},
    {"x[90d]", "x[90d]"},
    {"x[365d]", "x[1y]"},
    {"x[1500ms]", "x[1s500ms]"},
    {"foo[1h:5m]", "foo[1h:5m]"},
    {"foo[1h:]", "foo[1h:]"},
    {"rate(x[5m])[30m:1m] offset 1m @ end()", "rate(x[5m])[30m:1m] @ end() offset 1m"},
    {"(a + b)[5m:]", "(a + b)[5m:]"},
    {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x[5m]))"},
    {"sum(rate(x[5m])) by (job)", "sum by (job) (rate(x[5m]))"},
    {"SUM BY(job,gpu)(x)", "sum by (job, gpu) (x)"},
    {"avg without(gpu) (x)", "avg without (gpu) (x)"},
    {"sum without() (x)", "sum without () (x)"},
    {"sum by() (x)", "sum(x)"},
    {"topk(5, x)", "topk(5, x)"},
    {"topk by (job) (5, x)", "topk by (job) (5, x)"},
    {"count_values('v', x)", "count_values(\"v\", x)"},
    {"quantile(0.9, x) without (a)", "quantile without (a) (0.9, x)"},
    {"group(x)", "group(x)"},
    {"a + on(b) group_left(c) d", "a + on (b) group_left (c) d"},
    {"a + on(b) group_left d", "a + on (b) group_left () d"},
    {"a * ignoring(b, c) group_right(d, e) f", "a * ignoring (b, c) group_right (d, e) f"},
    {"a + on() b", "a + on () b"},
    {"a + ignoring() b", "a + b"},
    {"a + ignoring() group_left b", "a + ignoring () group_left () b"},
    {"a > bool b", "a > bool b"},
    {"a == bool on(x) b", "a == bool on (x) b"},
    {"1 < bool 2", "1 < bool 2"},
    {"a and on(x) b", "a and on (x) b"},
    {"a or b unless c", "a or b unless c"},
    {"a atan2 b", "a atan2 b"},
    {"a ^ b ^ c", "a ^ b ^ c"},
    {"(a ^ b) ^ c", "(a ^ b) ^ c"},
    {"-x", "-x"},
    {"+x", "+x"},
    {"- -x", "--x"},
    {"-(1)", "-(1)"},
    {"2 ^ -1", "2 ^ -1"},
    {"-x ^ 2", "-x ^ 2"},
    {"rate(x[5m])", "rate(x[5m])"},
    {"label_replace(up,'a','$1','b','(.*)')", "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")"},
    {"round(x, 0.5)", "round(x, 0.5)"},
    {"time()", "time()"},
    {"hour()", "hour()"},
    {"vector(1) * 2", "vector(1) * 2"},
    {"histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))",
     "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))"},
    {"sum(DCGM_FI_DEV_FB_USED) / (sum(DCGM_FI_DEV_FB_USED) + sum(DCGM_FI_DEV_FB_FREE))",
     "sum(DCGM_FI_DEV_FB_USED) / (sum(DCGM_FI_DEV_FB_USED) + sum(DCGM_FI_DEV_FB_FREE))"},
    {"sum{a=\"b\"} + offset", "sum{a=\"b\"} + offset"},
};

INSTANTIATE_TEST_SUITE_P(All, PrinterTest, ::testing::ValuesIn(kCases));

// The fuzzer's seeds (fuzz/corpus/promql_parser) must parse, or they would seed nothing.
TEST(PrinterTest, SeedQueriesRoundTrip) {
  for (
      const char* q :
      {"sum by (job) (rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{Hostname=~\"gpu-.*\"}[5m])) / 1000",
       "a + on(b) group_left(c) d", "x offset 5m @ 1000", "foo[1h:5m] offset -1d @ end()",
       "topk(10, max_over_time(DCGM_FI_DEV_GPU_TEMP[10m]))",
       "count_values without (gpu) (\"v\", x) > bool 2 ^ -1 ^ 0x1f",
       "histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le)) unless absent(up{job='slurm'})",
       "label_replace(up, \"a\", \"$1\", \"b\", `(.*)`) or -vector(time()) and on() changes(x[1h])",
       "sum(\n  # comment\n  x{a!=\"\\u00e9\\x01\"} atan2 Inf\n) * NaN\n"}) {
    StatusOr<ExprPtr> first = ParseExpr(q);
    ASSERT_TRUE(first.ok()) << q << ": " << first.status().ToString();
    StatusOr<ExprPtr> again = ParseExpr(ToString(**first));
    ASSERT_TRUE(again.ok()) << ToString(**first);
    EXPECT_TRUE(Equal(**first, **again)) << q;
  }
}

TEST(FormatTest, Durations) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(5400000), "1h30m");
  EXPECT_EQ(FormatDuration(8 * 86400000LL), "8d");
  EXPECT_EQ(FormatDuration(14 * 86400000LL), "2w");
  EXPECT_EQ(FormatDuration(1), "1ms");
}

TEST(FormatTest, Numbers) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(-0.0), "-0");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(100000), "100000");
  EXPECT_EQ(FormatNumber(1234567), "1.234567e+06");
  EXPECT_EQ(FormatNumber(1e21), "1e+21");
  EXPECT_EQ(FormatNumber(1.5e-300), "1.5e-300");
  EXPECT_EQ(FormatNumber(-2.5), "-2.5");
}

TEST(FormatTest, Quoting) {
  EXPECT_EQ(QuoteString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(QuoteString("\x7f\xff"), "\"\\x7f\\xff\"");
  EXPECT_EQ(QuoteString("\xc2\x85"), "\"\\u0085\"");
  EXPECT_EQ(QuoteString("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
}

TEST(EqualTest, SeesDifferences) {
  auto eq = [](std::string_view a, std::string_view b) {
    return Equal(**ParseExpr(a), **ParseExpr(b));
  };
  EXPECT_TRUE(eq("x{a=\"1\",b=\"2\"}", "x{b=\"2\",a=\"1\"}"));
  EXPECT_FALSE(eq("x offset 1m", "x offset 2m"));
  EXPECT_FALSE(eq("a + b", "a - b"));
  EXPECT_FALSE(eq("a + on(x) b", "a + ignoring(x) b"));
  EXPECT_FALSE(eq("sum by (a) (x)", "sum without (a) (x)"));
  EXPECT_FALSE(eq("(x)", "x"));
  EXPECT_TRUE(eq("NaN", "nan"));
}

}  // namespace
}  // namespace gw::promql
