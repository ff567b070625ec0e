#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "slurm/commands.h"
#include "slurm/testdata_util.h"

namespace gw::slurm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ReadTestdata;

std::vector<Node> MustParse(std::string_view text) {
  auto nodes = ParseSinfo(text);
  EXPECT_TRUE(nodes.ok()) << nodes.status().ToString();
  return nodes.value_or({});
}

const Node& Find(const std::vector<Node>& nodes, std::string_view name) {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == name; });
  if (it == nodes.end()) {
    ADD_FAILURE() << "no node " << name;
    static const Node kNone;
    return kNone;
  }
  return *it;
}

TEST(SinfoArgsTest, IsTheDocumentedCommandLine) {
  EXPECT_THAT(SinfoArgs("/usr/bin/sinfo"),
              ElementsAre("/usr/bin/sinfo", "-h", "-a", "-N", "-O",
                          "NodeList:|,NodeAddr:|,Partition:|,StateComplete:|,CPUsState:|,"
                          "Memory:|,AllocMem:|,Gres:|,GresUsed:|,Reason:|"));
}

TEST(ParseSinfoTest, NodeAddrIsTheAddressAndDefaultsToTheName) {
  auto nodes = MustParse(ReadTestdata("sinfo_22.05.txt"));
  EXPECT_EQ(Find(nodes, "gpu-node-01").address, "10.20.0.1");
  EXPECT_EQ(Find(nodes, "gpu-node-04").address, "10.20.0.4");
  EXPECT_EQ(Find(nodes, "a100-compute-node-rack12-chassis04-slot07").address,
            "a100-compute-node-rack12-chassis04-slot07.ib.cluster.example");
  EXPECT_EQ(Find(nodes, "cpu-node-07").address, "cpu-node-07");
  auto unset = MustParse("n1||gpu|idle|0/8/0/8|1|0|(null)|gpu:0|none|\n"
                         "n2|(null)|gpu|idle|0/8/0/8|1|0|(null)|gpu:0|none|\n");
  ASSERT_EQ(unset.size(), 2u);
  EXPECT_EQ(unset[0].address, "n1");
  EXPECT_EQ(unset[1].address, "n2");
}

// The column layout before NodeAddr (9 fields, CPUsState 4th) is still read: the real captures
// in testdata/real-22.05 were taken with it.
TEST(ParseSinfoTest, LegacyLayoutWithoutNodeAddrUsesTheNameAsAddress) {
  auto nodes = MustParse("n1|gpu*|idle|0/8/0/8|64000|0|gpu:a100:2|gpu:a100:0(IDX:N/A)|a|b|\n"
                         "n2|127.0.1.2|gpu*|idle|0/8/0/8|64000|0|gpu:a100:2|gpu:0|a|b|\n");
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].address, "n1");
  EXPECT_EQ(nodes[0].cpus_total, 8);
  EXPECT_EQ(nodes[0].reason, "a|b");
  EXPECT_EQ(nodes[1].address, "127.0.1.2");
  EXPECT_THAT(nodes[1].partitions, ElementsAre("gpu"));
  EXPECT_EQ(nodes[1].reason, "a|b");
}

TEST(ParseSinfoTest, MergesPartitionsOfOneNodeAndStripsTheDefaultMark) {
  auto nodes = MustParse(ReadTestdata("sinfo_22.05.txt"));
  ASSERT_EQ(nodes.size(), 15u);
  const Node& n = nodes[0];
  EXPECT_EQ(n.name, "gpu-node-01");
  EXPECT_THAT(n.partitions, ElementsAre("gpu", "debug"));
  EXPECT_EQ(n.state, "mixed");
  EXPECT_EQ(n.state_text, "mixed");
  EXPECT_FALSE(n.drain);
  EXPECT_EQ(n.cpus_alloc, 8);
  EXPECT_EQ(n.cpus_idle, 8);
  EXPECT_EQ(n.cpus_other, 0);
  EXPECT_EQ(n.cpus_total, 16);
  EXPECT_EQ(n.memory_mb, 257000);
  EXPECT_EQ(n.memory_alloc_mb, 64000);
  EXPECT_EQ(GpuCount(n.gres), 4);
  EXPECT_EQ(GpuCount(n.gres_used), 2);
  EXPECT_THAT(GpuIndices(n.gres_used), ElementsAre(0, 1));
  EXPECT_EQ(n.reason, "");
  EXPECT_EQ(nodes[1].name, "gpu-node-02");
}

TEST(ParseSinfoTest, StateFlags) {
  auto nodes = MustParse(ReadTestdata("sinfo_22.05.txt"));
  const Node& drained = Find(nodes, "gpu-node-02");
  EXPECT_EQ(drained.state, "idle");
  EXPECT_TRUE(drained.drain);
  EXPECT_EQ(drained.state_text, "idle+drain");
  EXPECT_EQ(drained.reason, "nvidia-smi reports ECC errors");
  const Node& draining = Find(nodes, "gpu-node-03");
  EXPECT_EQ(draining.state, "mixed");
  EXPECT_TRUE(draining.drain);
  const Node& down = Find(nodes, "gpu-node-04");
  EXPECT_EQ(down.state, "down");
  EXPECT_TRUE(down.not_responding);
  EXPECT_FALSE(down.drain);
  const Node& star = Find(nodes, "cpu-node-01");
  EXPECT_EQ(star.state, "idle");
  EXPECT_TRUE(star.not_responding);
  const Node& maint = Find(nodes, "cpu-node-02");
  EXPECT_EQ(maint.state, "idle");
  EXPECT_TRUE(maint.maintenance);
  EXPECT_TRUE(maint.reserved);
  EXPECT_EQ(Find(nodes, "cpu-node-03").state, "completing");
  EXPECT_EQ(Find(nodes, "cpu-node-04").state, "planned");
  EXPECT_EQ(Find(nodes, "cpu-node-05").state, "future");
  EXPECT_EQ(Find(nodes, "cpu-node-06").state, "unknown");
  EXPECT_TRUE(Find(nodes, "cpu-node-06").not_responding);
  EXPECT_TRUE(Find(nodes, "cpu-node-07").fail);
}

TEST(ParseSinfoTest, GresVariants) {
  auto nodes = MustParse(ReadTestdata("sinfo_22.05.txt"));
  const Node& big = Find(nodes, "a100-compute-node-rack12-chassis04-slot07");
  EXPECT_EQ(big.state, "allocated");
  EXPECT_EQ(GpuCount(big.gres), 8);
  EXPECT_THAT(GpuIndices(big.gres_used), ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
  const Node& mig = Find(nodes, "mig-node-01");
  EXPECT_EQ(mig.gres[0].type, "nvidia_a100_1g.5gb");
  EXPECT_EQ(GpuCount(mig.gres), 21);
  EXPECT_THAT(GpuIndices(mig.gres_used), ElementsAre(0, 1, 5));
  const Node& two_types = Find(nodes, "mixed-gpu-01");
  EXPECT_EQ(GpuCount(two_types.gres), 8);
  EXPECT_EQ(GpuCount(two_types.gres_used), 0);
  const Node& shard = Find(nodes, "shard-node-01");
  EXPECT_EQ(shard.gres.size(), 2u);
  EXPECT_EQ(GpuCount(shard.gres), 2);
  const Node& cpu = Find(nodes, "cpu-node-01");
  EXPECT_THAT(cpu.gres, IsEmpty());
  EXPECT_EQ(GpuCount(cpu.gres_used), 0);
  EXPECT_THAT(cpu.partitions, ElementsAre("cpu"));
}

TEST(ParseSinfoTest, ReasonMayHoldTheSeparator) {
  auto nodes = MustParse(ReadTestdata("sinfo_22.05.txt"));
  EXPECT_EQ(Find(nodes, "cpu-node-07").reason, "psu|fan failure");
}

TEST(ParseSinfoTest, LongStateForms) {
  auto nodes = MustParse(ReadTestdata("sinfo_long_states.txt"));
  ASSERT_EQ(nodes.size(), 8u);
  EXPECT_EQ(nodes[0].state, "idle");
  EXPECT_TRUE(nodes[0].drain);
  EXPECT_EQ(nodes[1].state, "mixed");
  EXPECT_TRUE(nodes[1].drain);
  EXPECT_EQ(nodes[2].state, "idle");
  EXPECT_TRUE(nodes[2].maintenance);
  EXPECT_TRUE(nodes[3].reserved);
  EXPECT_EQ(nodes[4].state, "inval");
  EXPECT_EQ(nodes[4].reason, "gres/gpu count reported lower than configured (1 < 2)");
  EXPECT_EQ(nodes[5].state, "completing");
  EXPECT_EQ(nodes[6].state, "planned");
  EXPECT_EQ(nodes[7].state, "down");
  EXPECT_TRUE(nodes[7].not_responding);
}

TEST(ParseSinfoTest, UpperCaseAndMissingTrailingBarAndBlankLinesAndCrlf) {
  auto nodes = MustParse("\n  \ngpu1|gpu*|MIXED+DRAIN|1/0/1/2|10|5|gpu:1|gpu:1(IDX:0)|x\r\n\n");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].state, "mixed");
  EXPECT_TRUE(nodes[0].drain);
  EXPECT_EQ(nodes[0].state_text, "MIXED+DRAIN");
  EXPECT_EQ(nodes[0].reason, "x");
}

TEST(ParseSinfoTest, ExpandsAggregatedNodeLists) {
  auto nodes = MustParse("gpu[1-2]|gpu|idle|0/2/0/2|10|0|gpu:1|gpu:0|none|\n");
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[1].name, "gpu2");
}

TEST(ParseSinfoTest, EmptyInputIsNoNodes) { EXPECT_THAT(MustParse(""), IsEmpty()); }

void ExpectError(std::string_view text, std::string_view expected) {
  auto nodes = ParseSinfo(text);
  ASSERT_FALSE(nodes.ok()) << text;
  EXPECT_EQ(nodes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nodes.status().message(), expected);
}

TEST(ParseSinfoTest, ErrorsNameTheLineAndTheField) {
  ExpectError("gpu1|a1|gpu|idle|0/2/0/2|10|0|gpu:1|gpu:0|none|\ngpu2|a2|gpu|idle|0/2/0/2|10|0|\n",
              "line 2: expected 10 '|'-separated fields (NodeList|NodeAddr|Partition|"
              "StateComplete|CPUsState|Memory|AllocMem|Gres|GresUsed|Reason), got 7");
  ExpectError("gpu1 gpu idle\n",
              "line 1: expected 10 '|'-separated fields (NodeList|NodeAddr|Partition|"
              "StateComplete|CPUsState|Memory|AllocMem|Gres|GresUsed|Reason), got 1");
  ExpectError("gpu2|gpu|idle|0/2/0/2|10|0|\n",
              "line 1: expected 9 '|'-separated fields (NodeList|Partition|StateComplete|"
              "CPUsState|Memory|AllocMem|Gres|GresUsed|Reason), got 6");
  ExpectError("gpu1|a1|gpu|idle|0/2/0|10|0|gpu:1|gpu:0|none|\n",
              "line 1: CPUsState \"0/2/0\" is not \"allocated/idle/other/total\" counts");
  ExpectError("gpu1|a1|gpu|idle|0/2/0/2|10G|0|gpu:1|gpu:0|none|\n",
              "line 1: Memory \"10G\" is not a non-negative integer");
  ExpectError("gpu1|a1|gpu|idle|0/2/0/2|10|-1|gpu:1|gpu:0|none|\n",
              "line 1: AllocMem \"-1\" is not a non-negative integer");
  ExpectError("gpu1|a1|gpu|idle|0/2/0/2|10|0|gpu:x:y:1|gpu:0|none|\n",
              "line 1: Gres: GRES entry \"gpu:x:y:1\" in \"gpu:x:y:1\": more than three "
              "':'-separated parts (expected name[:type][:count])");
  ExpectError("gpu1|a1|gpu|idle|0/2/0/2|10|0|gpu:1|gpu:1(IDX:0|none|\n",
              "line 1: GresUsed: GRES entry \"gpu:1(IDX:0\" in \"gpu:1(IDX:0\": '(' must be "
              "closed by a single ')' at the end of the entry");
  ExpectError("gpu[1-|a1|gpu|idle|0/2/0/2|10|0|gpu:1|gpu:0|none|\n",
              "line 1: host list \"gpu[1-\": '[' is not closed (expected e.g. \"gpu[1-3]\")");
  ExpectError("|a1|gpu|idle|0/2/0/2|10|0|gpu:1|gpu:0|none|\n", "line 1: NodeList is empty");
}

}  // namespace
}  // namespace gw::slurm
