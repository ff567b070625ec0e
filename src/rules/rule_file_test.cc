#include "rules/rule_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/status_matchers.h"
#include "promql/ast.h"

namespace gw::rules {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A std::string for the `kTestdata + "/..."` below; should it throw before main(), the test
// binary ends, which is the right outcome for a test.
const std::string kTestdata = GW_RULES_TESTDATA;  // NOLINT(cert-err58-cpp)
constexpr const char* kPromtool = "/usr/bin/promtool";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

StatusOr<std::vector<RuleGroup>> ParseTestFile(const std::string& relative) {
  return ParseRuleFile(relative, ReadFile(kTestdata + "/" + relative));
}

bool PromtoolAccepts(const std::string& path) {
  std::string cmd = std::string(kPromtool) + " check rules '" + path + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST(RuleFileTest, GoodFileParsesToItsStructure) {
  StatusOr<std::vector<RuleGroup>> groups = ParseTestFile("good/gpu.yml");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  const RuleGroup& gpu = (*groups)[0];
  EXPECT_EQ(gpu.name, "gpu");
  EXPECT_EQ(gpu.file, "good/gpu.yml");
  EXPECT_EQ(gpu.interval_ms, 30000);
  EXPECT_EQ(gpu.limit, 10);
  ASSERT_EQ(gpu.rules.size(), 2u);

  const Rule& alert = gpu.rules[0];
  EXPECT_EQ(alert.kind, Rule::Kind::kAlerting);
  EXPECT_EQ(alert.name, "GpuHot");
  EXPECT_EQ(alert.expr_text, "max_over_time(DCGM_FI_DEV_GPU_TEMP[5m]) > 85");
  ASSERT_NE(alert.expr, nullptr);
  EXPECT_EQ(promql::ToString(*alert.expr), "max_over_time(DCGM_FI_DEV_GPU_TEMP[5m]) > 85");
  EXPECT_EQ(alert.for_ms, 300000);
  EXPECT_EQ(alert.keep_firing_for_ms, 120000);
  EXPECT_EQ(alert.labels, (std::vector<tsdb::Label>{{"severity", "page"}}));
  EXPECT_EQ(alert.annotations,
            (std::vector<tsdb::Label>{
                {"summary", "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} at {{ $value }}C"}}));
  EXPECT_EQ(alert.line, 6);

  const Rule& record = gpu.rules[1];
  EXPECT_EQ(record.kind, Rule::Kind::kRecording);
  EXPECT_EQ(record.name, "job:gpu_util:avg");
  EXPECT_EQ(record.labels, (std::vector<tsdb::Label>{{"source", "recorded"}}));
  EXPECT_TRUE(record.annotations.empty());
  EXPECT_EQ(record.for_ms, 0);
  EXPECT_EQ(record.line, 14);

  const RuleGroup& scalars = (*groups)[1];
  EXPECT_EQ(scalars.name, "scalars");
  EXPECT_EQ(scalars.interval_ms, 0);
  EXPECT_EQ(scalars.limit, 0);
  ASSERT_EQ(scalars.rules.size(), 1u);
  EXPECT_EQ(promql::TypeOf(*scalars.rules[0].expr), promql::ValueType::kScalar);
}

TEST(RuleFileTest, EmptyFileAndEmptyGroupsAreValid) {
  EXPECT_THAT(ParseRuleFile("e.yml", ""),
              ::testing::Property(&StatusOr<std::vector<RuleGroup>>::ok, true));
  StatusOr<std::vector<RuleGroup>> groups = ParseTestFile("good/empty_groups.yml");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_TRUE((*groups)[0].rules.empty());
}

struct BadCase {
  const char* file;
  int line;  // 0: any line
  const char* message;
};

class BadRuleFileTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadRuleFileTest, FailsWithFileAndLine) {
  const BadCase& c = GetParam();
  std::string name = std::string("bad/") + c.file + ".yml";
  StatusOr<std::vector<RuleGroup>> groups = ParseTestFile(name);
  std::string prefix = c.line > 0 ? name + ":" + std::to_string(c.line) + ": " : name + ":";
  EXPECT_THAT(groups, StatusIs(StatusCode::kInvalidArgument, StartsWith(prefix)));
  EXPECT_THAT(groups, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)));
}

TEST_P(BadRuleFileTest, PromtoolRejectsItToo) {
  if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  EXPECT_FALSE(PromtoolAccepts(kTestdata + "/bad/" + GetParam().file + ".yml"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadRuleFileTest,
    ::testing::Values(
        BadCase{"unknown_group_key", 4, "field query_offset not found in type rulefmt.RuleGroup"},
        BadCase{"unknown_rule_key", 6, "field severity not found in type rulefmt.RuleNode"},
        BadCase{"unknown_top_key", 2, "field rules not found in type rulefmt.RuleGroups"},
        BadCase{"duplicate_group", 4, "groupname: \"g\" is repeated in the same file"},
        BadCase{"no_group_name", 2, "Groupname must not be empty"},
        BadCase{"both_alert_record", 6,
                "group \"g\", rule 2, \"A\": only one of 'record' and 'alert' must be set"},
        BadCase{"neither_alert_record", 4, "one of 'record' or 'alert' must be set"},
        BadCase{"bad_expr", 4, "\"A\": could not parse expression: 1:"},
        BadCase{"no_expr", 5, "field 'expr' must be set in rule"},
        BadCase{"bad_record_name", 4, "invalid recording rule name: gpu util"},
        BadCase{"bad_label_name", 4, "invalid label name: 1bad"},
        BadCase{"bad_annotation_name", 4, "invalid annotation name: a-b"},
        BadCase{"for_on_record", 4, "invalid field 'for' in recording rule"},
        BadCase{"keep_firing_on_record", 4, "invalid field 'keep_firing_for' in recording rule"},
        BadCase{"annotations_on_record", 4, "invalid field 'annotations' in recording rule"},
        BadCase{"bad_template", 4, "annotation \"summary\": template: 1: unclosed action"},
        BadCase{"unknown_function", 4,
                "label \"severity\": template: 1: function \"nosuch\" not defined"},
        BadCase{"bad_duration", 3, "not a valid duration string: \"5x\""},
        BadCase{"bad_for", 6, "not a valid duration string: \"1m5h\""},
        BadCase{"bad_limit", 3, "cannot unmarshal !!str `many` into int"},
        BadCase{"duplicate_key", 6, "mapping key \"expr\" already defined at line 5"},
        BadCase{"yaml_syntax", 0, "YAML syntax error"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.file); });

TEST(RuleFileTest, EveryGoodTestdataFilePassesPromtool) {
  if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  for (const auto& entry : std::filesystem::directory_iterator(kTestdata + "/good")) {
    EXPECT_TRUE(PromtoolAccepts(entry.path().string())) << entry.path();
  }
  EXPECT_TRUE(PromtoolAccepts(kTestdata + "/templates/rules.yml"));
}

TEST(RuleFileTest, RangeVectorExpressionIsRejected) {
  // promtool 2.42 accepts this file; Prometheus fails the rule at every evaluation instead.
  const char* text = "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up[5m]\n";
  EXPECT_THAT(ParseRuleFile("r.yml", text),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("r.yml:4: group \"g\", rule 1, \"r\": expression must be of type "
                                 "instant vector or scalar, got range vector")));
}

TEST(RuleFileTest, InvalidUtf8LabelValueIsRejected) {
  std::string text =
      "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      x: \"\xff\"\n";
  EXPECT_THAT(ParseRuleFile("u.yml", text),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("u.yml:4: ")));
}

TEST(LoadRuleFilesTest, ExpandsGlobsRelativeToBaseDirInSortedOrder) {
  StatusOr<std::vector<RuleGroup>> groups =
      LoadRuleFiles({"good/*.yml", "nothing/*.yml"}, kTestdata);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 3u);
  EXPECT_EQ((*groups)[0].name, "nothing-yet");  // empty_groups.yml sorts before gpu.yml
  EXPECT_EQ((*groups)[0].file, kTestdata + "/good/empty_groups.yml");
  EXPECT_EQ((*groups)[1].name, "gpu");
  EXPECT_EQ((*groups)[2].name, "scalars");
}

TEST(LoadRuleFilesTest, AbsoluteGlobIgnoresBaseDirAndErrorsPropagate) {
  EXPECT_THAT(LoadRuleFiles({kTestdata + "/bad/no_expr.yml"}, "/nonexistent"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad/no_expr.yml:5: ")));
  StatusOr<std::vector<RuleGroup>> none = LoadRuleFiles({"*.nothing"}, kTestdata);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(CheckRulesMainTest, PrintsLikePromtoolAndReturnsItsCode) {
  std::string good = kTestdata + "/good/gpu.yml";
  std::string bad = kTestdata + "/bad/for_on_record.yml";
  const char* argv_good[] = {"check-rules", good.c_str()};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(CheckRulesMain(2, argv_good), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "Checking " + good + "\n  SUCCESS: 3 rules found\n\n");

  const char* argv_both[] = {"check-rules", good.c_str(), bad.c_str()};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(CheckRulesMain(3, argv_both), 1);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "Checking " + good + "\n  SUCCESS: 3 rules found\n\nChecking " + bad + "\n");
  EXPECT_THAT(
      ::testing::internal::GetCapturedStderr(),
      StartsWith("  FAILED:\n" + bad + ":4: group \"g\", rule 1, \"r\": invalid field 'for'"));

  const char* argv_missing[] = {"check-rules", "/nonexistent.yml"};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(CheckRulesMain(2, argv_missing), 1);
  ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("/nonexistent.yml"));
}

}  // namespace
}  // namespace gw::rules
