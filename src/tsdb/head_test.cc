#include "tsdb/head.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tsdb/sample.h"
#include "tsdb/test_util.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SeriesRef MustCreate(Head& head, const Labels& labels) {
  StatusOr<SeriesRef> ref = head.GetOrCreate(labels);
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  return ref.value_or(0);
}

std::vector<Sample> ReadAll(const Head& head, SeriesRef ref, int64_t mint, int64_t maxt) {
  StatusOr<SeriesIterator> it = head.Iterator(ref, mint, maxt);
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  std::vector<Sample> out;
  if (!it.ok()) return out;
  while (it->Next()) out.push_back({it->t_ms(), it->value()});
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

std::vector<int64_t> Times(const std::vector<Sample>& samples) {
  std::vector<int64_t> t;
  t.reserve(samples.size());
  for (const Sample& s : samples) t.push_back(s.t_ms);
  return t;
}

TEST(HeadTest, GetOrCreateReturnsTheSameRefForTheSameLabels) {
  Head head;
  const SeriesRef a = MustCreate(head, {{"__name__", "gpu_util"}, {"gpu", "0"}});
  const SeriesRef b = MustCreate(head, {{"gpu", "0"}, {"__name__", "gpu_util"}});
  const SeriesRef c = MustCreate(head, {{"__name__", "gpu_util"}, {"gpu", "1"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(head.stats().num_series, 2u);
  EXPECT_EQ(head.SeriesLabels(c), (Labels{{"__name__", "gpu_util"}, {"gpu", "1"}}));
  EXPECT_EQ(head.SeriesLabels(12345), Labels());
}

TEST(HeadTest, GetOrCreateRejectsEmptyLabels) {
  Head head;
  EXPECT_THAT(head.GetOrCreate(Labels()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no labels")));
}

TEST(HeadTest, AppendRejectsAndCountsOutOfOrderAndDuplicates) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "x"}});
  ASSERT_TRUE(head.Append(ref, 1000, 1.0).ok());
  ASSERT_TRUE(head.Append(ref, 2000, 2.0).ok());
  EXPECT_THAT(head.Append(ref, 1500, 3.0),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("out-of-order sample: t=1500 is before the series' last sample")));
  EXPECT_THAT(head.Append(ref, 2000, 2.5),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate sample for t=2000")));
  EXPECT_TRUE(head.Append(ref, 2000, 2.0).ok());  // identical: a no-op
  const HeadStats stats = head.stats();
  EXPECT_EQ(stats.out_of_order_samples, 1u);
  EXPECT_EQ(stats.duplicate_samples, 1u);
  EXPECT_EQ(stats.samples_appended, 2u);
  EXPECT_EQ(Times(ReadAll(head, ref, 0, 10000)), (std::vector<int64_t>{1000, 2000}));
}

TEST(HeadTest, DuplicateStaleMarkersAreComparedByBits) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "x"}});
  ASSERT_TRUE(head.Append(ref, 1, StaleMarker()).ok());
  EXPECT_TRUE(head.Append(ref, 1, StaleMarker()).ok());
  EXPECT_THAT(head.Append(ref, 1, std::nan("")), StatusIs(StatusCode::kInvalidArgument, _));
}

TEST(HeadTest, AppendToUnknownRefIsNotFound) {
  Head head;
  EXPECT_THAT(head.Append(42, 1, 1), StatusIs(StatusCode::kNotFound, HasSubstr("GetOrCreate")));
  EXPECT_THAT(head.Iterator(42, 0, 1), StatusIs(StatusCode::kNotFound, HasSubstr("42")));
}

// The batch path must do exactly what a loop of TryAppend does: same outcomes, same stored
// samples, including a series appearing several times in one batch, out-of-order and duplicate
// samples, and refs the head does not know.
TEST(HeadTest, TryAppendBatchAgreesWithTryAppend) {
  Head one;
  Head batched;
  std::vector<SeriesRef> refs;
  for (int i = 0; i < 300; ++i) {
    Labels labels = Labels::FromSortedUnchecked({{"__name__", "m"}, {"i", std::to_string(i)}});
    refs.push_back(MustCreate(one, labels));
    ASSERT_EQ(MustCreate(batched, labels), refs.back());
  }
  uint64_t seed = 1;
  auto random = [&seed] { return (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int round = 0; round < 40; ++round) {
    std::vector<RefSample> batch;
    for (int k = 0; k < 500; ++k) {
      SeriesRef ref = random() % 50 == 0 ? SeriesRef{999'999} << 6 : refs[random() % refs.size()];
      const int64_t t = round * int64_t{1000} + static_cast<int64_t>(random() % 1200) - 100;
      batch.push_back({ref, t, static_cast<double>(random() % 4)});
    }
    std::vector<AppendOutcome> outcomes(batch.size());
    batched.TryAppendBatch(batch, outcomes);
    for (size_t k = 0; k < batch.size(); ++k) {
      ASSERT_EQ(outcomes[k], one.TryAppend(batch[k].ref, batch[k].t_ms, batch[k].v))
          << "round " << round << " sample " << k;
    }
  }
  for (SeriesRef ref : refs) {
    const std::vector<Sample> expected = ReadAll(one, ref, INT64_MIN, INT64_MAX);
    const std::vector<Sample> got = ReadAll(batched, ref, INT64_MIN, INT64_MAX);
    ASSERT_EQ(Times(got), Times(expected)) << ref;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].v, expected[i].v);
  }
  EXPECT_EQ(batched.stats().out_of_order_samples, one.stats().out_of_order_samples);
  EXPECT_GT(one.stats().out_of_order_samples, 0U);
  EXPECT_GT(one.stats().duplicate_samples, 0U);
}

TEST(HeadTest, IteratesAcrossCutChunksWithinTheRange) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "x"}});
  const int n = 3 * kMaxSamplesPerChunk + 7;
  for (int i = 0; i < n; ++i) ASSERT_TRUE(head.Append(ref, i * int64_t{1000}, i * 0.5).ok());
  EXPECT_EQ(head.stats().num_full_chunks, 3u);

  const std::vector<Sample> all = ReadAll(head, ref, INT64_MIN, INT64_MAX);
  ASSERT_EQ(all.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(all[i].t_ms, i * 1000);
    ASSERT_EQ(all[i].v, i * 0.5);
  }
  // A range that starts and ends mid-chunk, inclusive at both ends.
  const std::vector<Sample> part = ReadAll(head, ref, 119'000, 121'500);
  EXPECT_EQ(Times(part), (std::vector<int64_t>{119'000, 120'000, 121'000}));
  EXPECT_THAT(ReadAll(head, ref, 1'000'000, 2'000'000), IsEmpty());
  EXPECT_THAT(ReadAll(head, ref, 5000, 4000), IsEmpty());
}

TEST(HeadTest, IteratorSeekSkipsChunks) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "x"}});
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(head.Append(ref, i * int64_t{10}, i).ok());
  StatusOr<SeriesIterator> it = head.Iterator(ref, 100, 4000);
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE(it->Seek(2995));
  EXPECT_EQ(it->t_ms(), 3000);
  EXPECT_EQ(it->value(), 300);
  ASSERT_TRUE(it->Seek(50));  // never backwards
  EXPECT_EQ(it->t_ms(), 3000);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->t_ms(), 3010);
  EXPECT_FALSE(it->Seek(4001));
}

TEST(HeadTest, IteratorIsASnapshot) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "x"}});
  ASSERT_TRUE(head.Append(ref, 1, 1).ok());
  StatusOr<SeriesIterator> it = head.Iterator(ref, 0, 100);
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE(head.Append(ref, 2, 2).ok());
  head.TruncateBefore(1000);  // drops the series altogether
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->t_ms(), 1);
  EXPECT_FALSE(it->Next());
  EXPECT_TRUE(it->status().ok());
}

TEST(HeadTest, TruncateBeforeDropsOldChunksAndEmptySeries) {
  Head head;
  const SeriesRef live = MustCreate(head, {{"__name__", "x"}, {"job", "live"}});
  const SeriesRef dead = MustCreate(head, {{"__name__", "x"}, {"job", "dead"}});
  const SeriesRef never = MustCreate(head, {{"__name__", "x"}, {"job", "never"}});
  for (int i = 0; i < 3 * kMaxSamplesPerChunk; ++i) {
    ASSERT_TRUE(head.Append(live, i * int64_t{1000}, 1).ok());
  }
  ASSERT_TRUE(head.Append(dead, 5000, 1).ok());
  ASSERT_EQ(head.stats().num_full_chunks, 2u);

  head.TruncateBefore(150'000);  // inside the second chunk [120 s, 239 s]
  EXPECT_EQ(head.stats().num_full_chunks, 1u);
  EXPECT_EQ(ReadAll(head, live, 0, INT64_MAX).front().t_ms, 120'000);
  EXPECT_THAT(head.Iterator(dead, 0, INT64_MAX), StatusIs(StatusCode::kNotFound, _));
  // A series without samples gets one truncation interval to receive its first.
  EXPECT_TRUE(head.Iterator(never, 0, INT64_MAX).ok());
  head.TruncateBefore(150'000);
  EXPECT_THAT(head.Iterator(never, 0, INT64_MAX), StatusIs(StatusCode::kNotFound, _));
  EXPECT_THAT(head.LabelValues("job"), ElementsAre("live"));
  const HeadStats stats = head.stats();
  EXPECT_EQ(stats.num_series, 1u);
  EXPECT_EQ(stats.series_removed, 2u);

  // The labels of a dropped series make a new series with a new ref.
  const SeriesRef again = MustCreate(head, {{"__name__", "x"}, {"job", "dead"}});
  EXPECT_NE(again, dead);
  EXPECT_THAT(head.Append(dead, 6000, 1), StatusIs(StatusCode::kNotFound, _));
}

TEST(HeadTest, TruncationReleasesSymbols) {
  Head head;
  for (int job = 0; job < 100; ++job) {
    const SeriesRef ref = MustCreate(head, {{"__name__", "x"}, {"job", std::to_string(job)}});
    ASSERT_TRUE(head.Append(ref, job, 1).ok());
  }
  EXPECT_EQ(head.LabelValues("job").size(), 100u);
  head.TruncateBefore(50);
  EXPECT_EQ(head.LabelValues("job").size(), 50u);
  head.TruncateBefore(1000);
  EXPECT_THAT(head.LabelNames(), IsEmpty());
  EXPECT_EQ(head.stats().num_series, 0u);
}

TEST(HeadTest, ListsLabelNamesAndValuesSorted) {
  Head head;
  MustCreate(head, {{"__name__", "gpu_util"}, {"node", "n2"}, {"gpu", "1"}});
  MustCreate(head, {{"__name__", "gpu_temp"}, {"node", "n1"}});
  EXPECT_THAT(head.LabelNames(), ElementsAre("__name__", "gpu", "node"));
  EXPECT_THAT(head.LabelValues("__name__"), ElementsAre("gpu_temp", "gpu_util"));
  EXPECT_THAT(head.LabelValues("node"), ElementsAre("n1", "n2"));
  EXPECT_THAT(head.LabelValues("nope"), IsEmpty());
}

TEST(HeadTest, GetOrCreateTellsWhetherItCreated) {
  Head head;
  bool created = false;
  ASSERT_TRUE(head.GetOrCreate({{"__name__", "up"}}, &created).ok());
  EXPECT_TRUE(created);
  ASSERT_TRUE(head.GetOrCreate({{"__name__", "up"}}, &created).ok());
  EXPECT_FALSE(created);
}

TEST(HeadTest, TryAppendReportsEachOutcome) {
  Head head;
  const SeriesRef ref = MustCreate(head, {{"__name__", "m"}});
  EXPECT_EQ(head.TryAppend(ref, 10, 1), AppendOutcome::kAppended);
  EXPECT_EQ(head.TryAppend(ref, 10, 1), AppendOutcome::kRepeat);
  EXPECT_EQ(head.TryAppend(ref, 10, 2), AppendOutcome::kDuplicate);
  EXPECT_EQ(head.TryAppend(ref, 9, 2), AppendOutcome::kOutOfOrder);
  EXPECT_EQ(head.TryAppend(ref + (SeriesRef{1} << 20), 11, 2), AppendOutcome::kNotFound);
}

TEST(HeadTest, ChunksAreCutAtRangeBoundaries) {
  Head head(HeadOptions{.chunk_range_ms = 1000});
  const SeriesRef ref = MustCreate(head, {{"__name__", "m"}});
  for (int64_t t = 0; t < 3000; t += 100) ASSERT_TRUE(head.Append(ref, t, 1).ok());
  const std::vector<ChunkSnapshot> chunks = head.Chunks(ref, 0, 3000);
  ASSERT_EQ(chunks.size(), 3u);  // 10 samples each: far from full, cut by range
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].min_t_ms, static_cast<int64_t>(i) * 1000);
    EXPECT_EQ(chunks[i].max_t_ms, static_cast<int64_t>(i) * 1000 + 900);
  }
  EXPECT_EQ(head.Chunks(ref, 1000, 1999).size(), 1u);
  EXPECT_THAT(Times(ReadAll(head, ref, 950, 1050)), ElementsAre(1000));
}

TEST(HeadTest, RestoreKeepsRefsAndLaterRefsStayAbove) {
  Head first;
  const Labels a{{"__name__", "a"}};
  const Labels b{{"__name__", "b"}};
  const SeriesRef ref_a = MustCreate(first, a);
  const SeriesRef ref_b = MustCreate(first, b);

  Head second;
  ASSERT_TRUE(second.Restore(ref_b, b).ok());
  ASSERT_TRUE(second.Restore(ref_b, b).ok());  // replaying a series twice is harmless
  EXPECT_EQ(second.SeriesLabels(ref_b), b);
  StatusOr<SeriesRef> again = second.GetOrCreate(b);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, ref_b);
  const SeriesRef fresh = MustCreate(second, a);
  EXPECT_GT(fresh >> 6, ref_b >> 6);
  EXPECT_NE(fresh, ref_a);
}

TEST(HeadTest, RestoreRejectsRefsThatCannotBeRight) {
  Head head;
  const Labels a{{"__name__", "a"}};
  const SeriesRef ref = MustCreate(head, a);
  EXPECT_THAT(head.Restore(ref ^ 1, a), StatusIs(StatusCode::kCorruption, HasSubstr("shard")));
  EXPECT_THAT(head.Restore(ref + 64, a), StatusIs(StatusCode::kCorruption, HasSubstr("two refs")));
  Labels other;
  for (int i = 0;; ++i) {  // other labels in the same shard as `a`
    other = Labels{{"__name__", "x" + std::to_string(i)}};
    if ((other.Hash() & 63) == (a.Hash() & 63)) break;
  }
  EXPECT_THAT(head.Restore(ref, other), StatusIs(StatusCode::kCorruption, HasSubstr("both")));
}

TEST(HeadTest, TruncateBeforeReturnsTheDroppedRefs) {
  Head head;
  const SeriesRef old_ref = MustCreate(head, {{"__name__", "old"}});
  const SeriesRef new_ref = MustCreate(head, {{"__name__", "new"}});
  ASSERT_TRUE(head.Append(old_ref, 10, 1).ok());
  ASSERT_TRUE(head.Append(new_ref, 2000, 1).ok());
  EXPECT_THAT(head.TruncateBefore(1000), ElementsAre(old_ref));
  int seen = 0;
  head.ForEachSeries([&](SeriesRef ref, const Labels& labels) {
    ++seen;
    EXPECT_EQ(ref, new_ref);
    EXPECT_EQ(labels.Get("__name__"), "new");
  });
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace gw::tsdb
