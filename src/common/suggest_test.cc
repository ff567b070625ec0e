#include "common/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace gw {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("scrape_interval", "scrape_intervall"), 1u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(SuggestTest, ClosestMatchOnlyForLikelyTypos) {
  constexpr std::array<std::string_view, 3> kKeys = {"scrape_interval", "scrape_timeout",
                                                     "metrics_path"};
  EXPECT_EQ(ClosestMatch("scrape_intervl", kKeys), "scrape_interval");
  EXPECT_EQ(ClosestMatch("metric_path", kKeys), "metrics_path");
  EXPECT_EQ(ClosestMatch("completely_else", kKeys), "");
  EXPECT_EQ(ClosestMatch("ab", std::array<std::string_view, 1>{"xyz"}, 3), "xyz");
  EXPECT_EQ(ClosestMatch("ab", std::array<std::string_view, 1>{"xyz"}, 2), "");
}

}  // namespace
}  // namespace gw
