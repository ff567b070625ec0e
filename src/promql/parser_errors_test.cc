// Every syntax and type error, with its exact text and position.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "promql/parser.h"

namespace gw::promql {
namespace {

struct ErrorCase {
  const char* query;
  const char* error;  // the whole message after "INVALID_ARGUMENT: "
};

class ParserErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrorTest, ReportsPrometheusError) {
  StatusOr<ExprPtr> e = ParseExpr(GetParam().query);
  ASSERT_FALSE(e.ok()) << GetParam().query << " parsed as " << ToString(**e);
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status().message(), GetParam().error) << GetParam().query;
}

const ErrorCase kCases[] = {
    // Syntax.
    {"", "1:1: parse error: no expression found in input"},
    {"1 +", "1:4: parse error: unexpected end of input"},
    {"*1", "1:1: parse error: unexpected <op:*>"},
    {"a b", "1:3: parse error: unexpected identifier \"b\""},
    {"(a + b", "1:7: parse error: unexpected end of input in paren expression, expected \")\""},
    {"sum(x", "1:6: parse error: unexpected end of input in aggregation, expected \",\" or \")\""},
    {"sum by job (x)",
     "1:8: parse error: unexpected identifier \"job\" in grouping opts, expected \"(\""},
    {"sum by (a b) (x)",
     "1:11: parse error: unexpected identifier \"b\" in grouping opts, expected \",\" or \")\""},
    {"sum by (\"a\") (x)",
     "1:9: parse error: unexpected string \"\"a\"\" in grouping opts, expected label"},
    {"sum by (a) x",
     "1:12: parse error: unexpected identifier \"x\" in aggregation, expected \"(\""},
    {"sum by (a) (x) by (b)", "1:16: parse error: unexpected <by>"},
    {"up{job}",
     "1:7: parse error: unexpected \"}\" in label matching, expected label matching operator"},
    {"up{job=}", "1:8: parse error: unexpected \"}\" in label matching, expected string"},
    {"up{job=\"a\" x=\"b\"}",
     "1:12: parse error: unexpected identifier \"x\" in label matching, expected \",\" or \"}\""},
    {"up{,}", "1:4: parse error: unexpected \",\" in label matching, expected identifier or \"}\""},
    {"x[5]", "1:3: parse error: unexpected number \"5\" in subquery or range, expected duration"},
    {"x[5m 1m]",
     "1:6: parse error: unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\""},
    {"x[5m:1m 1m]",
     "1:9: parse error: unexpected duration \"1m\" in subquery selector, expected \"]\""},
    {"x offset", "1:9: parse error: unexpected end of input in offset, expected duration"},
    {"x @ foo", "1:5: parse error: unexpected identifier \"foo\" in @, expected timestamp"},
    {"x @ start", "1:10: parse error: unexpected end of input in @, expected \"(\""},
    {"foo(x)", "1:1: parse error: unknown function with name \"foo\""},
    {"rate(x[5m] y)",
     "1:12: parse error: unexpected identifier \"y\" in function call, expected \",\" or \")\""},
    {"x[1m1h]", "1:3: parse error: not a valid duration string: \"1m1h\""},
    {"x[1.5h]", "1:3: parse error: not a valid duration string: \"1.5h\""},
    {"x[0s]", "1:3: parse error: duration must be greater than 0"},
    {"x{a=~\"(\"}",
     "1:3: parse error: label matcher a=~\"(\": invalid regular expression: missing ): (?s:() (use "
     "RE2 syntax)"},
    {"0x", "1:1: parse error: error parsing number: \"0x\""},
    {"x @ Inf", "1:5: parse error: timestamp out of bounds for @ modifier: inf"},
    // Modifiers in the wrong place.
    {"rate(x[5m]) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"1 @ 100",
     "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector "
     "selector or a subquery"},
    {"x offset 5m offset 1m", "1:1: parse error: offset may not be set multiple times"},
    {"x @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
    {"x offset 5m[5m]", "1:12: parse error: no offset modifiers allowed before range"},
    {"x @ 1 [5m]", "1:7: parse error: no @ modifiers allowed before range"},
    {"rate(x[5m])[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
    {"x[5m][5m]", "1:6: parse error: ranges only allowed for vector selectors"},
    // Selectors.
    {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{job=~\".*\"}",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{job=\"\"}[5m]",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"up{__name__=~\"u.*\"}",
     "1:1: parse error: metric name must not be set twice: \"up\" or \"u.*\""},
    {"foo{__name__=\"bar\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
    // Function arguments.
    {"rate(x)",
     "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
     "vector"},
    {"abs(x[5m])",
     "1:5: parse error: expected type instant vector in call to function \"abs\", got range "
     "vector"},
    {"rate()", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 0"},
    {"time(x)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
    {"round(x, 1, 2)",
     "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3"},
    {"label_join(x, \"a\")",
     "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 2"},
    {"clamp_min(x, y)",
     "1:14: parse error: expected type scalar in call to function \"clamp_min\", got instant "
     "vector"},
    {"label_replace(x, 1, \"\", \"\", \"\")",
     "1:18: parse error: expected type string in call to function \"label_replace\", got scalar"},
    {"histogram_quantile(x, y)",
     "1:20: parse error: expected type scalar in call to function \"histogram_quantile\", got "
     "instant vector"},
    // Aggregations.
    {"sum()", "1:1: parse error: no arguments for aggregate expression provided"},
    {"sum(x, y)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, "
     "got 2"},
    {"topk(x)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
     "got 1"},
    {"sum(x[5m])",
     "1:5: parse error: expected type instant vector in aggregation expression, got range vector"},
    {"sum(1)",
     "1:5: parse error: expected type instant vector in aggregation expression, got scalar"},
    {"topk(\"a\", x)",
     "1:6: parse error: expected type scalar in aggregation parameter, got string"},
    {"count_values(1, x)",
     "1:14: parse error: expected type string in aggregation parameter, got scalar"},
    // Binary expressions.
    {"1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators"},
    {"1 and 2", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
    {"a or 1", "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
    {"a and on(b) group_left c", "1:1: parse error: no grouping allowed for \"and\" operation"},
    {"a + on(b) 1", "1:1: parse error: vector matching only allowed between instant vectors"},
    {"a + on(b) group_left(b) c",
     "1:3: parse error: label \"b\" must not occur in ON and GROUP clause at once"},
    {"x[5m] + 1",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"1 + x[5m]",
     "1:5: parse error: binary expression must contain only scalar and instant vector types"},
    {"\"a\" + 1",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"-x[5m]",
     "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
     "vector, got \"range vector\""},
    {"-\"a\"",
     "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
     "vector, got \"string\""},
    // Subqueries.
    {"x[5m][1h:1m]",
     "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"},
    {"1[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"},
    // Positions on later lines; the first error in depth-first order wins.
    {"sum(\n  rate(x)\n)",
     "2:8: parse error: expected type range vector in call to function \"rate\", got instant "
     "vector"},
    {"a +\n\n  *", "3:3: parse error: unexpected <op:*>"},
    {"rate(y) + foo(x)", "1:11: parse error: unknown function with name \"foo\""},
    {"rate(y) + abs(x[5m])",
     "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
     "vector"},
};

TEST(ParserLimitTest, RefusesTreesDeeperThanAThousandLevels) {
  const std::string deep_parens = std::string(1001, '(') + "1" + std::string(1001, ')');
  EXPECT_EQ(ParseExpr(deep_parens).status().message(),
            "1:1001: parse error: expression nested too deeply (more than 1000 levels)");
  std::string long_chain = "x";
  for (int i = 0; i < 1000; ++i) long_chain += " + x";
  EXPECT_THAT(ParseExpr(long_chain).status().message(), ::testing::HasSubstr("nested too deeply"));
  std::string subqueries = "x";
  for (int i = 0; i < 1001; ++i) subqueries += "[5m:]";
  EXPECT_THAT(ParseExpr(subqueries).status().message(), ::testing::HasSubstr("nested too deeply"));
  std::string fine = "x";
  for (int i = 0; i < 900; ++i) fine += " + x";
  EXPECT_TRUE(ParseExpr(fine).ok());
}

INSTANTIATE_TEST_SUITE_P(All, ParserErrorTest, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace gw::promql
