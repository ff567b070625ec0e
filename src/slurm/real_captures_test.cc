// The real captures in testdata/real-22.05/ (scripts/cluster on Slurm 22.05.8; how each was made
// and the cluster's state at the time: real-22.05/PROVENANCE). The facts checked here are the
// ones PROVENANCE states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "slurm/commands.h"
#include "slurm/testdata_util.h"

namespace gw::slurm {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::ListTestdata;
using ::testing::Optional;
using ::testing::Pair;
using testing::ReadTestdata;

std::string Capture(const std::string& name) { return ReadTestdata("real-22.05/" + name); }

// The captures of the exporter's own command lines, and which parser reads each.
const std::map<std::string, Status (*)(const std::string&)>& OwnCommandCaptures() {
  static const auto* const kCaptures = new std::map<std::string, Status (*)(const std::string&)>{
      {"sinfo-nodes.txt", [](const std::string& t) { return ParseSinfo(t).status(); }},
      {"squeue-jobs.txt", [](const std::string& t) { return ParseSqueue(t).status(); }},
      {"scontrol-show-job.txt", [](const std::string& t) { return ParseScontrolJobs(t).status(); }},
      {"sdiag.txt", [](const std::string& t) { return ParseSdiag(t).status(); }}};
  return *kCaptures;
}

TEST(RealCapturesTest, EveryCaptureOfTheExportersCommandsParses) {
  std::vector<std::string> names = ListTestdata("real-22.05");
  for (const auto& [name, parse] : OwnCommandCaptures()) {
    EXPECT_THAT(names, Contains(name));
    Status status = parse(Capture(name));
    EXPECT_TRUE(status.ok()) << name << ": " << status.ToString();
  }
}

// The other captures are human-readable outputs (sinfo, squeue, sinfo -N -l): a parser handed one
// by mistake must say so, not misread it.
TEST(RealCapturesTest, HumanReadableOutputsAreRejected) {
  EXPECT_THAT(ParseSinfo(Capture("sinfo.txt")).status().message(),
              ::testing::StartsWith("line 1: expected 10 '|'-separated fields"));
  EXPECT_THAT(ParseSinfo(Capture("sinfo-N-l.txt")).status().message(),
              ::testing::StartsWith("line 1: expected 10 '|'-separated fields"));
  EXPECT_THAT(ParseSqueue(Capture("squeue.txt")).status().message(),
              ::testing::StartsWith("line 1: expected 13 '|'-separated fields"));
  EXPECT_FALSE(ParseScontrolJobs(Capture("scontrol-show-node.txt")).ok());
  EXPECT_FALSE(ParseSdiag(Capture("squeue-all-states.txt")).ok());
}

TEST(RealCapturesTest, SinfoNodes) {
  auto nodes = ParseSinfo(Capture("sinfo-nodes.txt"));
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), 4u);
  const Node& node1 = (*nodes)[0];
  EXPECT_EQ(node1.name, "node1");
  // Taken before SinfoArgs asked for NodeAddr: the address falls back to the name.
  EXPECT_EQ(node1.address, "node1");
  EXPECT_EQ(GpuCount(node1.gres), 4);
  EXPECT_EQ(node1.gres[0].type, "h100");
  EXPECT_THAT(GpuIndices(node1.gres_used), ElementsAre(0, 1, 2, 3));  // job 1 holds all 4
  const Node& node2 = (*nodes)[1];  // drained while running jobs 2 and 3
  EXPECT_TRUE(node2.drain);
  EXPECT_EQ(node2.state, "allocated");
  EXPECT_EQ(node2.reason, "test drain");
  EXPECT_THAT(GpuIndices(node2.gres_used), ElementsAre(0, 1, 2));
  const Node& node3 = (*nodes)[2];  // slurmd killed
  EXPECT_EQ(node3.state, "down");
  EXPECT_TRUE(node3.not_responding);
  EXPECT_EQ(node3.cpus_total, 8);
  EXPECT_EQ(node3.memory_mb, 32000);
  const Node& node4 = (*nodes)[3];
  EXPECT_THAT(node4.partitions, ElementsAre("gpu", "debug"));
  EXPECT_EQ(node4.reason, "");
}

TEST(RealCapturesTest, SqueueJobs) {
  auto jobs = ParseSqueue(Capture("squeue-jobs.txt"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 18u);
  std::map<std::string, Job> by_id;
  for (const Job& job : *jobs) {
    EXPECT_EQ(job.account, "") << job.id;  // no slurmdbd: "(null)"
    by_id[job.id] = job;
  }
  EXPECT_EQ(by_id["1"].gpus, 4);
  EXPECT_EQ(by_id["1"].state, "RUNNING");
  EXPECT_EQ(by_id["3"].gpus, 1);  // gres:gpu:h100:1
  EXPECT_THAT(by_id["9"].partitions, ElementsAre("gpu", "debug"));
  EXPECT_EQ(by_id["9"].gpus, 4);
  EXPECT_EQ(by_id["12"].gpus, 2);  // --gpus=2: tres-per-job
  EXPECT_EQ(by_id["11"].reason, "Dependency");
  EXPECT_EQ(by_id["11"].start_time, 0);
  EXPECT_EQ(by_id["6"].state, "FAILED");
  EXPECT_EQ(by_id["8"].state, "CANCELLED");
  EXPECT_EQ(by_id["13"].reason, "JobHeldUser");
  // Times are Unix seconds (SLURM_TIME_FORMAT=%s); a running job started after it was submitted.
  EXPECT_GT(by_id["4"].submit_time, 1700000000);
  EXPECT_GE(by_id["4"].start_time, by_id["4"].submit_time);
}

// Why SqueueArgs asks for JobArrayID: JobID repeats "10" for the pending tasks of array 10 and
// names its running task 0 "14", JobArrayID gives each task its own "10_N" -- the spelling
// ParseScontrolJobs uses, so the two commands join.
TEST(RealCapturesTest, JobArrayIdNamesEveryArrayTaskAndJoinsScontrol) {
  // Rows of "JobArrayID|ArrayJobID|ArrayTaskID|JobID|State|Reason|".
  std::vector<std::string> array_ids;
  std::vector<std::string> job_ids;
  std::istringstream rows(Capture("squeue-array-ids.txt"));
  for (std::string row; std::getline(rows, row);) {
    std::vector<std::string> fields;
    std::istringstream cells(row);
    for (std::string cell; std::getline(cells, cell, '|');) fields.push_back(cell);
    ASSERT_GE(fields.size(), 4u) << row;
    array_ids.push_back(fields[0]);
    job_ids.push_back(fields[3]);
  }
  EXPECT_THAT(array_ids, Contains("10_0"));
  EXPECT_THAT(array_ids, Contains("10_5"));
  std::set<std::string> unique(array_ids.begin(), array_ids.end());
  EXPECT_EQ(unique.size(), array_ids.size());
  EXPECT_LT(std::set<std::string>(job_ids.begin(), job_ids.end()).size(), job_ids.size());
  auto gpus = ParseScontrolJobs(Capture("scontrol-show-job.txt"));
  ASSERT_TRUE(gpus.ok()) << gpus.status().ToString();
  for (const JobGpus& job : *gpus) EXPECT_TRUE(unique.contains(job.job_id)) << job.job_id;
}

TEST(RealCapturesTest, ScontrolJobs) {
  auto jobs = ParseScontrolJobs(Capture("scontrol-show-job.txt"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  std::map<std::string, std::map<std::string, std::vector<int>>> by_id;
  for (const JobGpus& job : *jobs) by_id[job.job_id] = job.indices_by_node;
  // Running GPU jobs only; array 10's task 0 (internal id 14) under its squeue name. The indices
  // are those the prolog saw in SLURM_JOB_GPUS (PROVENANCE).
  EXPECT_THAT(by_id, ElementsAre(Pair("1", ElementsAre(Pair("node1", ElementsAre(0, 1, 2, 3)))),
                                 Pair("10_0", ElementsAre(Pair("node4", ElementsAre(1)))),
                                 Pair("2", ElementsAre(Pair("node2", ElementsAre(0, 1)))),
                                 Pair("3", ElementsAre(Pair("node2", ElementsAre(2)))),
                                 Pair("4", ElementsAre(Pair("node4", ElementsAre(0))))));
}

TEST(RealCapturesTest, Sdiag) {
  auto sdiag = ParseSdiag(Capture("sdiag.txt"));
  ASSERT_TRUE(sdiag.ok()) << sdiag.status().ToString();
  EXPECT_THAT(sdiag->Get("server_thread_count"), Optional(3.0));
  EXPECT_THAT(sdiag->Get("jobs_submitted"), Optional(18.0));
  EXPECT_THAT(sdiag->Get("jobs_running"), Optional(6.0));
  EXPECT_THAT(sdiag->Get("main.total_cycles"), Optional(5.0));
  EXPECT_EQ(sdiag->Get("main.cycles_per_minute"), std::nullopt);  // stats younger than a minute
  EXPECT_THAT(sdiag->Get("backfill.total_cycles"), Optional(1.0));
  EXPECT_GT(sdiag->Get("backfill.mean_cycle").value_or(0), 0);  // present once a cycle ran
  EXPECT_THAT(sdiag->Get("backfill.total_backfilled_jobs_since_start"), Optional(1.0));
  EXPECT_GT(sdiag->Get("data_since").value_or(0), 1700000000);
  EXPECT_LE(sdiag->Get("data_since"), sdiag->Get("sdiag_output_at"));
  for (const auto& [key, value] : sdiag->values) {
    EXPECT_EQ(key.find("request"), std::string::npos) << key;  // RPC section not read
  }
}

}  // namespace
}  // namespace gw::slurm
