#include "tsdb/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/test_util.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::HasSubstr;

Matcher Make(MatchType type, std::string name, std::string value) {
  StatusOr<Matcher> m = Matcher::Create(type, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *std::move(m);
}

TEST(MatcherTest, EqualityMatchers) {
  EXPECT_TRUE(Make(MatchType::kEqual, "job", "gpu").Matches("gpu"));
  EXPECT_FALSE(Make(MatchType::kEqual, "job", "gpu").Matches("gpu2"));
  EXPECT_TRUE(Make(MatchType::kNotEqual, "job", "gpu").Matches(""));
  EXPECT_FALSE(Make(MatchType::kNotEqual, "job", "gpu").Matches("gpu"));
}

TEST(MatcherTest, RegexIsFullyAnchored) {
  const Matcher m = Make(MatchType::kRegexMatch, "node", "gpu[0-9]+");
  EXPECT_TRUE(m.Matches("gpu12"));
  EXPECT_FALSE(m.Matches("xgpu12"));
  EXPECT_FALSE(m.Matches("gpu12x"));
  // Alternation binds inside the anchors: a|b matches only "a" or "b".
  const Matcher alt = Make(MatchType::kRegexMatch, "n", "a|b");
  EXPECT_TRUE(alt.Matches("b"));
  EXPECT_FALSE(alt.Matches("ab"));
  EXPECT_TRUE(Make(MatchType::kRegexNoMatch, "node", "gpu.*").Matches("cpu1"));
  EXPECT_FALSE(Make(MatchType::kRegexNoMatch, "node", "gpu.*").Matches("gpu1"));
}

TEST(MatcherTest, DotMatchesNewlineAsInPrometheus) {
  EXPECT_TRUE(Make(MatchType::kRegexMatch, "msg", "a.b").Matches("a\nb"));
}

TEST(MatcherTest, InvalidRegexIsInvalidArgument) {
  EXPECT_THAT(Matcher::Create(MatchType::kRegexNoMatch, "job", "gpu("),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("label matcher job!~\"gpu(\": invalid regular expression")));
}

TEST(MatcherTest, ToStringUsesPromQLOperators) {
  EXPECT_EQ(Make(MatchType::kRegexMatch, "a", "b.*").ToString(), "a=~\"b.*\"");
  EXPECT_EQ(Make(MatchType::kNotEqual, "a", "b").ToString(), "a!=\"b\"");
}

}  // namespace
}  // namespace gw::tsdb
