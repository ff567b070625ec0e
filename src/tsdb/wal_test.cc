// Round trips through WalWriter and WalReader: record sizes around page boundaries, segment
// rotation, reopening, truncation, sync policies and directory contents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "tsdb/wal_format.h"
#include "tsdb/wal_reader.h"
#include "tsdb/wal_test_util.h"
#include "tsdb/wal_writer.h"

namespace gw::tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using wal::kHeaderSize;
using wal::kMaxFragmentPayload;
using wal::kPageSize;
using wal_testing::MakeRecord;
using wal_testing::ReadAll;
using wal_testing::SegmentPath;
using wal_testing::StatusIs;

class WalTest : public ::testing::Test {
 protected:
  std::unique_ptr<WalWriter> OpenWriter(WalOptions options = {}) {
    options.clock = &clock_;
    auto writer = WalWriter::Open(&env_, dir_, options);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(writer).value() : nullptr;
  }

  // Writes `records` with a fresh writer and closes it.
  void WriteAll(const std::vector<std::string>& records, WalOptions options = {}) {
    auto writer = OpenWriter(options);
    ASSERT_NE(writer, nullptr);
    for (const std::string& r : records) ASSERT_TRUE(writer->Log(r).ok());
    ASSERT_TRUE(writer->Close().ok());
  }

  uint64_t FileSize(uint64_t segment) { return *env_.GetFileSize(SegmentPath(dir_, segment)); }

  FaultInjectionEnv env_;
  FakeClock clock_;
  std::string dir_ = "wal";
};

TEST_F(WalTest, EmptyLogReadsCleanlyAndMissingDirectoryIsNotFound) {
  ASSERT_TRUE(env_.CreateDirIfMissing(dir_).ok());
  wal_testing::ReadBack back = ReadAll(&env_, dir_);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_EQ(back.result.records, 0u);
  EXPECT_THAT(ReadAll(&env_, "nowal").result.error,
              StatusIs(StatusCode::kNotFound, HasSubstr("nowal")));
}

TEST_F(WalTest, RoundTripsEachSizeAroundPageBoundaries) {
  for (size_t size :
       {size_t{0}, size_t{1}, kMaxFragmentPayload - 1, kMaxFragmentPayload, kMaxFragmentPayload + 1,
        kPageSize - 1, kPageSize, kPageSize + 1, 3 * kPageSize + 17, size_t{200'000}}) {
    SCOPED_TRACE("size " + std::to_string(size));
    FaultInjectionEnv env;
    auto writer = WalWriter::Open(&env, dir_, {});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Log(MakeRecord(1, size)).ok());
    ASSERT_TRUE((*writer)->Log(MakeRecord(2, 3)).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    wal_testing::ReadBack back = ReadAll(&env, dir_);
    ASSERT_TRUE(back.result.error.ok()) << back.result.error.ToString();
    EXPECT_THAT(back.records, ElementsAre(MakeRecord(1, size), MakeRecord(2, 3)));
    EXPECT_EQ(back.result.last_good, (WalPosition{0, *env.GetFileSize(SegmentPath(dir_, 0))}));
  }
}

TEST_F(WalTest, LaysOutFragmentsAndPaddingAsTheFormatSays) {
  // A record that fills a page exactly, then one leaving 3 bytes (a zero trailer), then one
  // that must start on the third page.
  WriteAll({MakeRecord(0, kMaxFragmentPayload), MakeRecord(1, kMaxFragmentPayload - 3),
            MakeRecord(2, 0)});
  const std::string bytes = *ReadFileToString(&env_, SegmentPath(dir_, 0));
  ASSERT_EQ(bytes.size(), 2 * kPageSize + kHeaderSize);
  EXPECT_EQ(bytes[6], 1);                                     // FULL
  EXPECT_EQ(bytes.substr(4, 2), std::string("\xf9\x7f", 2));  // 32761 little-endian
  EXPECT_EQ(bytes[kPageSize + 6], 1);
  EXPECT_EQ(bytes.substr(2 * kPageSize - 3, 3), std::string(3, '\0'));
  EXPECT_EQ(bytes.substr(2 * kPageSize + 4, 3), std::string("\0\0\x01", 3));  // empty FULL
  EXPECT_EQ(ReadAll(&env_, dir_).records.size(), 3u);
}

TEST_F(WalTest, SplitsLargeRecordsIntoFirstMiddleLast) {
  WriteAll({MakeRecord(0, 2 * kPageSize)});
  const std::string bytes = *ReadFileToString(&env_, SegmentPath(dir_, 0));
  EXPECT_EQ(bytes[6], 2);                  // FIRST
  EXPECT_EQ(bytes[kPageSize + 6], 3);      // MIDDLE
  EXPECT_EQ(bytes[2 * kPageSize + 6], 4);  // LAST
  EXPECT_EQ(bytes.size(), 2 * kPageSize + kHeaderSize + (2 * kPageSize - 2 * kMaxFragmentPayload));
}

TEST_F(WalTest, RotatesSegmentsWithoutSplittingRecords) {
  const WalOptions options{.segment_size_bytes = 2 * kPageSize};
  std::vector<std::string> records;
  records.reserve(100);
  for (int i = 0; i < 100; ++i) records.push_back(MakeRecord(i, 1000 + 97 * i));
  WriteAll(records, options);
  auto listing = wal::ListSegments(&env_, dir_);
  ASSERT_TRUE(listing.ok());
  ASSERT_GE(listing->segments.size(), 10u);
  for (uint64_t segment : listing->segments) {
    EXPECT_LE(FileSize(segment), options.segment_size_bytes) << segment;
    // Each segment on its own starts with a whole record: read it alone.
    FaultInjectionEnv alone;
    ASSERT_TRUE(alone.CreateDirIfMissing("w").ok());
    ASSERT_TRUE(WriteStringToFile(&alone, *ReadFileToString(&env_, SegmentPath(dir_, segment)),
                                  SegmentPath("w", segment))
                    .ok());
    EXPECT_TRUE(ReadAll(&alone, "w").result.error.ok()) << segment;
  }
  wal_testing::ReadBack back = ReadAll(&env_, dir_);
  ASSERT_TRUE(back.result.error.ok()) << back.result.error.ToString();
  EXPECT_EQ(back.records, records);
  EXPECT_EQ(back.result.last_good.segment, listing->segments.back());
}

TEST_F(WalTest, RecordLargerThanASegmentGetsOneOfItsOwn) {
  WriteAll({MakeRecord(0, 10), MakeRecord(1, 3 * kPageSize), MakeRecord(2, 10)},
           {.segment_size_bytes = kPageSize});
  EXPECT_EQ(FileSize(0), kHeaderSize + 10);
  EXPECT_GT(FileSize(1), 3 * kPageSize);
  EXPECT_EQ(FileSize(2), kHeaderSize + 10);
  EXPECT_EQ(ReadAll(&env_, dir_).records.size(), 3u);
}

TEST_F(WalTest, ReopeningAppendsInANewSegment) {
  WriteAll({MakeRecord(0, 10), MakeRecord(1, 20)});
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->segment(), 1u);
  ASSERT_TRUE(writer->Log(MakeRecord(2, 30)).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_THAT(writer->Log("x"), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("closed")));
  WriteAll({});  // an empty segment in the middle is fine
  WriteAll({MakeRecord(3, 40)});
  EXPECT_EQ(FileSize(2), 0u);
  EXPECT_THAT(ReadAll(&env_, dir_).records, ElementsAre(MakeRecord(0, 10), MakeRecord(1, 20),
                                                        MakeRecord(2, 30), MakeRecord(3, 40)));
}

TEST_F(WalTest, TruncateDeletesOlderSegmentsOnly) {
  auto writer = OpenWriter({.segment_size_bytes = kPageSize});
  ASSERT_NE(writer, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer->Log(MakeRecord(i, kPageSize - 100)).ok());
  ASSERT_EQ(writer->segment(), 4u);
  ASSERT_TRUE(writer->Truncate(3).ok());
  EXPECT_THAT(wal::ListSegments(&env_, dir_)->segments, ElementsAre(3, 4));
  EXPECT_THAT(writer->Truncate(5),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("segment being written (4)")));
  ASSERT_TRUE(writer->Close().ok());
  wal_testing::ReadBack back = ReadAll(&env_, dir_);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_THAT(back.records,
              ElementsAre(MakeRecord(3, kPageSize - 100), MakeRecord(4, kPageSize - 100)));
}

TEST_F(WalTest, SyncPolicyAlwaysSyncsEveryRecord) {
  auto writer = OpenWriter({.sync_policy = WalSyncPolicy::kAlways});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer->Log(MakeRecord(i, 10)).ok());
  EXPECT_EQ(env_.sync_count(), 3);
  EXPECT_EQ(env_.SyncedSize(SegmentPath(dir_, 0)), 3 * (kHeaderSize + 10));
}

TEST_F(WalTest, SyncPolicyIntervalSyncsOncePerInterval) {
  auto writer = OpenWriter({.sync_policy = WalSyncPolicy::kInterval, .sync_interval_ms = 1000});
  ASSERT_TRUE(writer->Log("a").ok());
  clock_.AdvanceMs(999);
  ASSERT_TRUE(writer->Log("b").ok());
  EXPECT_EQ(env_.sync_count(), 0);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(writer->Log("c").ok());
  EXPECT_EQ(env_.sync_count(), 1);
  ASSERT_TRUE(writer->Log("d").ok());
  EXPECT_EQ(env_.sync_count(), 1);
  EXPECT_EQ(env_.SyncedSize(SegmentPath(dir_, 0)), 3 * (kHeaderSize + 1));
}

TEST_F(WalTest, SyncPolicyNeverLeavesItToSyncCloseAndRotation) {
  auto writer = OpenWriter({.segment_size_bytes = kPageSize, .sync_policy = WalSyncPolicy::kNever});
  ASSERT_TRUE(writer->Log(MakeRecord(0, 100)).ok());
  clock_.AdvanceMs(1'000'000);
  ASSERT_TRUE(writer->Log(MakeRecord(1, 100)).ok());
  EXPECT_EQ(env_.sync_count(), 0);
  ASSERT_TRUE(writer->Log(MakeRecord(2, kPageSize - 100)).ok());  // rotates: segment 0 synced
  EXPECT_EQ(env_.sync_count(), 1);
  EXPECT_EQ(env_.SyncedSize(SegmentPath(dir_, 0)), 2 * (kHeaderSize + 100));
  ASSERT_TRUE(writer->Sync().ok());
  EXPECT_EQ(env_.sync_count(), 2);
}

TEST_F(WalTest, RejectsBadOptions) {
  EXPECT_THAT(WalWriter::Open(&env_, dir_, {.segment_size_bytes = kPageSize - 1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("below one page")));
  EXPECT_THAT(WalWriter::Open(&env_, dir_, {.sync_interval_ms = -1}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative")));
}

TEST_F(WalTest, OtherFilesAreIgnoredAndListed) {
  WriteAll({MakeRecord(0, 10)});
  ASSERT_TRUE(WriteStringToFile(&env_, "junk", JoinPath(dir_, "wal.lock")).ok());
  ASSERT_TRUE(WriteStringToFile(&env_, "junk", JoinPath(dir_, "00000001.tmp")).ok());
  wal_testing::ReadBack back = ReadAll(&env_, dir_);
  EXPECT_TRUE(back.result.error.ok());
  EXPECT_EQ(back.records.size(), 1u);
  EXPECT_THAT(back.result.ignored_files, ElementsAre("00000001.tmp", "wal.lock"));
  auto writer = OpenWriter();  // the .tmp file does not count as segment 1
  EXPECT_EQ(writer->segment(), 1u);
}

TEST_F(WalTest, DigitOnlyNamesTheWriterWouldNotWriteAreCorruption) {
  for (const char* name : {"0000001", "000000001"}) {
    FaultInjectionEnv env;
    ASSERT_TRUE(env.CreateDirIfMissing(dir_).ok());
    ASSERT_TRUE(WriteStringToFile(&env, "", JoinPath(dir_, name)).ok());
    EXPECT_THAT(ReadAll(&env, dir_).result.error,
                StatusIs(StatusCode::kCorruption,
                         HasSubstr(std::string("wal/") + name + ": named like a WAL segment")));
    EXPECT_THAT(WalWriter::Open(&env, dir_, {}),
                StatusIs(StatusCode::kCorruption, HasSubstr(name)));
  }
  EXPECT_EQ(wal::ParseSegmentFileName("123456789"), 123456789u);  // longer names are fine
  EXPECT_EQ(wal::SegmentFileName(123456789), "123456789");
}

TEST(WalPosixTest, RoundTripsOnTheRealFileSystem) {
  char tmpl[] = "/tmp/gw_wal_test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = JoinPath(tmpl, "wal");
  Env* env = PosixEnv::Default();
  std::vector<std::string> records;
  records.reserve(50);
  for (int i = 0; i < 50; ++i) records.push_back(MakeRecord(i, size_t{3000} * i));
  {
    auto writer = WalWriter::Open(
        env, dir, {.segment_size_bytes = 4 * kPageSize, .sync_policy = WalSyncPolicy::kAlways});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const std::string& r : records) ASSERT_TRUE((*writer)->Log(r).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  wal_testing::ReadBack back = ReadAll(env, dir);
  EXPECT_TRUE(back.result.error.ok()) << back.result.error.ToString();
  EXPECT_EQ(back.records, records);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace gw::tsdb
