#include "promql/selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/status_matchers.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Parsed(std::string_view text) {
  StatusOr<std::vector<tsdb::Matcher>> m = ParseSelector(text);
  EXPECT_TRUE(m.ok()) << text << ": " << m.status().ToString();
  std::vector<std::string> out;
  if (m.ok()) {
    for (const tsdb::Matcher& x : *m) out.push_back(x.ToString());
  }
  return out;
}

TEST(SelectorTest, ParsesNamesAndEveryOperator) {
  EXPECT_THAT(Parsed("up"), ElementsAre("__name__=\"up\""));
  EXPECT_THAT(Parsed(" DCGM_FI_DEV_GPU_UTIL { gpu=~\"0|1\", Hostname!='' ,job!~`a.*`, x=\"y\", } "),
              ElementsAre("__name__=\"DCGM_FI_DEV_GPU_UTIL\"", "gpu=~\"0|1\"", "Hostname!=\"\"",
                          "job!~\"a.*\"", "x=\"y\""));
  EXPECT_THAT(Parsed("{__name__=\"a:b\"}"), ElementsAre("__name__=\"a:b\""));
  StatusOr<std::vector<tsdb::Matcher>> escaped = ParseSelector("{a=\"q\\\"\\n\"}");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ((*escaped)[0].value(), "q\"\n");
}

TEST(SelectorTest, ErrorsSayWhereAndWhatWasExpected) {
  EXPECT_THAT(ParseSelector("up{job=\"a\""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("1:11: parse error")));
  EXPECT_THAT(ParseSelector("up{job~\"a\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected one of \"=\"")));
  EXPECT_THAT(ParseSelector("up{job=\"a}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated quoted string")));
  EXPECT_THAT(ParseSelector("up{job=~\"(\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("regular expression")));
  EXPECT_THAT(ParseSelector("up{job=\"a\"} x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected end of selector")));
  EXPECT_THAT(ParseSelector(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ParseSelector("{job=~\".*\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one non-empty matcher")));
  EXPECT_THAT(ParseSelector("{a=\"\\q\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown escape")));
}

}  // namespace
}  // namespace gw::promql
