// Helpers for the WAL tests: a StatusIs matcher, patterned records and a WAL in a fault-injecting
// in-memory Env.
#ifndef GW_TSDB_WAL_TEST_UTIL_H_
#define GW_TSDB_WAL_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/status_matchers.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/wal_reader.h"
#include "tsdb/wal_segments.h"
#include "tsdb/wal_writer.h"

namespace gw::tsdb::wal_testing {

using ::gw::testing::StatusIs;

// Record `i` of `size` bytes; no two records and no two positions in one look alike, and the
// bytes never form a valid fragment header by accident.
inline std::string MakeRecord(int i, size_t size) {
  std::string r(size, '\0');
  for (size_t j = 0; j < size; ++j)
    r[j] = static_cast<char>('a' + (static_cast<size_t>(i) * 7 + j * 13) % 26);
  return r;
}

struct ReadBack {
  std::vector<std::string> records;
  ReplayResult result;
};

// Replays `dir`, collecting the records. A failed Open is reported as result.error.
inline ReadBack ReadAll(Env* env, const std::string& dir) {
  ReadBack out;
  auto reader = WalReader::Open(env, dir);
  if (!reader.ok()) {
    out.result.error = reader.status();
    return out;
  }
  out.result = (*reader)->Replay([&](std::string_view record) {
    out.records.emplace_back(record);
    return Status::Ok();
  });
  return out;
}

inline std::string SegmentPath(const std::string& dir, uint64_t segment) {
  return JoinPath(dir, wal::SegmentFileName(segment));
}

}  // namespace gw::tsdb::wal_testing

#endif  // GW_TSDB_WAL_TEST_UTIL_H_
