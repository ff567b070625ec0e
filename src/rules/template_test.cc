#include "rules/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/status_matchers.h"
#include "rules/rule_file.h"

namespace gw::rules {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;

// A std::string for the `kTestdata + "/..."` below; should it throw before main(), the test
// binary ends, which is the right outcome for a test.
const std::string kTestdata = GW_RULES_TESTDATA;  // NOLINT(cert-err58-cpp)
constexpr const char* kPromtool = "/usr/bin/promtool";

TemplateData Data() {
  TemplateData d;
  d.labels = tsdb::Labels{{"gpu", "0"}, {"instance", "node1:9100"}};
  d.value = 92.5;
  d.external_labels = tsdb::Labels{{"cluster", "c1"}};
  d.external_url = "http://prom.example:9090/prefix";
  return d;
}

std::string Expand(std::string_view text, const TemplateData& data = Data()) {
  StatusOr<std::string> out = ExpandTemplate(text, data);
  return out.ok() ? *out : "ERROR: " + out.status().message();
}

// testdata/templates: a rule file and the `promtool test rules` file whose exp_annotations are
// Prometheus 2.42's own expansions of it. Every annotation and label must expand the same here.
TEST(TemplateGroundTruthTest, ExpandsAsPrometheusDoes) {
  std::ifstream in(kTestdata + "/templates/rules.yml");
  std::ostringstream text;
  text << in.rdbuf();
  StatusOr<std::vector<RuleGroup>> groups = ParseRuleFile("rules.yml", text.str());
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  const Rule& rule = (*groups)[0].rules[0];

  YAML::Node test = YAML::LoadFile(kTestdata + "/templates/test.yml")["tests"][0];
  const YAML::Node expected = test["alert_rule_test"][0]["exp_alerts"];
  ASSERT_EQ(expected.size(), 2u);
  const double values[] = {92.5, 85};  // the input series' values, in order
  for (size_t i = 0; i < expected.size(); ++i) {
    TemplateData data;
    data.value = values[i];
    data.external_labels =
        tsdb::Labels{{"cluster", test["external_labels"]["cluster"].as<std::string>()}};
    data.external_url = test["external_url"].as<std::string>();
    std::vector<tsdb::Label> labels = {{"__name__", "gpu_temp"}};
    for (const auto& l : expected[i]["exp_labels"]) {
      if (l.first.as<std::string>() != "severity")
        labels.push_back({l.first.as<std::string>(), l.second.as<std::string>()});
    }
    data.labels = *tsdb::Labels::FromPairs(labels);
    for (const tsdb::Label& a : rule.annotations) {
      EXPECT_EQ(Expand(a.value, data), expected[i]["exp_annotations"][a.name].as<std::string>())
          << "annotation " << a.name << " of alert " << i;
    }
    EXPECT_EQ(Expand(rule.labels[0].value, data),
              expected[i]["exp_labels"]["severity"].as<std::string>());
  }
}

TEST(TemplateGroundTruthTest, PromtoolAgreesWithTheTestFile) {
  if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  std::string cmd =
      "cd '" + kTestdata + "/templates' && " + kPromtool + " test rules test.yml >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(TemplateTest, TextWithoutActionsIsUnchanged) {
  EXPECT_EQ(Expand("GPU is hot }} {"), "GPU is hot }} {");
  EXPECT_EQ(Expand(""), "");
}

TEST(TemplateTest, ValuesAndLabels) {
  EXPECT_EQ(Expand("{{ $value }}"), "92.5");
  EXPECT_EQ(Expand("{{ .Value }} {{ .Labels.gpu }} {{ .ExternalURL }}"),
            "92.5 0 http://prom.example:9090/prefix");
  TemplateData big = Data();
  big.value = 1e6;
  EXPECT_EQ(Expand("{{ $value }}", big), "1e+06");
  big.value = 85;
  EXPECT_EQ(Expand("{{ $value }}", big), "85");
  EXPECT_EQ(Expand("[{{ $labels.missing }}]"), "[]");  // a map[string]string: missing is ""
  EXPECT_EQ(Expand("{{ $externalLabels.cluster }}"), "c1");
}

TEST(TemplateTest, HumanizeFunctions) {
  EXPECT_EQ(Expand("{{ humanize 1234 }}"), "1.234k");
  EXPECT_EQ(Expand("{{ humanize \"1e3\" }}"), "1k");  // strings are parsed, as Prometheus does
  EXPECT_EQ(Expand("{{ humanize1024 1536 }}"), "1.5ki");
  EXPECT_EQ(Expand("{{ humanizePercentage 0.1234 }}"), "12.34%");
  EXPECT_EQ(Expand("{{ humanizeDuration 3723 }}"), "1h 2m 3s");
  EXPECT_EQ(Expand("{{ humanizeDuration \"90\" }}"), "1m 30s");
  EXPECT_EQ(Expand("{{ humanize1024 \"Inf\" }}"), "+Inf");
}

TEST(TemplateTest, PrintfVerbs) {
  EXPECT_EQ(Expand("{{ printf \"%.2f\" $value }}"), "92.50");
  EXPECT_EQ(Expand("{{ printf \"%d|%5d|%-3d|\" 7 42 1 }}"), "7|   42|1  |");
  EXPECT_EQ(Expand("{{ printf \"%s %v %v\" \"a\" 0.5 true }}"), "a 0.5 true");
  EXPECT_EQ(Expand("{{ printf \"%d\" \"x\" }}"), "%!d(string=x)");
  EXPECT_EQ(Expand("{{ printf \"100%%\" }}"), "100%");
}

TEST(TemplateTest, Errors) {
  EXPECT_THAT(ExpandTemplate("{{ if gt $value 80 }}x{{ end }}", Data()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("error calling gt: incompatible types for comparison")));
  EXPECT_EQ(Expand("{{ if gt $value 80.0 }}hot{{ end }}"), "hot");
  EXPECT_THAT(ExpandTemplate("{{ humanize 1 2 }}", Data()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("wrong number of args for humanize: want 1 got 2")));
  EXPECT_THAT(ExpandTemplate("{{ humanize \"x\" }}", Data()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("strconv.ParseFloat: parsing \"x\": invalid syntax")));
  EXPECT_THAT(ExpandTemplate("{{ humanize true }}", Data()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("can't convert bool to float")));
  EXPECT_THAT(
      ExpandTemplate("{{ $labels.gpu.x }}", Data()),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("can't evaluate field x in type string")));
  EXPECT_THAT(ExpandTemplate("{{ reReplaceAll \"(\" \"\" \"x\" }}", Data()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("error calling reReplaceAll")));
  EXPECT_THAT(ExpandTemplate("{{ query \"up\" }}", Data()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("query is not supported")));
}

struct ParseErrorCase {
  const char* text;
  const char* message;
};

class TemplateParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(TemplateParseErrorTest, IsRejected) {
  EXPECT_THAT(CheckTemplate(GetParam().text),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
  EXPECT_THAT(ExpandTemplate(GetParam().text, Data()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TemplateParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"{{ nosuch 1 }}", "template: 1: function \"nosuch\" not defined"},
        ParseErrorCase{"a\n{{ $nope }}", "template: 2: undefined variable \"$nope\""},
        ParseErrorCase{"{{ $labels.gpu", "unclosed action"},
        ParseErrorCase{"{{ if true }}x", "unexpected EOF"},
        ParseErrorCase{"x{{ end }}", "unexpected {{end}}"},
        ParseErrorCase{"{{ }}", "missing value for command"},
        ParseErrorCase{"{{ if }}x{{ end }}", "missing value for if"},
        ParseErrorCase{"{{ break }}", "{{break}} outside {{range}}"},
        ParseErrorCase{"{{/* x */ }}", "comment ends before closing delimiter"},
        ParseErrorCase{"{{ if true }}{{ $y := 3 }}{{ end }}{{ $y }}", "undefined variable \"$y\""},
        ParseErrorCase{"{{/* x", "unclosed comment"},
        ParseErrorCase{"{{ \"abc }}", "unterminated quoted string"},
        ParseErrorCase{"{{ 1 | 2 }}", "non executable command in pipeline stage 2"},
        ParseErrorCase{"{{ if 1 }}{{ else }}{{ else }}{{ end }}", "expected end; found {{else}}"},
        ParseErrorCase{"{{ template \"x\" }}", "not supported"}));

TEST(TemplateTest, CheckAcceptsWhatPromtoolAccepts) {
  for (const char* ok :
       {"{{ query \"up\" | first | value }}", "{{ toTime 1 }}", "{{/* c */}}", "{{- /* c */ -}}",
        "{{ range $i, $v := $labels }}{{ break }}{{ end }}", "{{ with $x := 1 }}{{ $x }}{{ end }}",
        "{{ -3 }}", "{{ (len $labels) }}"}) {
    EXPECT_TRUE(CheckTemplate(ok).ok()) << ok << ": " << CheckTemplate(ok).ToString();
  }
}

TEST(TemplateTest, ControlFlowAndVariables) {
  EXPECT_EQ(Expand("{{ range $k, $v := $labels }}{{ if eq $k \"instance\" }}{{ break }}{{ end }}{{ "
                   "$k }}={{ $v }} {{ end }}"),
            "gpu=0 ");
  EXPECT_EQ(Expand("{{ range .ExternalURL }}x{{ end }}"),
            "ERROR: template: 1: range can't iterate over http://prom.example:9090/prefix");
  EXPECT_EQ(Expand("{{ range $labels.missing }}x{{ else }}empty{{ end }}"),
            "ERROR: template: 1: range can't iterate over ");
  EXPECT_EQ(Expand("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}"), "2");
  EXPECT_EQ(Expand("{{ with $labels }}{{ .gpu }}{{ end }}"), "0");
  EXPECT_EQ(Expand("a \n {{- 1 }} \n b"), "a1 \n b");
  EXPECT_EQ(Expand("{{ externalURL }} {{ pathPrefix }}"),
            "http://prom.example:9090/prefix /prefix");
  EXPECT_EQ(Expand("{{ reReplaceAll \"(?P<host>[^:]+):.*\" \"${host}!\" .Labels.instance }}"),
            "node1!");
}

}  // namespace
}  // namespace gw::rules
