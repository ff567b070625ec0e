#include "tsdb/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tsdb/test_util.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::HasSubstr;

TEST(LabelsTest, SortsByNameAndDropsEmptyValues) {
  const Labels l{{"zone", "a"}, {"__name__", "up"}, {"empty", ""}, {"job", "x"}};
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].name, "__name__");
  EXPECT_EQ(l[1].name, "job");
  EXPECT_EQ(l[2].name, "zone");
  EXPECT_EQ(l.Get("job"), "x");
  EXPECT_EQ(l.Get("empty"), "");
  EXPECT_EQ(l.Get("missing"), "");
}

TEST(LabelsTest, FromPairsRejectsEmptyAndDuplicateNames) {
  EXPECT_THAT(Labels::FromPairs({{"a", "1"}, {"", "2"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty name")));
  EXPECT_THAT(Labels::FromPairs({{"a", "1"}, {"b", "2"}, {"a", "3"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"a\" appears twice")));
  StatusOr<Labels> ok = Labels::FromPairs({{"b", "2"}, {"a", "1"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (Labels{{"a", "1"}, {"b", "2"}}));
}

TEST(LabelsTest, CanonicalStringEscapesValues) {
  const Labels l{{"__name__", "up"}, {"path", "C:\\x"}, {"msg", "say \"hi\"\nbye"}};
  EXPECT_EQ(l.ToString(), R"({__name__="up", msg="say \"hi\"\nbye", path="C:\\x"})");
  EXPECT_EQ(Labels().ToString(), "{}");
}

TEST(LabelsTest, HashIsStableAndSeparatesFields) {
  // FNV-1a 64 of "a\xff" "b\xff": pinned, because the hash may be persisted.
  EXPECT_EQ((Labels{{"a", "b"}}).Hash(), 0xd2b371819297f98aULL);
  EXPECT_EQ(Labels().Hash(), 0xcbf29ce484222325ULL);
  EXPECT_NE((Labels{{"a", "bc"}}).Hash(), (Labels{{"ab", "c"}}).Hash());
  EXPECT_EQ((Labels{{"x", "1"}, {"y", "2"}}).Hash(), (Labels{{"y", "2"}, {"x", "1"}}).Hash());
}

TEST(SymbolTableTest, InternsOnceAndReleasesWhenUnreferenced) {
  SymbolTable t;
  const SymbolTable::Id a = t.Intern("gpu");
  const SymbolTable::Id b = t.Intern(std::string("gpu"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(t.Lookup(a), "gpu");
  EXPECT_EQ(t.size(), 1u);
  t.Release(a);
  EXPECT_EQ(t.Find("gpu"), a);  // one reference left
  t.Release(b);
  EXPECT_EQ(t.Find("gpu"), std::nullopt);
  EXPECT_EQ(t.size(), 0u);
  const SymbolTable::Id c = t.Intern("node");
  EXPECT_EQ(c, a);  // the freed id is reused
  EXPECT_EQ(t.Lookup(c), "node");
}

TEST(SymbolTableTest, ViewsStayValidWhileTheTableGrows) {
  SymbolTable t;
  const SymbolTable::Id first = t.Intern("short");  // small-string storage inside the entry
  const std::string_view view = t.Lookup(first);
  for (int i = 0; i < 10000; ++i) t.Intern("s" + std::to_string(i));
  EXPECT_EQ(view, "short");
  EXPECT_EQ(view.data(), t.Lookup(first).data());
}

TEST(SymbolTableTest, ConcurrentInternsAgreeOnIds) {
  SymbolTable t;
  std::vector<std::vector<SymbolTable::Id>> ids(4);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&t, &ids, k] {
      for (int i = 0; i < 2000; ++i) ids[k].push_back(t.Intern("v" + std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  for (int k = 1; k < 4; ++k) EXPECT_EQ(ids[k], ids[0]);
  EXPECT_EQ(t.size(), 2000u);
  EXPECT_EQ(std::set<SymbolTable::Id>(ids[0].begin(), ids[0].end()).size(), 2000u);
}

}  // namespace
}  // namespace gw::tsdb
