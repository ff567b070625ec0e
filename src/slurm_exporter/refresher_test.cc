#include "slurm_exporter/refresher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gw::slurm_exporter {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(GW_SLURM_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Answers each command with captured output, or a scripted failure.
class FakeRunner final : public slurm::CommandRunner {
 public:
  std::map<std::string, StatusOr<CommandResult>> answers;
  std::vector<std::vector<std::string>> calls;

  StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                              std::chrono::milliseconds) override {
    calls.push_back(argv);
    auto it = answers.find(argv[0]);
    if (it == answers.end()) return NotFoundError("cannot execute " + argv[0]);
    return it->second;
  }
};

CommandResult Ok(std::string out) { return CommandResult{0, std::move(out), ""}; }

class RefresherTest : public ::testing::Test {
 protected:
  RefresherTest() : cache_([](std::string_view d) { return std::string(d); }) {
    runner_.answers.emplace("sinfo", Ok(ReadTestdata("sinfo_22.05.txt")));
    runner_.answers.emplace("squeue", Ok(ReadTestdata("squeue_22.05.txt")));
    runner_.answers.emplace("scontrol", Ok(ReadTestdata("scontrol_jobs_22.05.txt")));
    runner_.answers.emplace("sdiag", Ok(ReadTestdata("sdiag_22.05.txt")));
  }
  std::string Page() {
    return *cache_.Get(metrics::ExpositionFormat::kPrometheusText, false);
  }
  FakeRunner runner_;
  metrics::ExpositionCache cache_;
  FakeClock clock_;
};

TEST_F(RefresherTest, OneCallPerCommandPerRefresh) {
  Refresher r(&runner_, &cache_, &clock_, {});
  r.RefreshOnce();
  ASSERT_EQ(runner_.calls.size(), 4u);
  EXPECT_EQ(runner_.calls[0][0], "sinfo");
  EXPECT_EQ(runner_.calls[3][0], "sdiag");
  for (const auto& [source, st] : r.snapshot().sources) EXPECT_TRUE(st.ok) << source << st.error;
  std::string page = Page();
  EXPECT_NE(page.find("slurm_cpus_total "), std::string::npos);
  EXPECT_NE(page.find("slurm_scheduler_threads "), std::string::npos);
  // Scrapes read the page: no command runs however often it is fetched.
  for (int i = 0; i < 100; ++i) Page();
  EXPECT_EQ(runner_.calls.size(), 4u);
}

TEST_F(RefresherTest, AFailingCommandWithNoPastDataDropsOnlyItsMetrics) {
  runner_.answers.erase("squeue");
  runner_.answers.emplace("squeue", CommandResult{1, "", "squeue: error: Unable to contact slurm controller\nmore\n"});
  Refresher r(&runner_, &cache_, &clock_, {});
  r.RefreshOnce();
  const auto& st = r.snapshot().sources.at("squeue");
  EXPECT_FALSE(st.ok);
  EXPECT_EQ(st.error, "squeue exited 1: squeue: error: Unable to contact slurm controller");
  EXPECT_FALSE(r.snapshot().jobs.has_value());
  EXPECT_TRUE(r.snapshot().nodes.has_value());
  std::string page = Page();
  EXPECT_EQ(page.find("slurm_queue_running "), std::string::npos);
  EXPECT_NE(page.find("slurm_exporter_collector_success{collector=\"squeue\"} 0"), std::string::npos);
  EXPECT_NE(page.find("slurm_exporter_command_errors_total{command=\"squeue\"} 1"), std::string::npos);
}

TEST_F(RefresherTest, TimeoutsAndGarbageAreFailuresNotCrashes) {
  runner_.answers.erase("sdiag");
  runner_.answers.emplace("sdiag", DeadlineExceededError("sdiag did not finish within 10000 ms"));
  runner_.answers.erase("sinfo");
  runner_.answers.emplace("sinfo", Ok("this|is|not\nsinfo output\n"));
  Refresher r(&runner_, &cache_, &clock_, {});
  r.RefreshOnce();
  EXPECT_FALSE(r.snapshot().sources.at("sdiag").ok);
  EXPECT_FALSE(r.snapshot().sources.at("sinfo").ok);
  EXPECT_NE(r.snapshot().sources.at("sinfo").error.find("line 1"), std::string::npos)
      << r.snapshot().sources.at("sinfo").error;
  EXPECT_TRUE(r.snapshot().sources.at("squeue").ok);
}

TEST_F(RefresherTest, AFailingCommandKeepsItsLastGoodDataMarkedStale) {
  Refresher r(&runner_, &cache_, &clock_, {});
  r.RefreshOnce();
  ASSERT_TRUE(r.snapshot().jobs.has_value());
  size_t jobs = r.snapshot().jobs->size();
  runner_.answers.erase("squeue");
  runner_.answers.emplace("squeue", DeadlineExceededError("squeue did not finish within 10000 ms"));
  clock_.AdvanceMs(15'000);
  r.RefreshOnce();
  clock_.AdvanceMs(15'000);
  r.RefreshOnce();
  ASSERT_TRUE(r.snapshot().jobs.has_value()) << "the last good squeue data is still served";
  EXPECT_EQ(r.snapshot().jobs->size(), jobs);
  std::string page = Page();
  EXPECT_NE(page.find("slurm_exporter_collector_success{collector=\"squeue\"} 0"), std::string::npos);
  EXPECT_NE(page.find("slurm_exporter_snapshot_age_seconds{collector=\"squeue\"} 30"),
            std::string::npos) << page;
  EXPECT_NE(page.find("slurm_exporter_snapshot_age_seconds{collector=\"sinfo\"} 0"),
            std::string::npos);
  EXPECT_NE(page.find("slurm_queue_running "), std::string::npos);
}

TEST_F(RefresherTest, RecoversWhenTheCommandWorksAgain) {
  auto good = runner_.answers.at("sinfo");
  runner_.answers.erase("sinfo");
  Refresher r(&runner_, &cache_, &clock_, {});
  r.RefreshOnce();
  EXPECT_FALSE(r.snapshot().sources.at("sinfo").ok);
  runner_.answers.emplace("sinfo", good);
  r.RefreshOnce();
  EXPECT_TRUE(r.snapshot().sources.at("sinfo").ok);
  EXPECT_EQ(r.counters().command_errors.at("sinfo"), 1u);
  EXPECT_EQ(r.counters().refreshes, 2u);
}

}  // namespace
}  // namespace gw::slurm_exporter
