// Label selection: Prometheus' matcher semantics, and the index against a brute-force filter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "tsdb/head.h"

namespace gw::tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Matcher M(MatchType type, std::string name, std::string value) {
  StatusOr<Matcher> m = Matcher::Create(type, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *std::move(m);
}

class SelectTest : public ::testing::Test {
 protected:
  SelectTest() {
    a_ = Create({{"__name__", "gpu_util"}, {"node", "n1"}, {"gpu", "0"}});
    b_ = Create({{"__name__", "gpu_util"}, {"node", "n1"}, {"gpu", "1"}});
    c_ = Create({{"__name__", "gpu_util"}, {"node", "n2"}, {"gpu", "0"}, {"job", "42"}});
    d_ = Create({{"__name__", "node_load"}, {"node", "n2"}});
  }
  SeriesRef Create(const Labels& l) { return head_.GetOrCreate(l).value_or(0); }
  std::vector<SeriesRef> Select(const std::vector<Matcher>& m) { return head_.Select(m); }

  Head head_;
  SeriesRef a_, b_, c_, d_;
};

TEST_F(SelectTest, EqualIntersects) {
  EXPECT_THAT(
      Select({M(MatchType::kEqual, "__name__", "gpu_util"), M(MatchType::kEqual, "gpu", "0")}),
      ElementsAre(a_, c_));
  EXPECT_THAT(Select({M(MatchType::kEqual, "node", "n3")}), IsEmpty());
  EXPECT_THAT(Select({M(MatchType::kEqual, "nolabel", "x")}), IsEmpty());
}

TEST_F(SelectTest, EmptyMatchingMatchersSelectSeriesWithoutTheLabel) {
  // job="" : series without a job label.
  EXPECT_THAT(Select({M(MatchType::kEqual, "job", "")}), ElementsAre(a_, b_, d_));
  // job!="42" also selects series with no job label.
  EXPECT_THAT(Select({M(MatchType::kNotEqual, "job", "42")}), ElementsAre(a_, b_, d_));
  // gpu=~"1|" : gpu 1 or no gpu label.
  EXPECT_THAT(Select({M(MatchType::kRegexMatch, "gpu", "1|")}), ElementsAre(b_, d_));
  // gpu!~"0" : gpu other than 0, including none.
  EXPECT_THAT(Select({M(MatchType::kRegexNoMatch, "gpu", "0")}), ElementsAre(b_, d_));
}

TEST_F(SelectTest, NonEmptyMatchersRequireTheLabel) {
  EXPECT_THAT(Select({M(MatchType::kNotEqual, "job", "")}), ElementsAre(c_));
  EXPECT_THAT(Select({M(MatchType::kRegexMatch, "job", ".+")}), ElementsAre(c_));
  EXPECT_THAT(Select({M(MatchType::kRegexMatch, "__name__", "gpu_.*"),
                      M(MatchType::kRegexNoMatch, "node", "n1")}),
              ElementsAre(c_));
}

TEST_F(SelectTest, RegexIsAnchored) {
  EXPECT_THAT(Select({M(MatchType::kRegexMatch, "__name__", "gpu")}), IsEmpty());
  EXPECT_THAT(Select({M(MatchType::kRegexMatch, "__name__", "node_.*")}), ElementsAre(d_));
}

TEST_F(SelectTest, NoMatchersSelectNothing) { EXPECT_THAT(Select({}), IsEmpty()); }

// Random label sets and matchers; the index must agree with filtering every series.
TEST(HeadIndexPropertyTest, AgreesWithBruteForce) {
  std::mt19937 rng(99);
  const std::vector<std::string> names = {"__name__", "node", "gpu", "job", "user"};
  auto value = [&rng] { return std::string(1, static_cast<char>('a' + rng() % 4)); };
  Head head;
  std::map<SeriesRef, Labels> all;
  for (int i = 0; i < 2000; ++i) {
    std::vector<Label> pairs;
    for (const std::string& n : names) {
      if (rng() % 3 != 0) pairs.push_back({n, value()});
    }
    StatusOr<Labels> labels = Labels::FromPairs(pairs);
    ASSERT_TRUE(labels.ok());
    if (labels->empty()) continue;
    StatusOr<SeriesRef> ref = head.GetOrCreate(*labels);
    ASSERT_TRUE(ref.ok());
    all[*ref] = *labels;
  }
  const std::vector<std::string> regexes = {"a|b", ".*", "", "c.*", "a|", ".+", "[bd]"};
  for (int round = 0; round < 500; ++round) {
    std::vector<Matcher> matchers;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) {
      const auto type = static_cast<MatchType>(rng() % 4);
      const bool regex = type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch;
      const std::string v =
          regex ? regexes[rng() % regexes.size()] : (rng() % 5 == 0 ? "" : value());
      matchers.push_back(M(type, names[rng() % names.size()], v));
    }
    std::vector<SeriesRef> want;
    for (const auto& [ref, labels] : all) {
      bool ok = true;
      for (const Matcher& m : matchers) ok = ok && m.Matches(labels.Get(m.name()));
      if (ok) want.push_back(ref);
    }
    std::string desc;
    for (const Matcher& m : matchers) desc += m.ToString() + " ";
    ASSERT_EQ(head.Select(matchers), want) << desc;
  }
}

}  // namespace
}  // namespace gw::tsdb
