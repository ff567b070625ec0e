#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "slurm/slurm_types.h"

namespace gw::slurm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> MustExpand(std::string_view list) {
  auto hosts = ExpandHostList(list);
  EXPECT_TRUE(hosts.ok()) << list << ": " << hosts.status().ToString();
  return hosts.value_or({});
}

TEST(ExpandHostListTest, RangesAndPlainNames) {
  EXPECT_THAT(MustExpand("gpu[1-3],cpu1"), ElementsAre("gpu1", "gpu2", "gpu3", "cpu1"));
  EXPECT_THAT(MustExpand("gpu1"), ElementsAre("gpu1"));
  EXPECT_THAT(MustExpand(""), IsEmpty());
  EXPECT_THAT(MustExpand("gpu[7]"), ElementsAre("gpu7"));
}

TEST(ExpandHostListTest, KeepsZeroPaddingOfTheLowEnd) {
  EXPECT_THAT(MustExpand("n[01-03]"), ElementsAre("n01", "n02", "n03"));
  EXPECT_THAT(MustExpand("n[08-10]"), ElementsAre("n08", "n09", "n10"));
  EXPECT_THAT(MustExpand("n[8-10]"), ElementsAre("n8", "n9", "n10"));
}

TEST(ExpandHostListTest, ListsInBracketsSuffixesAndSeveralGroups) {
  EXPECT_THAT(MustExpand("a[1,3-4]b"), ElementsAre("a1b", "a3b", "a4b"));
  EXPECT_THAT(MustExpand("gpu-node-[05-06],gpu7"),
              ElementsAre("gpu-node-05", "gpu-node-06", "gpu7"));
  EXPECT_THAT(MustExpand("r[1-2]n[1-2]"), ElementsAre("r1n1", "r1n2", "r2n1", "r2n2"));
}

void ExpectError(std::string_view list, std::string_view expected) {
  auto hosts = ExpandHostList(list);
  ASSERT_FALSE(hosts.ok()) << list;
  EXPECT_EQ(hosts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hosts.status().message(), expected);
}

TEST(ExpandHostListTest, ErrorsSayWhatIsWrong) {
  ExpectError("gpu[1-", "host list \"gpu[1-\": '[' is not closed (expected e.g. \"gpu[1-3]\")");
  ExpectError("gpu[3-1]", "host list \"gpu[3-1]\": range \"3-1\" runs backwards");
  ExpectError("gpu[]", "host list \"gpu[]\": empty brackets \"[]\" (expected e.g. \"gpu[1-3]\")");
  ExpectError("gpu[a-b]",
              "host list \"gpu[a-b]\": range \"a-b\" is not \"N\" or \"N-M\" with "
              "decimal N, M");
  ExpectError("gpu1]", "host list \"gpu1]\": ']' without a matching '['");
  ExpectError("gpu[1[2]]",
              "host list \"gpu[1[2]]\": '[' is not closed (expected e.g. "
              "\"gpu[1-3]\")");
  ExpectError("a,,b", "host list \"a,,b\": empty host name between commas");
}

TEST(ExpandHostListTest, RefusesMoreThan100000Hosts) {
  ExpectError("n[0-100000]", "host list \"n[0-100000]\": expands to more than 100000 hosts");
  ExpectError("a[0-999]b[0-999]",
              "host list \"a[0-999]b[0-999]\": expands to more than 100000 hosts");
  ExpectError("n[0-99999999999999999999]",
              "host list \"n[0-99999999999999999999]\": range \"0-99999999999999999999\" is not "
              "\"N\" or \"N-M\" with decimal N, M");
  EXPECT_EQ(MustExpand("n[1-100000]").size(), 100000u);
  EXPECT_FALSE(ExpandHostList("n[1-100000],x").ok());
}

}  // namespace
}  // namespace gw::slurm
