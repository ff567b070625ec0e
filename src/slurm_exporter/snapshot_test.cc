#include "slurm_exporter/snapshot.h"

#include <gtest/gtest.h>

namespace gw::slurm_exporter {
namespace {

slurm::Job J(std::string id, std::string state) {
  slurm::Job j;
  j.id = std::move(id);
  j.state = std::move(state);
  return j;
}

TEST(FinishedJobsTest, CountsEachJobOnceAndIgnoresThoseEndedBeforeStart) {
  FinishedJobs f;
  f.Observe({J("1", "COMPLETED"), J("2", "RUNNING")});  // 1 ended before we looked
  EXPECT_EQ(f.counts().at("COMPLETED"), 0u);
  f.Observe({J("1", "COMPLETED"), J("2", "FAILED"), J("3", "PENDING")});
  EXPECT_EQ(f.counts().at("FAILED"), 1u);
  f.Observe({J("1", "COMPLETED"), J("2", "FAILED"), J("3", "COMPLETED")});
  f.Observe({J("2", "FAILED"), J("3", "COMPLETED")});  // 1 aged out of squeue
  EXPECT_EQ(f.counts().at("FAILED"), 1u);
  EXPECT_EQ(f.counts().at("COMPLETED"), 1u);
  EXPECT_EQ(f.remembered(), 2u);
  f.Observe({});
  EXPECT_EQ(f.remembered(), 0u);
  EXPECT_EQ(f.counts().at("TIMEOUT"), 0u);  // every end state has a series from the start
}

TEST(FinishedJobsTest, FinalStates) {
  EXPECT_TRUE(FinishedJobs::IsFinalState("NODE_FAIL"));
  EXPECT_TRUE(FinishedJobs::IsFinalState("OUT_OF_MEMORY"));
  EXPECT_FALSE(FinishedJobs::IsFinalState("COMPLETING"));
  EXPECT_FALSE(FinishedJobs::IsFinalState("RUNNING"));
}

}  // namespace
}  // namespace gw::slurm_exporter
