#include "tsdb/ref_table.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace gw::tsdb {
namespace {

// Random inserts, lookups and erases against std::unordered_map as the reference; refs have the
// head's shape (id << 6 | shard) and collide in their home slots often at this size.
TEST(RefTableTest, AgreesWithAnUnorderedMap) {
  RefTable<int> table;
  std::unordered_map<SeriesRef, int> truth;
  std::mt19937_64 rng(7);
  for (int step = 0; step < 200'000; ++step) {
    const SeriesRef ref = ((rng() % 3000 + 1) << 6) | (rng() % 4);
    const int op = static_cast<int>(rng() % 3);
    if (op == 0 && !truth.contains(ref)) {
      table.Insert(ref, std::make_unique<int>(step));
      truth[ref] = step;
    } else if (op == 1) {
      EXPECT_EQ(table.Erase(ref), truth.erase(ref) == 1) << ref;
    }
    const int* found = table.Find(ref);
    auto it = truth.find(ref);
    ASSERT_EQ(found != nullptr, it != truth.end()) << "step " << step << " ref " << ref;
    if (found != nullptr) {
      EXPECT_EQ(*found, it->second);
    }
    ASSERT_EQ(table.size(), truth.size());
  }
  size_t visited = 0;
  table.ForEach([&](SeriesRef ref, int& value) {
    ++visited;
    EXPECT_EQ(truth.at(ref), value);
  });
  EXPECT_EQ(visited, truth.size());
}

TEST(RefTableTest, EmptyTableFindsNothing) {
  RefTable<int> table;
  EXPECT_EQ(table.Find(64), nullptr);
  EXPECT_FALSE(table.Erase(64));
  EXPECT_EQ(table.size(), 0U);
}

TEST(RefTableTest, ErasingEveryEntryLeavesItEmptyAndUsable) {
  RefTable<int> table;
  for (SeriesRef id = 1; id <= 1000; ++id) table.Insert(id << 6, std::make_unique<int>(id));
  for (SeriesRef id = 1; id <= 1000; id += 2) ASSERT_TRUE(table.Erase(id << 6));
  for (SeriesRef id = 2; id <= 1000; id += 2) ASSERT_NE(table.Find(id << 6), nullptr) << id;
  for (SeriesRef id = 2; id <= 1000; id += 2) ASSERT_TRUE(table.Erase(id << 6));
  EXPECT_EQ(table.size(), 0U);
  table.Insert(64, std::make_unique<int>(1));
  EXPECT_EQ(*table.Find(64), 1);
}

}  // namespace
}  // namespace gw::tsdb
