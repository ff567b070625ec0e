#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "slurm/commands.h"
#include "slurm/testdata_util.h"

namespace gw::slurm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ReadTestdata;

std::vector<Job> MustParse(std::string_view text) {
  auto jobs = ParseSqueue(text);
  EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
  return jobs.value_or({});
}

std::map<std::string, Job> ById(const std::vector<Job>& jobs) {
  std::map<std::string, Job> by_id;
  for (const Job& job : jobs) by_id[job.id] = job;
  return by_id;
}

TEST(SqueueArgsTest, IsTheDocumentedCommandLine) {
  EXPECT_THAT(SqueueArgs("squeue"),
              ElementsAre("squeue", "-h", "-a", "-r", "--states=all", "-O",
                          "JobArrayID:|,State:|,Partition:|,UserName:|,Account:|,NumCPUs:|,"
                          "NumNodes:|,tres-per-node:|,tres-per-job:|,Reason:|,NodeList:|,"
                          "SubmitTime:|,StartTime:|"));
}

TEST(ParseSqueueTest, RunningJobWithPerNodeGpus) {
  auto jobs = MustParse(ReadTestdata("squeue_22.05.txt"));
  ASSERT_EQ(jobs.size(), 17u);
  const Job& job = jobs[0];
  EXPECT_EQ(job.id, "101");
  EXPECT_EQ(job.state, "RUNNING");
  EXPECT_EQ(job.reason, "None");
  EXPECT_THAT(job.partitions, ElementsAre("gpu"));
  EXPECT_EQ(job.user, "alice");
  EXPECT_EQ(job.account, "physics");
  EXPECT_EQ(job.cpus, 16);
  EXPECT_EQ(job.nodes, 2);
  EXPECT_EQ(job.gpus, 4);  // gres:gpu:a100:2 on each of 2 nodes
  EXPECT_EQ(job.node_list, "gpu-node-[01-02]");
  EXPECT_EQ(job.submit_time, 1705300000);
  EXPECT_EQ(job.start_time, 1705300100);
}

TEST(ParseSqueueTest, PendingMultiPartitionJobWithPerJobGpus) {
  auto jobs = ById(MustParse(ReadTestdata("squeue_22.05.txt")));
  const Job& job = jobs.at("102");
  EXPECT_EQ(job.state, "PENDING");
  EXPECT_EQ(job.reason, "Resources");
  EXPECT_THAT(job.partitions, ElementsAre("gpu", "cpu"));
  EXPECT_EQ(job.account, "");
  EXPECT_EQ(job.gpus, 4);
  EXPECT_EQ(job.node_list, "");
  EXPECT_EQ(job.start_time, 0);
}

TEST(ParseSqueueTest, ArrayTasksNewTresSpellingAndNonGpuGres) {
  auto jobs = ById(MustParse(ReadTestdata("squeue_22.05.txt")));
  EXPECT_EQ(jobs.at("103_3").gpus, 1);                 // gres/gpu:1
  EXPECT_EQ(jobs.at("103_4").start_time, 1705400000);  // expected start of a pending task
  EXPECT_EQ(jobs.at("104").gpus, 0);                   // N/A
  EXPECT_EQ(jobs.at("115").gpus, 0);                   // gres:shard:2
  EXPECT_EQ(jobs.at("111").start_time, 0);             // Unknown
  EXPECT_EQ(jobs.at("112").start_time, 0);             // None
}

TEST(ParseSqueueTest, EveryJobState) {
  std::vector<std::string> states;
  for (const Job& job : MustParse(ReadTestdata("squeue_22.05.txt"))) states.push_back(job.state);
  EXPECT_THAT(states, ElementsAre("RUNNING", "PENDING", "RUNNING", "PENDING", "COMPLETED", "FAILED",
                                  "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY",
                                  "BOOT_FAIL", "DEADLINE", "SUSPENDED", "COMPLETING", "CONFIGURING",
                                  "PENDING"));
}

TEST(ParseSqueueTest, EmptyAndBlankInputIsNoJobs) {
  EXPECT_THAT(MustParse(""), IsEmpty());
  EXPECT_THAT(MustParse("\n\n"), IsEmpty());
}

TEST(ParseSqueueTest, ToleratesAMissingTrailingBar) {
  auto jobs = MustParse("7|RUNNING|gpu|u|a|1|1|gres:gpu:1|N/A|None|g1|10|20");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].start_time, 20);
  EXPECT_EQ(jobs[0].gpus, 1);
}

void ExpectError(std::string_view text, std::string_view expected) {
  auto jobs = ParseSqueue(text);
  ASSERT_FALSE(jobs.ok()) << text;
  EXPECT_EQ(jobs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs.status().message(), expected);
}

TEST(ParseSqueueTest, ErrorsNameTheLineAndTheField) {
  constexpr std::string_view kFields =
      "(JobArrayID|State|Partition|UserName|Account|NumCPUs|NumNodes|tres-per-node|tres-per-job|"
      "Reason|NodeList|SubmitTime|StartTime)";
  ExpectError("7|RUNNING|gpu|u|a|1|1|\n",
              "line 1: expected 13 '|'-separated fields " + std::string(kFields) + ", got 7");
  ExpectError("7|RUNNING|gpu|u|a|1|1|N/A|N/A|None|g1|10|20|x|y|\n",
              "line 1: expected 13 '|'-separated fields " + std::string(kFields) + ", got 15");
  ExpectError("\n7|RUNNING|gpu|u|a|one|1|N/A|N/A|None|g1|10|20|\n",
              "line 2: NumCPUs \"one\" is not a non-negative integer");
  ExpectError("7|RUNNING|gpu|u|a|1||N/A|N/A|None|g1|10|20|\n",
              "line 1: NumNodes \"\" is not a non-negative integer");
  ExpectError("7|RUNNING|gpu|u|a|1|1|N/A|N/A|None|g1|2024-01-15T06:26:40|20|\n",
              "line 1: SubmitTime \"2024-01-15T06:26:40\" is not Unix seconds (run squeue with "
              "SLURM_TIME_FORMAT=%s)");
  ExpectError("7|RUNNING|gpu|u|a|1|1|gres:gpu:x:y:2|N/A|None|g1|10|20|\n",
              "line 1: tres-per-node: GRES entry \"gres:gpu:x:y:2\" in \"gres:gpu:x:y:2\": more "
              "than three ':'-separated parts (expected name[:type][:count])");
  ExpectError("|RUNNING|gpu|u|a|1|1|N/A|N/A|None|g1|10|20|\n",
              "line 1: JobArrayID and State must not be empty");
}

TEST(ParseSqueueTest, HugeCountsSaturate) {
  auto jobs = MustParse("7|RUNNING|gpu|u|a|1|9000000000000000000|gres:gpu:4|N/A|None|g|1|2|\n");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].gpus, INT64_MAX);
}

}  // namespace
}  // namespace gw::slurm
