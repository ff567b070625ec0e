// A Storage for tests of the parts that write into the store (scrapes, the remote_write
// receiver): it keeps every committed sample in order, with its labels, and answers no queries.
#ifndef GW_TSDB_RECORDING_STORAGE_H_
#define GW_TSDB_RECORDING_STORAGE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tsdb/storage.h"

namespace gw::tsdb {

struct RecordedSample {
  Labels labels;
  int64_t t_ms = 0;
  double v = 0;
};

// Thread-safe. Refs are handed out per distinct label set, so ref hints work as with the store.
// A sample older than its series' newest committed one is counted as out of order and dropped;
// the same timestamp with another value as a duplicate.
class RecordingStorage : public Storage {
 public:
  std::unique_ptr<Appender> NewAppender() override;
  const Querier& querier() const override;

  // Every committed sample, in commit order.
  std::vector<RecordedSample> samples() const;
  // The committed samples of the series with exactly these labels.
  std::vector<RecordedSample> SamplesOf(const Labels& labels) const;
  uint64_t commits() const;

  // While set, Commit fails with this status and keeps nothing.
  void FailCommits(Status status);

 private:
  class RecordingAppender;
  friend class RecordingAppender;

  mutable std::mutex mu_;
  std::map<Labels, SeriesRef> refs_;
  std::map<SeriesRef, Labels> labels_;
  std::map<SeriesRef, int64_t> newest_;
  std::vector<RecordedSample> samples_;
  uint64_t commits_ = 0;
  Status fail_;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_RECORDING_STORAGE_H_
