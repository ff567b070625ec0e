// The interfaces between the store and the parts that write into it (scrapes, the remote_write
// receiver) and read from it (the query API, the remote_write sender). The store (tsdb/db.h)
// implements them; tests may implement them in memory.
#ifndef GW_TSDB_STORAGE_H_
#define GW_TSDB_STORAGE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/postings.h"
#include "tsdb/sample.h"
#include "tsdb/series_iterator.h"

namespace gw::tsdb {

// What a commit did with the samples it was given. Rejected samples never fail a commit; they
// are counted here (and in the store's own counters), as Prometheus counts them per scrape.
struct CommitResult {
  uint64_t appended = 0;
  uint64_t out_of_order = 0;   // older than the series' newest sample
  uint64_t duplicate = 0;      // same timestamp as the newest sample, another value
  uint64_t out_of_bounds = 0;  // older than what the head still accepts (already in a block)
  uint64_t series_created = 0;
  // The ref hint named a series the head has dropped since (see Appender::Append).
  uint64_t stale_ref = 0;
};

// A batch of samples that becomes durable (as the WAL's sync policy says) and visible to
// queries together, at Commit. Not thread-safe: one appender per writer; several appenders may
// commit concurrently.
class Appender {
 public:
  virtual ~Appender() = default;

  // Stages one sample of the series `labels`. `ref_hint` is the ref this call returned for the
  // same labels before (0 when unknown): with a hint the labels are not looked up at all. A hint
  // for a series the head has dropped since (it had no sample for a block range and a half)
  // costs that one sample: Commit refuses it (CommitResult::stale_ref) and the next Append with
  // that hint looks the labels up again. With a hint, `labels` may be empty, so that a caller
  // need not keep every series' labels in memory: if the hint is known to be stale, that call
  // fails with kNotFound and the caller appends again with the labels. Returns the ref to pass
  // next time. Errors (the sample is not staged): kInvalidArgument for an empty label set
  // without a hint; kNotFound as said.
  virtual StatusOr<SeriesRef> Append(SeriesRef ref_hint, const Labels& labels, int64_t t_ms,
                                     double v) = 0;
  // Logs the staged samples to the WAL and adds them to the head; the appender is empty
  // afterwards and may be reused. Errors: kIoError / kResourceExhausted when the WAL cannot be
  // written (disk full): nothing of the batch is kept and the store refuses further samples
  // with the same error until it is restarted.
  virtual StatusOr<CommitResult> Commit() = 0;
  // Drops the staged samples.
  virtual void Rollback() = 0;
};

// Sees everything the store ingests, in commit order: the remote_write sender's feed.
// Calls come from committing threads while they hold the store's commit lock, so an observer
// must be quick and never block (queue, or drop and count).
class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  // A series the following samples refer to; called once per series before its first sample,
  // and again for every live series when the store opens.
  virtual void OnSeries(SeriesRef ref, const Labels& labels) = 0;
  using RefSample = tsdb::RefSample;
  virtual void OnSamples(std::span<const RefSample> samples) = 0;
  // Series the head dropped (no samples left in memory); their refs will not be seen again.
  virtual void OnSeriesRemoved(std::span<const SeriesRef> refs) = 0;
};

// One series and its chunks, in time order and not overlapping, over a queried range. The
// chunks may hold samples outside the range; SeriesIterator clips.
struct SeriesChunks {
  Labels labels;
  std::vector<ChunkSnapshot> chunks;
};

// Reads the store as of the call (later appends may or may not be seen). Thread-safe.
class Querier {
 public:
  virtual ~Querier() = default;
  // The series matching every matcher that have samples in [mint, maxt], sorted by labels.
  // No matchers select nothing. Errors: kCorruption / kIoError from blocks on disk.
  virtual StatusOr<std::vector<SeriesChunks>> Select(const std::vector<Matcher>& matchers,
                                                     int64_t mint_ms, int64_t maxt_ms) const = 0;
  // Sorted, distinct label names (values of `name`) of the series with samples in
  // [mint, maxt] that match every matcher; with no matchers, of every such series.
  virtual StatusOr<std::vector<std::string>> LabelNames(const std::vector<Matcher>& matchers,
                                                        int64_t mint_ms,
                                                        int64_t maxt_ms) const = 0;
  virtual StatusOr<std::vector<std::string>> LabelValues(std::string_view name,
                                                         const std::vector<Matcher>& matchers,
                                                         int64_t mint_ms,
                                                         int64_t maxt_ms) const = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
  virtual const Querier& querier() const = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_STORAGE_H_
