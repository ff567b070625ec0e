#include "tsdb/db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tsdb/file_env_fault.h"
#include "tsdb/int_format.h"
#include "tsdb/sample.h"
#include "tsdb/test_util.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kRange = 60'000;  // one-minute blocks keep the tests small

DbOptions SmallOptions() {
  DbOptions options;
  options.block_range_ms = kRange;
  options.retention_ms = 0;
  options.wal.sync_policy = WalSyncPolicy::kAlways;
  options.wal.segment_size_bytes = uint64_t{64} * 1024;
  return options;
}

Labels Series(int i) {
  return Labels{{"__name__", "gpu_util"}, {"gpu", std::to_string(i % 8)},
                {"instance", "node" + std::to_string(i / 8)}};
}

Matcher Eq(std::string name, std::string value) {
  return *Matcher::Create(MatchType::kEqual, std::move(name), std::move(value));
}

// Every sample of every series the store holds, through the public read path.
std::map<Labels, std::vector<Sample>> ReadAll(const Db& db, int64_t mint = INT64_MIN / 2,
                                               int64_t maxt = INT64_MAX / 2) {
  std::map<Labels, std::vector<Sample>> out;
  StatusOr<std::vector<SeriesChunks>> series =
      db.querier().Select({Eq("__name__", "gpu_util")}, mint, maxt);
  EXPECT_TRUE(series.ok()) << series.status().ToString();
  if (!series.ok()) return out;
  for (const SeriesChunks& s : *series) {
    SeriesIterator it(s.chunks, mint, maxt);
    std::vector<Sample>& samples = out[s.labels];
    while (it.Next()) samples.push_back({it.t_ms(), it.value()});
    EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  }
  return out;
}

// Appends `series` x `steps` samples every 10 s from `start`, one commit per step; returns
// what was appended, per series.
std::map<Labels, std::vector<Sample>> Ingest(Db& db, int series, int steps, int64_t start,
                                              uint32_t seed = 1) {
  std::map<Labels, std::vector<Sample>> truth;
  std::mt19937 rng(seed);
  std::vector<SeriesRef> refs(series, 0);
  auto appender = db.NewAppender();
  for (int step = 0; step < steps; ++step) {
    const int64_t t = start + int64_t{step} * 10'000;
    for (int i = 0; i < series; ++i) {
      const double v = static_cast<double>(rng() % 100);
      StatusOr<SeriesRef> ref = appender->Append(refs[i], Series(i), t, v);
      EXPECT_TRUE(ref.ok()) << ref.status().ToString();
      refs[i] = *ref;
      truth[Series(i)].push_back({t, v});
    }
    StatusOr<CommitResult> result = appender->Commit();
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (result.ok()) {
      EXPECT_EQ(result->appended, static_cast<uint64_t>(series));
    }
  }
  return truth;
}

void ExpectSame(const std::map<Labels, std::vector<Sample>>& got,
                const std::map<Labels, std::vector<Sample>>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [labels, samples] : want) {
    auto it = got.find(labels);
    ASSERT_NE(it, got.end()) << labels.ToString();
    ASSERT_EQ(it->second.size(), samples.size()) << labels.ToString();
    for (size_t i = 0; i < samples.size(); ++i) {
      EXPECT_EQ(it->second[i].t_ms, samples[i].t_ms) << labels.ToString() << " #" << i;
      EXPECT_EQ(std::bit_cast<uint64_t>(it->second[i].v), std::bit_cast<uint64_t>(samples[i].v))
          << labels.ToString() << " #" << i;
    }
  }
}

std::unique_ptr<Db> MustOpen(Env* env, const DbOptions& options = SmallOptions()) {
  StatusOr<std::unique_ptr<Db>> db = Db::Open(env, "/db", options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  return *std::move(db);
}

TEST(DbTest, WhatIsCommittedIsReadBackAndSurvivesARestart) {
  FaultInjectionEnv env;
  std::map<Labels, std::vector<Sample>> truth;
  {
    auto db = MustOpen(&env);
    truth = Ingest(*db, 16, 5, 1'000);
    ExpectSame(ReadAll(*db), truth);
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = MustOpen(&env);
  EXPECT_EQ(db->open_report().replayed_samples, 16u * 5);
  EXPECT_TRUE(db->open_report().wal_repair.empty());
  ExpectSame(ReadAll(*db), truth);
  // And it keeps going where it stopped.
  auto more = Ingest(*db, 16, 3, 51'000);
  for (auto& [labels, samples] : more) {
    truth[labels].insert(truth[labels].end(), samples.begin(), samples.end());
  }
  ExpectSame(ReadAll(*db), truth);
}

TEST(DbTest, RejectsOutOfOrderAndDuplicatesWithCounts) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, Series(0), 2000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(app->Append(0, Series(0), 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, Series(0), 2000, 5).ok());
  ASSERT_TRUE(app->Append(0, Series(0), 3000, 3).ok());
  StatusOr<CommitResult> r = app->Commit();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 1u);
  EXPECT_EQ(r->out_of_order, 1u);
  EXPECT_EQ(r->duplicate, 1u);
  EXPECT_THAT(ReadAll(*db)[Series(0)].size(), 2u);
  EXPECT_THAT(app->Append(0, Labels(), 1, 1), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

TEST(DbTest, ReplayStopsAtATornTailAndKeepsEverythingSynced) {
  FaultInjectionEnv env;
  std::map<Labels, std::vector<Sample>> truth;
  {
    auto db = MustOpen(&env);
    truth = Ingest(*db, 8, 4, 0);
    // A commit that a power loss cuts in the middle: it was never acknowledged as synced.
    env.SetSyncError(IoError("power is going"));
    auto app = db->NewAppender();
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(app->Append(0, Series(i), 50'000, 1).ok());
    EXPECT_THAT(app->Commit(), StatusIs(StatusCode::kIoError, HasSubstr("refuses new samples")));
    env.Crash(/*keep_unsynced_bytes=*/40);
    env.SetSyncError(Status::Ok());
  }
  auto db = MustOpen(&env);
  EXPECT_THAT(db->open_report().wal_repair, HasSubstr("offset"));
  EXPECT_FALSE(db->open_report().wal_lost_records);
  ExpectSame(ReadAll(*db), truth);
}

TEST(DbTest, AFailedWalWriteRefusesSamplesAndKeepsWhatItHas) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  auto truth = Ingest(*db, 4, 2, 0);
  env.SetAppendError(Status(StatusCode::kResourceExhausted, "No space left on device"));
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, Series(0), 90'000, 1).ok());
  EXPECT_THAT(app->Commit(), StatusIs(StatusCode::kResourceExhausted, HasSubstr("No space")));
  env.SetAppendError(Status::Ok());
  ASSERT_TRUE(app->Append(0, Series(0), 95'000, 1).ok());
  EXPECT_THAT(app->Commit(), StatusIs(StatusCode::kResourceExhausted, ::testing::_));  // sticky until restart
  ExpectSame(ReadAll(*db), truth);  // reads go on
  EXPECT_EQ(db->stats().commits_failed, 2u);
}

TEST(DbTest, CorruptionInTheMiddleIsCutAndReported) {
  FaultInjectionEnv env;
  {
    auto db = MustOpen(&env);
    Ingest(*db, 8, 30, 0);  // several segments of 64 KiB? no: a few pages in one segment
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_TRUE(env.FlipBit("/db/wal/00000000", 200, 3).ok());
  auto db = MustOpen(&env);
  EXPECT_THAT(db->open_report().wal_repair, HasSubstr("00000000"));
  // Whatever came before the damage is there; nothing after it, nothing invented.
  for (const auto& [labels, samples] : ReadAll(*db)) EXPECT_LE(samples.size(), 30u);
}

TEST(DbTest, MaintainCutsBlocksTruncatesTheWalAndReadsAcrossBoth) {
  FaultInjectionEnv env;
  std::map<Labels, std::vector<Sample>> truth;
  {
    auto db = MustOpen(&env);
    truth = Ingest(*db, 12, 40, 0);  // 0 .. 390 s: six and a half one-minute ranges
    const Status maintained = db->Maintain();
    ASSERT_TRUE(maintained.ok()) << maintained.ToString();
    EXPECT_EQ(db->stats().head_cuts, 5u);  // [0, 60 s) .. [240 s, 300 s)
    EXPECT_EQ(db->stats().head_min_t_ms, 5 * kRange);
    // The WAL segment being written when the blocks were cut holds newer samples too; it goes
    // at the next cut, once all of its samples are in blocks.
    EXPECT_EQ(db->stats().wal_truncations, 0u);
    for (auto& [labels, samples] : Ingest(*db, 12, 20, 400'000)) {
      truth[labels].insert(truth[labels].end(), samples.begin(), samples.end());
    }
    ASSERT_TRUE(db->Maintain().ok());
    const DbStats stats = db->stats();
    EXPECT_EQ(stats.head_cuts, 9u);
    EXPECT_GE(stats.blocks, 1u);
    EXPECT_EQ(stats.wal_truncations, 1u);
    ExpectSame(ReadAll(*db), truth);
    // The head refuses what is already in a block.
    auto app = db->NewAppender();
    ASSERT_TRUE(app->Append(0, Series(0), 1'000, 7).ok());
    StatusOr<CommitResult> r = app->Commit();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out_of_bounds, 1u);
    ASSERT_TRUE(db->Close().ok());
  }
  // Blocks, checkpoint and the rest of the WAL make the same data after a restart.
  auto db = MustOpen(&env);
  EXPECT_GE(db->open_report().blocks, 1u);
  ExpectSame(ReadAll(*db), truth);
  ExpectSame(ReadAll(*db, 65'000, 185'000), [&] {
    std::map<Labels, std::vector<Sample>> window;
    for (const auto& [labels, samples] : truth) {
      for (const Sample& s : samples) {
        if (s.t_ms >= 65'000 && s.t_ms <= 185'000) window[labels].push_back(s);
      }
    }
    return window;
  }());
  // Series are still known after the checkpoint dropped their first segments: more samples
  // for them land under the same labels.
  Ingest(*db, 12, 2, 700'000);
  EXPECT_EQ(ReadAll(*db, 700'000, 800'000).size(), 12u);
  EXPECT_EQ(db->stats().head.num_series, 12u);
}

TEST(DbTest, BlocksHoldIntegerChunksThatReadBackExactly) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  std::map<Labels, std::vector<Sample>> truth = Ingest(*db, 8, 20, 0);  // integers 0..99
  // One series of fractions next to them stays XOR.
  const Labels frac{{"__name__", "gpu_util"}, {"gpu", "frac"}};
  auto appender = db->NewAppender();
  for (int step = 0; step < 20; ++step) {
    const Sample s{int64_t{step} * 10'000, step + 0.5};
    ASSERT_TRUE(appender->Append(0, frac, s.t_ms, s.v).ok());
    truth[frac].push_back(s);
  }
  ASSERT_TRUE(appender->Commit().ok());
  Ingest(*db, 1, 1, 5 * kRange, 2);  // moves the head on (outside the window read below)
  ASSERT_TRUE(db->Maintain().ok());
  ASSERT_GE(db->stats().head_cuts, 1u);

  StatusOr<std::vector<SeriesChunks>> series =
      db->querier().Select({Eq("__name__", "gpu_util")}, 0, kRange - 1);
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  std::map<uint8_t, int> encodings;
  for (const SeriesChunks& s : *series) {
    for (const ChunkSnapshot& c : s.chunks) ++encodings[c.encoding];
  }
  EXPECT_EQ(encodings[kIntEncoding], 8);  // one chunk per integer series in the first block
  EXPECT_EQ(encodings[kXorEncoding], 1);
  ExpectSame(ReadAll(*db, 0, 20 * 10'000 - 1), truth);
  ASSERT_TRUE(db->Close().ok());
  ExpectSame(ReadAll(*MustOpen(&env), 0, 20 * 10'000 - 1), truth);  // and after a restart
}

TEST(DbTest, RetentionDeletesOldBlocks) {
  FaultInjectionEnv env;
  DbOptions options = SmallOptions();
  options.retention_ms = 2 * kRange;
  auto db = MustOpen(&env, options);
  Ingest(*db, 4, 100, 0);  // 0 .. 990 s
  ASSERT_TRUE(db->Maintain().ok());
  EXPECT_GE(db->stats().blocks_deleted_by_retention, 1u);
  const auto all = ReadAll(*db);
  ASSERT_FALSE(all.empty());
  for (const auto& [labels, samples] : all) {
    ASSERT_FALSE(samples.empty());
    EXPECT_GE(samples.front().t_ms, 990'000 - 5 * kRange);
  }
}

TEST(DbTest, LabelNamesAndValuesCoverBlocksAndHead) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  Ingest(*db, 16, 20, 0);
  ASSERT_TRUE(db->Maintain().ok());
  ASSERT_GE(db->stats().blocks, 1u);
  StatusOr<std::vector<std::string>> names = db->querier().LabelNames({}, 0, 10'000);
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("__name__", "gpu", "instance"));
  StatusOr<std::vector<std::string>> values =
      db->querier().LabelValues("instance", {Eq("gpu", "3")}, 0, 1'000'000);
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre("node0", "node1"));
  StatusOr<std::vector<std::string>> none =
      db->querier().LabelValues("instance", {}, 10'000'000, 20'000'000);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST(DbTest, AStaleRefHintCostsOneSampleThenResolvesAgain) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  auto app = db->NewAppender();
  StatusOr<SeriesRef> old_ref = app->Append(0, Series(99), 0, 1);
  ASSERT_TRUE(old_ref.ok());
  ASSERT_TRUE(app->Commit().ok());
  Ingest(*db, 2, 40, 0);  // the other series go on; Series(99) has nothing after t = 0
  ASSERT_TRUE(db->Maintain().ok());
  ASSERT_GE(db->stats().head.series_removed, 1u);  // Series(99) left the head

  StatusOr<SeriesRef> hinted = app->Append(*old_ref, Series(99), 500'000, 2);
  ASSERT_TRUE(hinted.ok());
  StatusOr<CommitResult> r = app->Commit();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stale_ref, 1u);
  EXPECT_EQ(r->appended, 0u);
  StatusOr<SeriesRef> fresh = app->Append(*hinted, Series(99), 510'000, 3);
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, *old_ref);
  r = app->Commit();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 1u);
  EXPECT_EQ(db->stats().stale_ref_samples, 1u);
}

TEST(DbTest, BlocksKeepLabelOrderWhateverTheBytes) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  const std::vector<std::string> values = {"a", std::string("a\0b", 3), "ab", "a\x01", "", "b",
                                           std::string("\0", 1), "\xff"};
  auto app = db->NewAppender();
  std::vector<SeriesRef> refs(values.size(), 0);
  for (int step = 0; step < 40; ++step) {
    for (size_t i = 0; i < values.size(); ++i) {
      Labels labels{{"__name__", "gpu_util"}, {"v", values[i]}};
      refs[i] = *app->Append(refs[i], labels, int64_t{step} * 10'000, 1);
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  const Status s = db->Maintain();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(db->stats().head_cuts, 1u);
  EXPECT_EQ(ReadAll(*db).size(), values.size());
}

TEST(DbTest, AnOldStragglerCutsNoEmptyBlocks) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, Series(0), -20 * kRange, 1).ok());  // far older than the rest
  ASSERT_TRUE(app->Commit().ok());
  Ingest(*db, 2, 20, 0);  // 0 .. 190 s
  ASSERT_TRUE(db->Maintain().ok());
  // Blocks only for ranges with samples: the straggler's and those of [0, 120 s).
  EXPECT_EQ(db->stats().blocks, 3u);
  EXPECT_EQ(ReadAll(*db, -21 * kRange, -19 * kRange).size(), 1u);
  StatusOr<std::vector<std::string>> children = env.GetChildren("/db");
  ASSERT_TRUE(children.ok());
  for (const std::string& name : *children) EXPECT_FALSE(name.ends_with(".tmp")) << name;
}

class RecordingObserver : public IngestObserver {
 public:
  void OnSeries(SeriesRef ref, const Labels& labels) override { series[ref] = labels; }
  void OnSamples(std::span<const RefSample> s) override {
    samples.insert(samples.end(), s.begin(), s.end());
  }
  void OnSeriesRemoved(std::span<const SeriesRef> refs) override {
    removed.insert(removed.end(), refs.begin(), refs.end());
  }
  std::map<SeriesRef, Labels> series;
  std::vector<RefSample> samples;
  std::vector<SeriesRef> removed;
};

TEST(DbTest, TheObserverSeesSeriesBeforeTheirSamplesAndOnlyAcceptedOnes) {
  FaultInjectionEnv env;
  auto db = MustOpen(&env);
  Ingest(*db, 2, 1, 0);
  RecordingObserver observer;
  db->SetObserver(&observer);
  EXPECT_EQ(observer.series.size(), 2u);  // the live series, on attach
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, Series(5), 10'000, 1).ok());
  ASSERT_TRUE(app->Append(0, Series(0), -1, 1).ok());  // out of order: not forwarded
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_EQ(observer.samples.size(), 1u);
  EXPECT_EQ(observer.series.at(observer.samples[0].ref), Series(5));
  db->SetObserver(nullptr);
}

}  // namespace
}  // namespace gw::tsdb
