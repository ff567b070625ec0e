#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "slurm/commands.h"
#include "slurm/testdata_util.h"

namespace gw::slurm {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;
using testing::ReadTestdata;

Sdiag MustParse(std::string_view text) {
  auto sdiag = ParseSdiag(text);
  EXPECT_TRUE(sdiag.ok()) << sdiag.status().ToString();
  return sdiag.value_or({});
}

TEST(SdiagArgsTest, IsJustTheCommand) { EXPECT_THAT(SdiagArgs("sdiag"), ElementsAre("sdiag")); }

TEST(ParseSdiagTest, HeaderCounters) {
  Sdiag s = MustParse(ReadTestdata("sdiag_22.05.txt"));
  EXPECT_THAT(s.Get("server_thread_count"), Optional(3.0));
  EXPECT_THAT(s.Get("agent_queue_size"), Optional(0.0));
  EXPECT_THAT(s.Get("dbd_agent_queue_size"), Optional(0.0));
  EXPECT_THAT(s.Get("jobs_submitted"), Optional(120.0));
  EXPECT_THAT(s.Get("jobs_started"), Optional(110.0));
  EXPECT_THAT(s.Get("jobs_completed"), Optional(98.0));
  EXPECT_THAT(s.Get("jobs_canceled"), Optional(4.0));
  EXPECT_THAT(s.Get("jobs_failed"), Optional(2.0));
  EXPECT_THAT(s.Get("jobs_pending"), Optional(7.0));
  EXPECT_THAT(s.Get("jobs_running"), Optional(12.0));
  EXPECT_THAT(s.Get("data_since"), Optional(1705276800.0));
  EXPECT_THAT(s.Get("sdiag_output_at"), Optional(1705312800.0));
  EXPECT_THAT(s.Get("job_states_ts"), Optional(1705312791.0));
  EXPECT_THAT(s.Get("latency_for_1000_calls_to_gettimeofday"), Optional(18.0));
}

TEST(ParseSdiagTest, MainAndBackfillSectionsAreKeptApart) {
  Sdiag s = MustParse(ReadTestdata("sdiag_22.05.txt"));
  EXPECT_THAT(s.Get("main.last_cycle"), Optional(148.0));
  EXPECT_THAT(s.Get("main.max_cycle"), Optional(5312.0));
  EXPECT_THAT(s.Get("main.total_cycles"), Optional(657.0));
  EXPECT_THAT(s.Get("main.mean_cycle"), Optional(295.0));
  EXPECT_THAT(s.Get("main.mean_depth_cycle"), Optional(4.0));
  EXPECT_THAT(s.Get("main.cycles_per_minute"), Optional(1.0));
  EXPECT_THAT(s.Get("main.last_queue_length"), Optional(7.0));
  EXPECT_THAT(s.Get("backfill.total_backfilled_jobs_since_start"), Optional(21.0));
  EXPECT_THAT(s.Get("backfill.total_backfilled_jobs_since_cycle"), Optional(5.0));
  EXPECT_THAT(s.Get("backfill.total_backfilled_heterogeneous"), Optional(0.0));
  EXPECT_THAT(s.Get("backfill.total_cycles"), Optional(40.0));
  EXPECT_THAT(s.Get("backfill.last_cycle_when"), Optional(1705312772.0));
  EXPECT_THAT(s.Get("backfill.last_cycle"), Optional(1870.0));
  EXPECT_THAT(s.Get("backfill.max_cycle"), Optional(9021.0));
  EXPECT_THAT(s.Get("backfill.mean_cycle"), Optional(2210.0));
  EXPECT_THAT(s.Get("backfill.last_depth_cycle"), Optional(7.0));
  EXPECT_THAT(s.Get("backfill.last_depth_cycle_try_sched"), Optional(5.0));
  EXPECT_THAT(s.Get("backfill.depth_mean"), Optional(6.0));
  EXPECT_THAT(s.Get("backfill.depth_mean_try_depth"), Optional(4.0));
  EXPECT_THAT(s.Get("backfill.last_queue_length"), Optional(7.0));
  EXPECT_THAT(s.Get("backfill.queue_length_mean"), Optional(6.0));
  EXPECT_THAT(s.Get("backfill.mean_table_size"), Optional(3.0));
}

TEST(ParseSdiagTest, StopsAtTheRpcStatistics) {
  Sdiag s = MustParse(ReadTestdata("sdiag_22.05.txt"));
  for (const auto& [key, value] : s.values) {
    EXPECT_EQ(key.find("request"), std::string::npos) << key;
    EXPECT_EQ(key.find("root"), std::string::npos) << key;
  }
  EXPECT_EQ(s.values.size(), 39u);
}

TEST(ParseSdiagTest, MissingLinesAreAbsentNotZero) {
  Sdiag s = MustParse(ReadTestdata("sdiag_22.05_first_minute.txt"));
  EXPECT_THAT(s.Get("server_thread_count"), Optional(1.0));
  EXPECT_EQ(s.Get("main.cycles_per_minute"), std::nullopt);
  EXPECT_THAT(s.Get("main.last_cycle"), Optional(31.0));
  EXPECT_EQ(s.Get("backfill.mean_cycle"), std::nullopt);
  EXPECT_EQ(s.Get("backfill.depth_mean"), std::nullopt);
  EXPECT_EQ(s.Get("backfill.last_cycle_when"), std::nullopt);  // "None"
  EXPECT_THAT(s.Get("backfill.total_cycles"), Optional(0.0));
  EXPECT_THAT(s.Get("backfill.last_cycle"), Optional(0.0));
}

void ExpectError(std::string_view text, std::string_view expected) {
  auto sdiag = ParseSdiag(text);
  ASSERT_FALSE(sdiag.ok()) << text;
  EXPECT_EQ(sdiag.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sdiag.status().message(), expected);
}

TEST(ParseSdiagTest, Errors) {
  ExpectError("", "no \"Server thread count:\" line in \"\": is this the output of sdiag?");
  ExpectError("slurm_get_statistics: Unable to contact slurm controller (connect failure)\n",
              "no \"Server thread count:\" line in \"slurm_get_statistics: Unable to contact "
              "slurm controller (co\": is this the output of sdiag?");
  ExpectError("Server thread count: 3\nAgent queue size 4\n",
              "line 2: expected \"Name: value\" or a section title of sdiag, got \"Agent queue "
              "size 4\"");
  ExpectError("Server thread count: 3x\n",
              "line 1: value \"3x\" of \"Server thread count\" is not a number");
}

}  // namespace
}  // namespace gw::slurm
