#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

#include "slurm/slurm_types.h"

namespace gw::slurm {

// Readable failure messages for GresEntry.
void PrintTo(const GresEntry& e, std::ostream* os) {
  *os << "{" << e.name << ", " << e.type << ", " << e.count << ", [";
  for (int i : e.indices) *os << i << " ";
  *os << "]}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

GresEntry Entry(std::string name, std::string type, int64_t count, std::vector<int> indices = {}) {
  return GresEntry{std::move(name), std::move(type), count, std::move(indices)};
}

std::vector<GresEntry> MustParse(std::string_view text) {
  auto gres = ParseGres(text);
  EXPECT_TRUE(gres.ok()) << text << ": " << gres.status().ToString();
  return gres.value_or({});
}

TEST(ParseGresTest, TypedUntypedAndBare) {
  EXPECT_THAT(MustParse("gpu:a100:2"), ElementsAre(Entry("gpu", "a100", 2)));
  EXPECT_THAT(MustParse("gpu:2"), ElementsAre(Entry("gpu", "", 2)));
  EXPECT_THAT(MustParse("gpu"), ElementsAre(Entry("gpu", "", 1)));
  EXPECT_THAT(MustParse("gpu:a100"), ElementsAre(Entry("gpu", "a100", 1)));
}

TEST(ParseGresTest, EmptyForms) {
  EXPECT_THAT(MustParse("(null)"), IsEmpty());
  EXPECT_THAT(MustParse(""), IsEmpty());
  EXPECT_THAT(MustParse("N/A"), IsEmpty());
  EXPECT_THAT(MustParse("  "), IsEmpty());
}

TEST(ParseGresTest, IndicesAndNullType) {
  EXPECT_THAT(MustParse("gpu:(null):3(IDX:0-7)"),
              ElementsAre(Entry("gpu", "", 3, {0, 1, 2, 3, 4, 5, 6, 7})));
  EXPECT_THAT(MustParse("gpu:a100:0(IDX:N/A)"), ElementsAre(Entry("gpu", "a100", 0)));
  EXPECT_THAT(MustParse("gpu:3(IDX:0-1,3)"), ElementsAre(Entry("gpu", "", 3, {0, 1, 3})));
  EXPECT_THAT(MustParse("gpu(IDX:2)"), ElementsAre(Entry("gpu", "", 1, {2})));
}

TEST(ParseGresTest, CommasInsideParenthesesDoNotSplit) {
  EXPECT_THAT(MustParse("gpu:A30:4(S:0-1),gpu:Q6K:4(S:0-1)"),
              ElementsAre(Entry("gpu", "A30", 4), Entry("gpu", "Q6K", 4)));
  EXPECT_THAT(MustParse("gpu:a100:1(IDX:0,2),gpu:v100:1(IDX:3)"),
              ElementsAre(Entry("gpu", "a100", 1, {0, 2}), Entry("gpu", "v100", 1, {3})));
}

TEST(ParseGresTest, MigTypeNames) {
  EXPECT_THAT(MustParse("gpu:nvidia_a100_1g.5gb:21(S:0-1)"),
              ElementsAre(Entry("gpu", "nvidia_a100_1g.5gb", 21)));
  EXPECT_THAT(MustParse("gpu:1g.5gb:3(IDX:0-2)"),
              ElementsAre(Entry("gpu", "1g.5gb", 3, {0, 1, 2})));
}

TEST(ParseGresTest, NonGpuGresIsKeptButNotCounted) {
  auto gres = MustParse("gpu:a100:2(S:0),shard:8,mps:100");
  EXPECT_THAT(gres,
              ElementsAre(Entry("gpu", "a100", 2), Entry("shard", "", 8), Entry("mps", "", 100)));
  EXPECT_EQ(GpuCount(gres), 2);
}

TEST(ParseGresTest, CountSuffixesAreBinary) {
  EXPECT_THAT(MustParse("bandwidth:lustre:4K"), ElementsAre(Entry("bandwidth", "lustre", 4096)));
  EXPECT_THAT(MustParse("mps:2M"), ElementsAre(Entry("mps", "", 2 << 20)));
}

TEST(ParseGresTest, TresPerNodeForms) {
  EXPECT_THAT(MustParse("gres:gpu:1"), ElementsAre(Entry("gpu", "", 1)));
  EXPECT_THAT(MustParse("gres/gpu:2"), ElementsAre(Entry("gpu", "", 2)));
  EXPECT_THAT(MustParse("gres:gpu:a100:1"), ElementsAre(Entry("gpu", "a100", 1)));
  EXPECT_THAT(MustParse("gres:gpu:1,gres:shard:2"),
              ElementsAre(Entry("gpu", "", 1), Entry("shard", "", 2)));
}

TEST(ParseGresTest, GpuCountAndIndicesSumOverTypes) {
  auto gres = MustParse("gpu:a100:2(IDX:2-3),gpu:v100:1(IDX:0),shard:4(IDX:1)");
  EXPECT_EQ(GpuCount(gres), 3);
  EXPECT_THAT(GpuIndices(gres), ElementsAre(0, 2, 3));
  EXPECT_EQ(GpuCount({}), 0);
  EXPECT_THAT(GpuIndices({}), IsEmpty());
}

TEST(ParseGresTest, GpuCountSaturatesInsteadOfOverflowing) {
  auto gres = MustParse("gpu:9000000000000000000,gpu:9000000000000000000");
  EXPECT_EQ(GpuCount(gres), INT64_MAX);
}

void ExpectError(std::string_view text, std::string_view expected) {
  auto gres = ParseGres(text);
  ASSERT_FALSE(gres.ok()) << text;
  EXPECT_EQ(gres.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(gres.status().message(), expected);
}

TEST(ParseGresTest, ErrorsNameTheEntryAndTheProblem) {
  ExpectError("gpu:a100:2x",
              "GRES entry \"gpu:a100:2x\" in \"gpu:a100:2x\": count \"2x\" is not "
              "a non-negative integer");
  ExpectError("gpu:2,:3",
              "GRES entry \":3\" in \"gpu:2,:3\": name \"\" is empty or has "
              "characters other than letters, digits and \"_.-+\"");
  ExpectError("gpu:a:b:1",
              "GRES entry \"gpu:a:b:1\" in \"gpu:a:b:1\": more than three "
              "':'-separated parts (expected name[:type][:count])");
  ExpectError("gpu:2(IDX:0-1",
              "GRES entry \"gpu:2(IDX:0-1\" in \"gpu:2(IDX:0-1\": '(' must be "
              "closed by a single ')' at the end of the entry");
  ExpectError("gpu:2(IDX:1-0)",
              "GRES entry \"gpu:2(IDX:1-0)\" in \"gpu:2(IDX:1-0)\": index list "
              "\"1-0\" is not \"N/A\" or ranges like \"0-1,3\" of indices up to "
              "65535");
  ExpectError("gpu::2",
              "GRES entry \"gpu::2\" in \"gpu::2\": type \"\" is empty or has "
              "characters other than letters, digits and \"_.-+\"");
}

TEST(ParseGresTest, RejectsHugeIndexRangesAndTrailingText) {
  EXPECT_THAT(ParseGres("gpu:1(IDX:0-99999999)").status().message(), HasSubstr("index list"));
  EXPECT_THAT(ParseGres("gpu:1(IDX:0)x").status().message(), HasSubstr("closed by a single"));
  EXPECT_THAT(ParseGres("gpu:1,").status().message(), HasSubstr("name \"\""));
}

}  // namespace
}  // namespace gw::slurm
