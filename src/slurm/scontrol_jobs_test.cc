#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "slurm/commands.h"
#include "slurm/testdata_util.h"

namespace gw::slurm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing::ReadTestdata;

std::map<std::string, JobGpus> MustParse(std::string_view text) {
  auto jobs = ParseScontrolJobs(text);
  EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
  std::map<std::string, JobGpus> by_id;
  for (const JobGpus& job : jobs.value_or({})) by_id[job.job_id] = job;
  return by_id;
}

TEST(ScontrolJobsArgsTest, IsTheDocumentedCommandLine) {
  EXPECT_THAT(ScontrolJobsArgs("/opt/slurm/bin/scontrol"),
              ElementsAre("/opt/slurm/bin/scontrol", "-d", "-o", "show", "job"));
}

TEST(ParseScontrolJobsTest, IndicesPerNodeOfRunningGpuJobsOnly) {
  auto jobs = MustParse(ReadTestdata("scontrol_jobs_22.05.txt"));
  // 102 is pending, 121 holds no GPU: neither is listed.
  std::vector<std::string> ids;
  ids.reserve(jobs.size());
  for (const auto& [id, job] : jobs) ids.push_back(id);
  EXPECT_THAT(ids, ElementsAre("101", "103_3", "120", "122", "130+1"));
  EXPECT_THAT(jobs["101"].indices_by_node, ElementsAre(Pair("gpu-node-01", ElementsAre(0, 1)),
                                                       Pair("gpu-node-02", ElementsAre(2, 3))));
}

TEST(ParseScontrolJobsTest, ArrayTaskIdsAreSpelledAsSqueuePrintsThem) {
  auto jobs = MustParse(ReadTestdata("scontrol_jobs_22.05.txt"));
  EXPECT_THAT(jobs["103_3"].indices_by_node, ElementsAre(Pair("gpu-node-03", ElementsAre(3))));
  EXPECT_THAT(jobs["130+1"].indices_by_node, ElementsAre(Pair("gpu-node-10", ElementsAre(0, 1))));
}

TEST(ParseScontrolJobsTest, GroupsCoveringSeveralNodesAreExpanded) {
  auto jobs = MustParse(ReadTestdata("scontrol_jobs_22.05.txt"));
  EXPECT_THAT(jobs["120"].indices_by_node,
              ElementsAre(Pair("gpu-node-05", ElementsAre(0)), Pair("gpu-node-06", ElementsAre(0)),
                          Pair("gpu-node-08", ElementsAre(0, 2)), Pair("gpu7", ElementsAre(0))));
}

TEST(ParseScontrolJobsTest, NodesInsideAJobNameAreNotAllocations) {
  auto jobs = MustParse(ReadTestdata("scontrol_jobs_22.05.txt"));
  EXPECT_THAT(jobs["122"].indices_by_node, ElementsAre(Pair("gpu-node-09", ElementsAre(1))));
}

TEST(ParseScontrolJobsTest, NoJobs) {
  EXPECT_THAT(MustParse("No jobs in the system\n"), IsEmpty());
  EXPECT_THAT(MustParse(""), IsEmpty());
}

TEST(ParseScontrolJobsTest, MinimalLine) {
  auto jobs = MustParse(
      "JobId=5 JobName=x NodeList=g[1-2]   Nodes=g[1-2] CPU_IDs=0 Mem=0 GRES=gpu(IDX:1)  "
      "MinCPUsNode=1\r\n");
  EXPECT_THAT(jobs["5"].indices_by_node,
              ElementsAre(Pair("g1", ElementsAre(1)), Pair("g2", ElementsAre(1))));
}

void ExpectError(std::string_view text, std::string_view expected) {
  auto jobs = ParseScontrolJobs(text);
  ASSERT_FALSE(jobs.ok()) << text;
  EXPECT_EQ(jobs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs.status().message(), expected);
}

TEST(ParseScontrolJobsTest, ErrorsNameTheLineAndTheJob) {
  ExpectError("JobId=1 JobName=a\nJob 2 is running\n",
              "line 2: expected \"JobId=<id>\" (output of scontrol -d -o show job), got \"Job 2 "
              "is running\"");
  ExpectError("JobId= JobName=a\n",
              "line 1: expected \"JobId=<id>\" (output of scontrol -d -o show job), got \"JobId= "
              "JobName=a\"");
  ExpectError("JobId=3 Nodes=g[1- CPU_IDs=0 Mem=0 GRES=gpu:1(IDX:0)\n",
              "line 1: job 3: host list \"g[1-\": '[' is not closed (expected e.g. \"gpu[1-3]\")");
  ExpectError("JobId=4 Nodes=g1 CPU_IDs=0 Mem=0 GRES=gpu:1(IDX:0\n",
              "line 1: job 4: GRES entry \"gpu:1(IDX:0\" in \"gpu:1(IDX:0\": '(' must be closed by "
              "a single ')' at the end of the entry");
}

}  // namespace
}  // namespace gw::slurm
