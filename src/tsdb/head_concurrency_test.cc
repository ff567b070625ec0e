// Appends from several threads while another selects and reads and a third creates and
// truncates short-lived series. The checks: every read sees an in-order prefix of what was
// written, and no series with samples is lost. Run under ASan/TSan as well as plainly.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tsdb/head.h"

namespace gw::tsdb {
namespace {

constexpr int kWriters = 3;
constexpr int kSeriesPerWriter = 50;
constexpr int kSamples = 400;

Labels WriterSeries(int writer, int gpu) {
  return {{"__name__", "util"}, {"writer", std::to_string(writer)}, {"gpu", std::to_string(gpu)}};
}

// The caller contract: a ref may be dropped by truncation before its first sample; then get a
// new one, as often as it takes (a truncation loop as tight as the churn thread's below can drop
// a fresh series more than once before its first append lands).
void AppendOrRecreate(Head& head, const Labels& labels, SeriesRef& ref, int64_t t) {
  Status s = head.Append(ref, t, static_cast<double>(t));
  for (int attempt = 0; s.code() == StatusCode::kNotFound && attempt < 1000; ++attempt) {
    ref = head.GetOrCreate(labels).value_or(0);
    s = head.Append(ref, t, static_cast<double>(t));
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void Writer(Head& head, int w) {
  std::vector<SeriesRef> refs;
  refs.reserve(kSeriesPerWriter);
  for (int s = 0; s < kSeriesPerWriter; ++s) {
    refs.push_back(head.GetOrCreate(WriterSeries(w, s)).value_or(0));
  }
  for (int i = 0; i < kSamples; ++i) {
    for (int s = 0; s < kSeriesPerWriter; ++s) {
      AppendOrRecreate(head, WriterSeries(w, s), refs[s], 1000 + i);
    }
  }
}

// Reads every selected series; samples must be t = value, strictly increasing from 1000.
void ReadOnce(const Head& head, const Matcher& m, int* series_read) {
  for (SeriesRef ref : head.Select({m})) {
    StatusOr<SeriesIterator> it = head.Iterator(ref, 0, INT64_MAX);
    if (!it.ok()) {
      // Selected, then dropped before its first sample: allowed, and only so.
      ASSERT_EQ(it.status().code(), StatusCode::kNotFound);
      continue;
    }
    int64_t want = 1000;
    while (it->Next()) {
      ASSERT_EQ(it->t_ms(), want);
      ASSERT_EQ(it->value(), static_cast<double>(want));
      ++want;
    }
    ASSERT_TRUE(it->status().ok());
    ++*series_read;
  }
}

TEST(HeadConcurrencyTest, AppendsWhileSelectingReadingAndTruncating) {
  Head head;
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) writers.emplace_back([&head, w] { Writer(head, w); });
  std::thread churn([&head, &done] {
    for (int i = 0; !done.load(); ++i) {
      StatusOr<SeriesRef> ref = head.GetOrCreate({{"__name__", "tmp"}, {"job", std::to_string(i)}});
      ASSERT_TRUE(ref.ok());
      head.Append(*ref, 0, 1).IgnoreError();  // kNotFound if truncated in between
      head.TruncateBefore(1);  // drops the churn series (t = 0), never a writer's (t >= 1000)
    }
  });
  StatusOr<Matcher> m = Matcher::Create(MatchType::kRegexMatch, "writer", "[0-9]");
  ASSERT_TRUE(m.ok());
  int series_read = 0;
  constexpr uint64_t kTotal = uint64_t{kWriters} * kSeriesPerWriter * kSamples;
  bool writers_done = false;
  while (!writers_done) {
    writers_done = head.stats().samples_appended >= kTotal;  // churn adds a few more
    ReadOnce(head, *m, &series_read);
  }
  for (auto& t : writers) t.join();
  done = true;
  churn.join();
  EXPECT_GT(series_read, 0);
  const std::vector<SeriesRef> refs = head.Select({*m});
  ASSERT_EQ(refs.size(), static_cast<size_t>(kWriters * kSeriesPerWriter));
  for (SeriesRef ref : refs) {
    StatusOr<SeriesIterator> it = head.Iterator(ref, 0, INT64_MAX);
    ASSERT_TRUE(it.ok());
    int n = 0;
    while (it->Next()) ++n;
    EXPECT_EQ(n, kSamples) << head.SeriesLabels(ref).ToString();
  }
  EXPECT_EQ(head.stats().out_of_order_samples, 0u);
}

}  // namespace
}  // namespace gw::tsdb
