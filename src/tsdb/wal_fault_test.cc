// The WAL under injected faults (leveldb's log_test corruption cases and recovery tests): torn
// writes at every offset, bit flips, short reads, read errors, failed fsync and appends,
// truncated, missing and empty segments, and bad fragment sequences.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/crc32c.h"
#include "tsdb/wal_format.h"
#include "tsdb/wal_reader.h"
#include "tsdb/wal_test_util.h"
#include "tsdb/wal_writer.h"

namespace gw::tsdb {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using wal::kHeaderSize;
using wal::kPageSize;
using wal_testing::MakeRecord;
using wal_testing::ReadAll;
using wal_testing::ReadBack;
using wal_testing::SegmentPath;
using wal_testing::StatusIs;

constexpr char kDir[] = "wal";

// A log in a fault-injecting Env, remembering where each record starts.
struct Log {
  FaultInjectionEnv env;
  std::vector<std::string> records;
  std::vector<WalPosition> starts;
  WalPosition end;

  // Logs `sizes.size()` records and syncs them, then logs `unsynced` without syncing.
  void Write(const std::vector<size_t>& sizes, const std::vector<size_t>& unsynced = {},
             uint64_t segment_size = wal::kDefaultSegmentSize) {
    auto writer = WalWriter::Open(
        &env, kDir, {.segment_size_bytes = segment_size, .sync_policy = WalSyncPolicy::kNever});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    auto log = [&](size_t size) {
      records.push_back(MakeRecord(static_cast<int>(records.size()), size));
      WalPosition start{(*writer)->segment(), (*writer)->segment_offset()};
      ASSERT_TRUE((*writer)->Log(records.back()).ok());
      // A rotation moved the record to the start of a new segment.
      if ((*writer)->segment() != start.segment) start = {(*writer)->segment(), 0};
      starts.push_back(start);
    };
    for (size_t size : sizes) log(size);
    ASSERT_TRUE((*writer)->Sync().ok());
    for (size_t size : unsynced) log(size);
    end = {(*writer)->segment(), (*writer)->segment_offset()};
  }

  std::vector<std::string> First(size_t n) const {
    return {records.begin(), records.begin() + static_cast<std::ptrdiff_t>(n)};
  }
  std::string Path(uint64_t segment) const { return SegmentPath(kDir, segment); }
};

// After a crash that tore the last record, replay must return every earlier record and call the
// damage a torn tail, and repair must cut exactly the torn bytes.
void ExpectTornTailRepaired(Log& log, size_t good) {
  ReadBack back = ReadAll(&log.env, kDir);
  ASSERT_TRUE(back.result.torn_tail) << back.result.error.ToString();
  EXPECT_EQ(back.result.error.code(), StatusCode::kCorruption);
  EXPECT_EQ(back.records, log.First(good));
  EXPECT_EQ(back.result.last_good, log.starts[good]);
  ASSERT_TRUE(RepairWal(&log.env, kDir, back.result).ok());
  EXPECT_EQ(*log.env.GetFileSize(log.Path(log.starts[good].segment)), log.starts[good].offset);
}

// A repaired log takes new records after its `good` ones.
void ExpectAppendsAfterRepair(Log& log, size_t good) {
  auto writer = WalWriter::Open(&log.env, kDir, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Log("after repair").ok());
  ASSERT_TRUE((*writer)->Close().ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_TRUE(back.result.error.ok()) << back.result.error.ToString();
  std::vector<std::string> want = log.First(good);
  want.push_back("after repair");
  EXPECT_EQ(back.records, want);
}

// The whole recovery from a torn last record: repaired, then writable again.
void ExpectTornTailRecovers(Log& log, size_t good) {
  ASSERT_NO_FATAL_FAILURE(ExpectTornTailRepaired(log, good));
  ExpectAppendsAfterRepair(log, good);
}

TEST(WalFaultTest, TornWriteAtEveryByteOfASmallLastRecord) {
  const size_t size = 100;
  for (uint64_t keep = 0; keep <= kHeaderSize + size; ++keep) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " bytes of the last record");
    Log log;
    log.Write({10, 2000, 3}, {size});
    log.env.Crash(keep);
    if (keep == 0 || keep == kHeaderSize + size) {
      ReadBack back = ReadAll(&log.env, kDir);
      EXPECT_TRUE(back.result.error.ok()) << back.result.error.ToString();
      EXPECT_EQ(back.records, log.First(keep == 0 ? 3 : 4));
    } else {
      ExpectTornTailRecovers(log, 3);
    }
  }
}

TEST(WalFaultTest, TornWriteAcrossPagesOfAMultiPageLastRecord) {
  // The last record starts 1000 bytes before a page end and spans three pages.
  const size_t size = 2 * kPageSize;
  Log probe;
  probe.Write({kPageSize - 1000 - 2 * kHeaderSize}, {size});
  const uint64_t total = probe.end.offset - probe.starts[1].offset;
  // Every byte near the page boundaries the record crosses, a sample elsewhere.
  auto near_boundary = [&](uint64_t keep) {
    const uint64_t in_page = (probe.starts[1].offset + keep) % kPageSize;
    return in_page < 40 || in_page > kPageSize - 40;
  };
  for (uint64_t keep = 1; keep < total; keep += near_boundary(keep) ? 1 : 331) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(total));
    Log log;
    log.Write({kPageSize - 1000 - 2 * kHeaderSize}, {size});
    log.env.Crash(keep);
    ExpectTornTailRecovers(log, 1);
  }
}

TEST(WalFaultTest, TornFirstRecordOfTheNewestSegment) {
  Log log;
  log.Write({kPageSize - 200, kPageSize - 200}, {kPageSize - 200}, kPageSize);
  ASSERT_EQ(log.starts[2], (WalPosition{2, 0}));
  log.env.Crash(50);
  ExpectTornTailRecovers(log, 2);
}

TEST(WalFaultTest, BitFlipInTheMiddleIsCorruptionAtThatOffset) {
  Log log;
  log.Write({1000, 1000, 1000, 1000, 1000, 1000});
  ASSERT_TRUE(log.env.FlipBit(log.Path(0), log.starts[3].offset + kHeaderSize + 500, 4).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       AllOf(HasSubstr("wal/00000000 offset " +
                                       std::to_string(log.starts[3].offset) + ": bad CRC"),
                             HasSubstr("not a torn tail"))));
  EXPECT_EQ(back.result.error_position, log.starts[3]);
  EXPECT_EQ(back.result.last_good, log.starts[3]);
  EXPECT_EQ(back.records, log.First(3));

  EXPECT_THAT(RepairWal(&log.env, kDir, back.result),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("kDiscardAfterCorruption")));
  EXPECT_EQ(*log.env.GetFileSize(log.Path(0)), log.end.offset);  // untouched
  ASSERT_TRUE(RepairWal(&log.env, kDir, back.result, WalRepairMode::kDiscardAfterCorruption).ok());
  back = ReadAll(&log.env, kDir);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_EQ(back.records, log.First(3));
}

TEST(WalFaultTest, EveryBitOfAMiddleHeaderIsCaught) {
  for (uint64_t byte = 0; byte < kHeaderSize; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      SCOPED_TRACE("header byte " + std::to_string(byte) + " bit " + std::to_string(bit));
      Log log;
      log.Write({300, 300, 300, 300});
      ASSERT_TRUE(log.env.FlipBit(log.Path(0), log.starts[1].offset + byte, bit).ok());
      ReadBack back = ReadAll(&log.env, kDir);
      EXPECT_EQ(back.result.error.code(), StatusCode::kCorruption) << back.result.error.ToString();
      EXPECT_FALSE(back.result.torn_tail) << back.result.error.ToString();
      EXPECT_EQ(back.result.error_position, log.starts[1]);
      EXPECT_EQ(back.records, log.First(1));
    }
  }
}

TEST(WalFaultTest, EveryBitOfTheLastRecordIsATornTail) {
  const size_t size = 40;
  for (uint64_t byte = 0; byte < kHeaderSize + size; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      SCOPED_TRACE("byte " + std::to_string(byte) + " bit " + std::to_string(bit));
      Log log;
      log.Write({300, 300, size});
      ASSERT_TRUE(log.env.FlipBit(log.Path(0), log.starts[2].offset + byte, bit).ok());
      ExpectTornTailRecovers(log, 2);
    }
  }
}

TEST(WalFaultTest, NonZeroPageTrailerIsCorruption) {
  Log log;
  log.Write({wal::kMaxFragmentPayload - 3, 10});  // leaves a 3-byte trailer
  ASSERT_TRUE(log.env.FlipBit(log.Path(0), kPageSize - 2, 0).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_THAT(back.result.error, StatusIs(StatusCode::kCorruption,
                                          HasSubstr("offset " + std::to_string(kPageSize - 3) +
                                                    ": non-zero byte in the page trailer")));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_EQ(back.records, log.First(1));
}

TEST(WalFaultTest, ZeroedPageInsideARecordIsCorruptionNotASplicedRecord) {
  // FIRST, MIDDLE, LAST: with the MIDDLE page lost to zeros, FIRST + LAST must not pass for a
  // record.
  Log log;
  log.Write({2 * kPageSize + 10, 10});
  std::string bytes = *ReadFileToString(&log.env, log.Path(0));
  bytes.replace(kPageSize, kPageSize, std::string(kPageSize, '\0'));
  ASSERT_TRUE(WriteStringToFile(&log.env, bytes, log.Path(0)).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       AllOf(HasSubstr("wal/00000000 offset 32768: padding inside the record "
                                       "started at offset 0"),
                             HasSubstr("valid data follows"))));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_TRUE(back.records.empty());
}

TEST(WalFaultTest, ZerosAfterTheLastRecordAreNotDamage) {
  // A file system may leave zeros past what was written when it crashes.
  Log log;
  log.Write({100, 200});
  std::string bytes = *ReadFileToString(&log.env, log.Path(0)) + std::string(kPageSize + 5, '\0');
  ASSERT_TRUE(WriteStringToFile(&log.env, bytes, log.Path(0)).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_TRUE(back.result.error.ok()) << back.result.error.ToString();
  EXPECT_EQ(back.records, log.records);
  EXPECT_EQ(back.result.last_good, log.end);
}

TEST(WalFaultTest, ShortReadsLoseNothing) {
  for (size_t max_read : {size_t{1}, size_t{7}, size_t{1000}, kPageSize - 1}) {
    SCOPED_TRACE("reads of at most " + std::to_string(max_read));
    Log log;
    log.Write({0, 1, 5000, kPageSize + 3, 17});
    log.env.SetMaxReadBytes(max_read);
    ReadBack back = ReadAll(&log.env, kDir);
    EXPECT_TRUE(back.result.error.ok()) << back.result.error.ToString();
    EXPECT_EQ(back.records, log.records);
  }
}

TEST(WalFaultTest, ReadErrorIsSurfacedAndNotRepairable) {
  Log log;
  log.Write({100, 200});
  log.env.SetReadError(IoError("injected EIO"));
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kIoError, "wal/00000000 offset 0: injected EIO"));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_FALSE(back.result.recoverable());
  EXPECT_THAT(RepairWal(&log.env, kDir, back.result),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not damage to the log")));
}

TEST(WalFaultTest, FsyncFailureUnderAlwaysFailsLogAndSticks) {
  FaultInjectionEnv env;
  auto writer = WalWriter::Open(&env, kDir, {.sync_policy = WalSyncPolicy::kAlways});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Log("durable").ok());
  env.SetSyncError(IoError("fdatasync wal/00000000: Input/output error"));
  EXPECT_THAT(
      (*writer)->Log("lost"),
      StatusIs(StatusCode::kIoError, "WAL sync: fdatasync wal/00000000: Input/output error"));
  env.SetSyncError(Status::Ok());  // a later fsync may "succeed" without the lost pages
  EXPECT_THAT((*writer)->Log("after"), StatusIs(StatusCode::kIoError, HasSubstr("WAL sync")));
  EXPECT_THAT((*writer)->Sync(), StatusIs(StatusCode::kIoError, HasSubstr("WAL sync")));
  EXPECT_THAT((*writer)->Close(), StatusIs(StatusCode::kIoError, HasSubstr("WAL sync")));
  env.Crash(0);
  ReadBack back = ReadAll(&env, kDir);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_EQ(back.records, std::vector<std::string>{"durable"});
}

TEST(WalFaultTest, AppendFailureSticks) {
  FaultInjectionEnv env;
  auto writer = WalWriter::Open(&env, kDir, {});
  ASSERT_TRUE(writer.ok());
  env.SetAppendError(IoError("No space left on device"));
  EXPECT_THAT((*writer)->Log("x"),
              StatusIs(StatusCode::kIoError, "WAL append: No space left on device"));
  env.SetAppendError(Status::Ok());
  EXPECT_THAT((*writer)->Log("y"), StatusIs(StatusCode::kIoError, HasSubstr("No space left")));
}

TEST(WalFaultTest, TruncatedOlderSegmentIsCorruptionTruncatedNewestIsTorn) {
  for (uint64_t segment : {uint64_t{1}, uint64_t{2}}) {
    SCOPED_TRACE("truncating segment " + std::to_string(segment));
    Log log;
    log.Write(std::vector<size_t>(9, 20000), {}, 2 * kPageSize);  // three records a segment
    ASSERT_EQ(log.end.segment, 2u);
    const size_t cut = segment * 3 + 1;  // the second record of the segment
    ASSERT_EQ(log.starts[cut].segment, segment);
    ASSERT_TRUE(log.env.TruncateFile(log.Path(segment), log.starts[cut].offset + 5000).ok());
    ReadBack back = ReadAll(&log.env, kDir);
    EXPECT_EQ(back.records, log.First(cut));
    EXPECT_EQ(back.result.torn_tail, segment == 2);
    EXPECT_THAT(back.result.error,
                StatusIs(StatusCode::kCorruption,
                         AllOf(HasSubstr("wal/0000000" + std::to_string(segment) + " offset " +
                                         std::to_string(log.starts[cut].offset) +
                                         ": fragment of 12754 bytes cut off by the end of the "
                                         "segment"),
                               HasSubstr(segment == 2 ? "fragment of" : "later segments follow"))));
    if (segment == 2) {
      EXPECT_THAT(back.result.error.message(), Not(HasSubstr("not a torn tail")));
    }
  }
}

TEST(WalFaultTest, RecordCutByTheEndOfAnOlderSegmentIsCorruption) {
  Log log;
  log.Write({kPageSize + 100, 10}, {}, kPageSize);  // record 0 spans the first two pages
  ASSERT_TRUE(log.env.TruncateFile(log.Path(0), kPageSize).ok());  // cut at a page boundary
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       "wal/00000000 offset 0: unexpected end of the segment inside a record"));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_TRUE(back.records.empty());
}

TEST(WalFaultTest, MissingMiddleSegmentIsCorruption) {
  Log log;
  log.Write({kPageSize - 100, kPageSize - 100, kPageSize - 100}, {}, kPageSize);
  ASSERT_TRUE(log.env.RemoveFile(log.Path(1)).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       "wal/00000001: segment missing between 00000000 and 00000002; the "
                       "records after the gap cannot be replayed in order"));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_EQ(back.records, log.First(1));
  ASSERT_TRUE(RepairWal(&log.env, kDir, back.result, WalRepairMode::kDiscardAfterCorruption).ok());
  EXPECT_EQ(wal::ListSegments(&log.env, kDir)->segments, std::vector<uint64_t>{0});
}

TEST(WalFaultTest, ZeroLengthNewestSegmentIsClean) {
  Log log;
  log.Write({100});
  ASSERT_TRUE(WriteStringToFile(&log.env, "", log.Path(1)).ok());
  ReadBack back = ReadAll(&log.env, kDir);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_EQ(back.records, log.records);
  EXPECT_EQ(back.result.last_good, (WalPosition{1, 0}));
}

std::string Fragment(wal::FragmentType type, std::string_view payload) {
  const char t = static_cast<char>(type);
  const uint32_t crc = crc32c::Extend(crc32c::Extend(0, &t, 1), payload);
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  out.push_back(static_cast<char>(payload.size() & 0xFF));
  out.push_back(static_cast<char>(payload.size() >> 8));
  out.push_back(t);
  return out + std::string(payload);
}

ReadBack ReadSegment(const std::string& bytes) {
  FaultInjectionEnv env;
  EXPECT_TRUE(env.CreateDirIfMissing(kDir).ok());
  EXPECT_TRUE(WriteStringToFile(&env, bytes, SegmentPath(kDir, 0)).ok());
  return ReadAll(&env, kDir);
}

TEST(WalFaultTest, BadFragmentSequencesAreCorruptionEvenAtTheTail) {
  using wal::FragmentType;
  const std::string full = Fragment(FragmentType::kFull, "ok");
  ReadBack back = ReadSegment(full + Fragment(FragmentType::kMiddle, "m"));
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       "wal/00000000 offset 9: bad fragment sequence: MIDDLE outside a record"));
  EXPECT_FALSE(back.result.torn_tail);
  EXPECT_EQ(back.records, std::vector<std::string>{"ok"});

  back =
      ReadSegment(full + Fragment(FragmentType::kFirst, "f") + Fragment(FragmentType::kFull, "x"));
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption,
                       "wal/00000000 offset 17: bad fragment sequence: FULL inside a record "
                       "started at offset 9"));
  back = ReadSegment(Fragment(FragmentType::kLast, "l"));
  EXPECT_THAT(back.result.error, StatusIs(StatusCode::kCorruption, HasSubstr("LAST outside")));
}

TEST(WalFaultTest, UnknownFragmentTypeWithAGoodCrcIsCorruption) {
  ReadBack back = ReadSegment(Fragment(static_cast<wal::FragmentType>(9), "future"));
  EXPECT_THAT(back.result.error,
              StatusIs(StatusCode::kCorruption, "wal/00000000 offset 0: unknown fragment type 9"));
  EXPECT_FALSE(back.result.torn_tail);
}

TEST(WalFaultTest, RejectedRecordStopsReplayBeforeIt) {
  Log log;
  log.Write({10, 20, 30, 40});
  auto reader = WalReader::Open(&log.env, kDir);
  ASSERT_TRUE(reader.ok());
  int seen = 0;
  ReplayResult result = (*reader)->Replay([&](std::string_view) {
    return ++seen == 3 ? CorruptionError("WAL record byte 0: unknown record type 7") : Status::Ok();
  });
  EXPECT_THAT(result.error,
              StatusIs(StatusCode::kCorruption,
                       "wal/00000000 offset " + std::to_string(log.starts[2].offset) +
                           ": record rejected: WAL record byte 0: unknown record type 7"));
  EXPECT_EQ(result.records, 2u);
  EXPECT_EQ(result.last_good, log.starts[2]);
  EXPECT_FALSE(result.torn_tail);
}

}  // namespace
}  // namespace gw::tsdb
