// label_replace and label_join. Expected values are Prometheus 2.42's answers (promtool test
// rules).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "promql/eval_functions.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;

constexpr int64_t kT = 120000;

// Test data; should building it throw before main(), the test binary ends, which is the right
// outcome for a test.
const Vector kX{{{{"__name__", "x"}, {"a", "b"}}, 5000, 1}};  // NOLINT(cert-err58-cpp)

StatusOr<Vector> Replace(Vector in, std::string dst, std::string replacement, std::string src,
                         std::string regex) {
  std::vector<ArgValue> args{std::move(in), std::move(dst), std::move(replacement), std::move(src),
                             std::move(regex)};
  return CallInstantFunction(*FindFunction("label_replace"), args, kT);
}

// The labels of label_replace(x, dst, replacement, src, regex)'s only element.
tsdb::Labels ReplaceOne(std::string dst, std::string replacement, std::string src,
                        std::string regex) {
  StatusOr<Vector> out =
      Replace(kX, std::move(dst), std::move(replacement), std::move(src), std::move(regex));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (!out.ok() || out->size() != 1) return {};
  EXPECT_EQ((*out)[0].v, 1);
  EXPECT_EQ((*out)[0].t_ms, kT);
  return (*out)[0].metric;
}

StatusOr<Vector> Join(Vector in, std::string dst, std::string separator,
                      std::vector<std::string> sources) {
  std::vector<ArgValue> args{std::move(in), std::move(dst), std::move(separator)};
  for (std::string& s : sources) args.emplace_back(std::move(s));
  return CallInstantFunction(*FindFunction("label_join"), args, kT);
}

TEST(LabelReplaceTest, ExpandsGroupsAsGo) {
  EXPECT_EQ(
      ReplaceOne("d", "[$1] [${1}x] [$1x] [$$] [$01] [${n}] [$n-] [$] [${1]", "a", "(?P<n>.)"),
      (tsdb::Labels{
          {"__name__", "x"}, {"a", "b"}, {"d", "[b] [bx] [] [$] [] [b] [b-] [$] [${1]"}}));
  // A group that did not take part, and one that does not exist, give "".
  EXPECT_EQ(ReplaceOne("d", "<$1|$2|$9>", "a", "(b)|(c)"),
            (tsdb::Labels{{"__name__", "x"}, {"a", "b"}, {"d", "<b||>"}}));
}

TEST(LabelReplaceTest, RegexIsAnchored) {
  // "b" contains no "c", and ".?" would match "" at the start if it were not anchored.
  EXPECT_EQ(ReplaceOne("d", "yes", "a", "c"), kX[0].metric);
  EXPECT_EQ(ReplaceOne("d", "yes", "a", ""), kX[0].metric);
  EXPECT_EQ(ReplaceOne("d", "yes", "a", "b|bb"),
            (tsdb::Labels{{"__name__", "x"}, {"a", "b"}, {"d", "yes"}}));
}

TEST(LabelReplaceTest, NoMatchLeavesTheLabelsAlone) {
  StatusOr<Vector> out = Replace(kX, "a", "z", "a", "nomatch");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].metric, kX[0].metric);
}

TEST(LabelReplaceTest, EmptyResultDeletesTheLabel) {
  EXPECT_EQ(ReplaceOne("a", "", "a", ".*"), (tsdb::Labels{{"__name__", "x"}}));
  EXPECT_EQ(ReplaceOne("a", "$2", "a", "(.*)"), (tsdb::Labels{{"__name__", "x"}}));
}

TEST(LabelReplaceTest, MissingSourceIsTheEmptyString) {
  EXPECT_EQ(ReplaceOne("d", "z", "nope", ""),
            (tsdb::Labels{{"__name__", "x"}, {"a", "b"}, {"d", "z"}}));
}

TEST(LabelReplaceTest, MayRenameTheMetric) {
  EXPECT_EQ(ReplaceOne("__name__", "y", "a", ".*"), (tsdb::Labels{{"__name__", "y"}, {"a", "b"}}));
  EXPECT_EQ(ReplaceOne("__name__", "${1}_total", "__name__", "(.*)"),
            (tsdb::Labels{{"__name__", "x_total"}, {"a", "b"}}));
}

TEST(LabelReplaceTest, EachElement) {
  Vector in{{{{"a", "b1"}}, 0, 1}, {{{"a", "c2"}}, 0, 2}, {{{"z", "q"}}, 0, 3}};
  StatusOr<Vector> out = Replace(in, "n", "$1", "a", "[a-z]([0-9])");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].metric, (tsdb::Labels{{"a", "b1"}, {"n", "1"}}));
  EXPECT_EQ((*out)[1].metric, (tsdb::Labels{{"a", "c2"}, {"n", "2"}}));
  EXPECT_EQ((*out)[2].metric, (tsdb::Labels{{"z", "q"}}));
  EXPECT_EQ((*out)[2].v, 3);
}

TEST(LabelReplaceTest, InvalidRegex) {
  EXPECT_THAT(
      Replace(kX, "d", "$1", "a", "("),
      StatusIs(StatusCode::kInvalidArgument, "invalid regular expression in label_replace(): ("));
  // Checked before the destination, and even with nothing to replace.
  EXPECT_THAT(
      Replace(Vector{}, "1d", "$1", "a", "("),
      StatusIs(StatusCode::kInvalidArgument, "invalid regular expression in label_replace(): ("));
}

TEST(LabelReplaceTest, InvalidDestination) {
  EXPECT_THAT(Replace(kX, "1d", "$1", "a", "(.*)"),
              StatusIs(StatusCode::kInvalidArgument,
                       "invalid destination label name in label_replace(): 1d"));
  EXPECT_THAT(Replace(kX, "", "$1", "a", "(.*)"),
              StatusIs(StatusCode::kInvalidArgument,
                       "invalid destination label name in label_replace(): "));
}

TEST(LabelJoinTest, JoinsWithTheSeparator) {
  Vector in{{{{"__name__", "x"}, {"a", "1"}, {"b", "2"}}, 0, 7}};
  StatusOr<Vector> out = Join(in, "d", "-", {"a", "b", "a"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].metric,
            (tsdb::Labels{{"__name__", "x"}, {"a", "1"}, {"b", "2"}, {"d", "1-2-1"}}));
  EXPECT_EQ((*out)[0].v, 7);
  EXPECT_EQ((*out)[0].t_ms, kT);
}

TEST(LabelJoinTest, MissingSourcesAreEmpty) {
  StatusOr<Vector> out = Join(kX, "d", "-", {"m", "n"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].metric, (tsdb::Labels{{"__name__", "x"}, {"a", "b"}, {"d", "-"}}));
}

TEST(LabelJoinTest, EmptyResultDeletesTheLabel) {
  StatusOr<Vector> out = Join(kX, "a", "-", {});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].metric, (tsdb::Labels{{"__name__", "x"}}));
  out = Join(kX, "a", "", {"m"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].metric, (tsdb::Labels{{"__name__", "x"}}));
}

TEST(LabelJoinTest, InvalidLabelNames) {
  EXPECT_THAT(
      Join(kX, "d", "-", {"a", "1bad"}),
      StatusIs(StatusCode::kInvalidArgument, "invalid source label name in label_join(): 1bad"));
  EXPECT_THAT(
      Join(kX, "1d", "-", {"a"}),
      StatusIs(StatusCode::kInvalidArgument, "invalid destination label name in label_join(): 1d"));
  // Sources are checked first.
  EXPECT_THAT(
      Join(Vector{}, "1d", "-", {"a-b"}),
      StatusIs(StatusCode::kInvalidArgument, "invalid source label name in label_join(): a-b"));
}

}  // namespace
}  // namespace gw::promql
