#include "hub/relabel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "common/status_matchers.h"

namespace gw::hub {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

RelabelConfig Rule(RelabelAction action, std::vector<std::string> sources, std::string regex,
                   std::string target = "", std::string replacement = "$1", uint64_t modulus = 0) {
  RelabelConfig rule;
  rule.action = action;
  rule.source_labels = std::move(sources);
  rule.regex = std::move(regex);
  rule.target_label = std::move(target);
  rule.replacement = std::move(replacement);
  rule.modulus = modulus;
  EXPECT_TRUE(CompileRelabelConfig(&rule).ok());
  return rule;
}

LabelSet TargetLabels() {
  return {{"__address__", "127.0.1.1:9400"}, {"a", "foo"}, {"b", "bar"}, {"job", "gpu"}};
}

TEST(RelabelTest, ReplaceJoinsSourcesAndExpandsGroups) {
  auto out = Relabel(TargetLabels(),
                     {Rule(RelabelAction::kReplace, {"a", "b"}, "(.*);(.*)", "c", "$2-$1")});
  EXPECT_THAT(out, Optional(LabelSet{{"__address__", "127.0.1.1:9400"},
                                     {"a", "foo"},
                                     {"b", "bar"},
                                     {"c", "bar-foo"},
                                     {"job", "gpu"}}));
}

TEST(RelabelTest, ReplaceRegexIsFullyAnchored) {
  // "fo" matches only a prefix of "foo": unanchored it would set c, anchored it does not.
  auto out = Relabel(TargetLabels(), {Rule(RelabelAction::kReplace, {"a"}, "fo", "c", "x")});
  EXPECT_THAT(out, Optional(TargetLabels()));
}

TEST(RelabelTest, ReplaceWithEmptyResultRemovesTheLabel) {
  auto out = Relabel(TargetLabels(), {Rule(RelabelAction::kReplace, {}, "(.*)", "a", "")});
  EXPECT_THAT(out,
              Optional(LabelSet{{"__address__", "127.0.1.1:9400"}, {"b", "bar"}, {"job", "gpu"}}));
}

TEST(RelabelTest, ReplaceSetsInstanceFromAddressHost) {
  auto out = Relabel(TargetLabels(), {Rule(RelabelAction::kReplace, {"__address__"},
                                           "(?P<host>[^:]+):\\d+", "instance", "${host}")});
  ASSERT_TRUE(out.has_value());
  EXPECT_THAT(*out,
              ::testing::Contains(std::pair<std::string, std::string>("instance", "127.0.1.1")));
}

TEST(RelabelTest, ReplaceExpandsTheTargetLabelToo) {
  auto out =
      Relabel({{"a", "zone"}}, {Rule(RelabelAction::kReplace, {"a"}, "(.*)", "${1}_x", "v")});
  EXPECT_THAT(out, Optional(LabelSet{{"a", "zone"}, {"zone_x", "v"}}));
}

TEST(RelabelTest, MissingSourceLabelIsEmpty) {
  auto out = Relabel({{"a", "1"}}, {Rule(RelabelAction::kReplace, {"a", "nope"}, "(.*)", "c")});
  EXPECT_THAT(out, Optional(LabelSet{{"a", "1"}, {"c", "1;"}}));
}

TEST(RelabelTest, KeepDropsNonMatchingSets) {
  RelabelConfig keep = Rule(RelabelAction::kKeep, {"job"}, "gpu|slurm");
  EXPECT_THAT(Relabel(TargetLabels(), {keep}), Optional(TargetLabels()));
  EXPECT_EQ(Relabel({{"job", "node"}}, {keep}), std::nullopt);
  EXPECT_EQ(Relabel({{"job", "gpux"}}, {keep}), std::nullopt);  // anchored
}

TEST(RelabelTest, DropDropsMatchingSets) {
  RelabelConfig drop = Rule(RelabelAction::kDrop, {"a", "b"}, "foo;bar");
  EXPECT_EQ(Relabel(TargetLabels(), {drop}), std::nullopt);
  EXPECT_THAT(Relabel({{"a", "foo"}}, {drop}), Optional(LabelSet{{"a", "foo"}}));
}

TEST(RelabelTest, LabelDropAndLabelKeepMatchNames) {
  EXPECT_THAT(Relabel(TargetLabels(), {Rule(RelabelAction::kLabelDrop, {}, "a|b")}),
              Optional(LabelSet{{"__address__", "127.0.1.1:9400"}, {"job", "gpu"}}));
  EXPECT_THAT(Relabel(TargetLabels(), {Rule(RelabelAction::kLabelKeep, {}, "__.*|job")}),
              Optional(LabelSet{{"__address__", "127.0.1.1:9400"}, {"job", "gpu"}}));
}

TEST(RelabelTest, LabelMapCopiesMatchingLabelsUnderNewNames) {
  LabelSet in = {{"__meta_slurm_node", "n1"}, {"__meta_slurm_partition", "gpu"}, {"x", "1"}};
  EXPECT_THAT(Relabel(in, {Rule(RelabelAction::kLabelMap, {}, "__meta_slurm_(.+)")}),
              Optional(LabelSet{{"__meta_slurm_node", "n1"},
                                {"__meta_slurm_partition", "gpu"},
                                {"node", "n1"},
                                {"partition", "gpu"},
                                {"x", "1"}}));
}

TEST(RelabelTest, HashModIsMd5Sum64ModModulus) {
  RelabelConfig rule =
      Rule(RelabelAction::kHashMod, {"__address__"}, "(.*)", "__tmp_hash", "$1", 4);
  // Values from Go: binary.BigEndian.Uint64(md5.Sum(v)[8:]) % 4.
  EXPECT_THAT(Relabel({{"__address__", "127.0.1.1:9400"}}, {rule}),
              Optional(LabelSet{{"__address__", "127.0.1.1:9400"}, {"__tmp_hash", "2"}}));
  EXPECT_THAT(Relabel({{"__address__", "127.0.1.2:9400"}}, {rule}),
              Optional(LabelSet{{"__address__", "127.0.1.2:9400"}, {"__tmp_hash", "0"}}));
}

TEST(RelabelTest, HashModThenKeepShardsTargets) {
  RelabelConfig hash =
      Rule(RelabelAction::kHashMod, {"__address__"}, "(.*)", "__tmp_hash", "$1", 4);
  RelabelConfig keep = Rule(RelabelAction::kKeep, {"__tmp_hash"}, "2");
  EXPECT_TRUE(Relabel({{"__address__", "127.0.1.1:9400"}}, {hash, keep}).has_value());
  EXPECT_FALSE(Relabel({{"__address__", "127.0.1.2:9400"}}, {hash, keep}).has_value());
}

TEST(RelabelTest, CompileErrors) {
  RelabelConfig bad_regex;
  bad_regex.target_label = "x";
  bad_regex.regex = "(";
  EXPECT_THAT(CompileRelabelConfig(&bad_regex),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("regex \"(\" does not compile")));
  RelabelConfig no_target;
  EXPECT_THAT(
      CompileRelabelConfig(&no_target),
      StatusIs(StatusCode::kInvalidArgument, "relabel action replace needs a target_label"));
  RelabelConfig no_modulus;
  no_modulus.action = RelabelAction::kHashMod;
  no_modulus.target_label = "h";
  EXPECT_THAT(CompileRelabelConfig(&no_modulus),
              StatusIs(StatusCode::kInvalidArgument, "relabel action hashmod needs a modulus > 0"));
}

TEST(ExpandTemplateTest, FollowsGoRegexpExpand) {
  re2::RE2 regex("(?P<first>a+)(b*)");
  std::vector<std::string_view> groups = {"aab", "aa", "b"};
  EXPECT_EQ(ExpandTemplate("$1-$2", regex, groups), "aa-b");
  EXPECT_EQ(ExpandTemplate("${1}x", regex, groups), "aax");
  EXPECT_EQ(ExpandTemplate("$1x", regex, groups), "");  // the group named "1x" does not exist
  EXPECT_EQ(ExpandTemplate("$first/${first}", regex, groups), "aa/aa");
  EXPECT_EQ(ExpandTemplate("$$1 $9 $", regex, groups), "$1  $");
  EXPECT_EQ(ExpandTemplate("${1", regex, groups), "${1");
  EXPECT_EQ(ExpandTemplate("$01", regex, groups), "");  // leading zero: a name, not a number
}

TEST(RelabelActionTest, NamesRoundTrip) {
  for (const char* name :
       {"replace", "keep", "drop", "labeldrop", "labelkeep", "labelmap", "hashmod"}) {
    ASSERT_TRUE(ParseRelabelAction(name).has_value()) << name;
    EXPECT_EQ(RelabelActionName(*ParseRelabelAction(name)), name);
  }
  EXPECT_FALSE(ParseRelabelAction("Replace").has_value());
}

TEST(RelabelTest, LowercaseAndUppercaseSetTheTarget) {
  LabelSet in = {{"model", "NVIDIA H100"}};
  EXPECT_THAT(Relabel(in, {Rule(RelabelAction::kLowercase, {"model"}, "(.*)", "m")}),
              Optional(LabelSet{{"m", "nvidia h100"}, {"model", "NVIDIA H100"}}));
  EXPECT_THAT(Relabel(in, {Rule(RelabelAction::kUppercase, {"model"}, "(.*)", "m")}),
              Optional(LabelSet{{"m", "NVIDIA H100"}, {"model", "NVIDIA H100"}}));
}

TEST(RelabelTest, KeepEqualAndDropEqualCompareWithTheTarget) {
  LabelSet same = {{"a", "x"}, {"b", "x"}};
  LabelSet differ = {{"a", "x"}, {"b", "y"}};
  auto keep = Rule(RelabelAction::kKeepEqual, {"a"}, "(.*)", "b");
  auto drop = Rule(RelabelAction::kDropEqual, {"a"}, "(.*)", "b");
  EXPECT_THAT(Relabel(same, {keep}), Optional(same));
  EXPECT_EQ(Relabel(differ, {keep}), std::nullopt);
  EXPECT_EQ(Relabel(same, {drop}), std::nullopt);
  EXPECT_THAT(Relabel(differ, {drop}), Optional(differ));
}

TEST(RelabelTest, NewActionsNeedATargetLabel) {
  RelabelConfig rule;
  rule.action = RelabelAction::kKeepEqual;
  rule.source_labels = {"a"};
  EXPECT_THAT(CompileRelabelConfig(&rule),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("keepequal needs a target_label")));
  EXPECT_EQ(ParseRelabelAction("dropequal"), RelabelAction::kDropEqual);
  EXPECT_EQ(RelabelActionName(RelabelAction::kLowercase), "lowercase");
}

}  // namespace
}  // namespace gw::hub
