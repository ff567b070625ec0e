// Blocks on a bad disk: flipped bits, truncated files, failing fsync, writes and reads, short
// reads. Damage must be kCorruption (or give back exactly what was written), never a crash.
#include <gtest/gtest.h>

#include "tsdb/block.h"
#include "tsdb/block_test_util.h"
#include "tsdb/file_env_fault.h"

namespace gw::tsdb {
namespace {

using block_testing::StatusIs;
using block_testing::Truth;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kHour = int64_t{3600} * 1000;

class BlockFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirIfMissing("data").ok());
    truth_ = block_testing::RandomTruth(42, 8, 0, kHour);
    const Truth ints = block_testing::IntegerTruth(43, 4, 0, kHour);  // integer chunks too
    truth_.insert(ints.begin(), ints.end());
    auto meta = block_testing::WriteBlock(&env_, "data", truth_, 0, kHour);
    ASSERT_TRUE(meta.ok());
    dir_ = "data/" + meta->ulid;
  }

  // Opens the block and reads it all: OK with the truth, or the error.
  Status OpenAndRead() {
    GW_ASSIGN_OR_RETURN(auto b, Block::Open(&env_, dir_));
    GW_ASSIGN_OR_RETURN(Truth back, block_testing::ReadAll(*b));
    if (back != truth_) return InternalError("damage went unnoticed: data differs");
    GW_RETURN_IF_ERROR(b->LabelNames({}).status());
    GW_RETURN_IF_ERROR(
        b->LabelValues("job", {block_testing::M(MatchType::kEqual, "job", "gpu")}).status());
    return Status::Ok();
  }

  // Flips each bit of `file` in turn (a stride of bytes for speed) and checks that the block
  // reads back exactly or fails with kCorruption. Returns how many flips were caught.
  int FlipEveryBit(const std::string& file, size_t stride) {
    const uint64_t size = env_.GetFileSize(file).value();
    int caught = 0;
    int flips = 0;
    for (uint64_t off = 0; off < size; off += stride) {
      for (int bit = 0; bit < 8; ++bit) {
        EXPECT_TRUE(env_.FlipBit(file, off, bit).ok());
        const Status s = OpenAndRead();
        EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption)
            << file << " offset " << off << " bit " << bit << ": " << s.ToString();
        if (!s.ok()) {
          EXPECT_THAT(s.message(), HasSubstr(dir_)) << s.ToString();
          ++caught;
        }
        ++flips;
        EXPECT_TRUE(env_.FlipBit(file, off, bit).ok());
      }
    }
    EXPECT_GT(flips, 0);
    return caught;
  }

  FaultInjectionEnv env_;
  Truth truth_;
  std::string dir_;
};

TEST_F(BlockFaultTest, IntactBlockReadsBack) { EXPECT_TRUE(OpenAndRead().ok()); }

TEST_F(BlockFaultTest, BitFlipsInIndexAreCaught) {
  const std::string index = dir_ + "/index";
  const int caught = FlipEveryBit(index, 1);
  // Everything but the zero padding before 16-byte-aligned series is checked.
  EXPECT_GT(caught, static_cast<int>(env_.GetFileSize(index).value() * 8 * 3 / 4));
}

TEST_F(BlockFaultTest, BitFlipsInChunksAreCaught) {
  const std::string seg = dir_ + "/chunks/000001";
  const int caught = FlipEveryBit(seg, 7);
  EXPECT_GT(caught, static_cast<int>(env_.GetFileSize(seg).value() / 7 * 8 * 9 / 10));
}

TEST_F(BlockFaultTest, BitFlipsInMetaAreCaughtOrHarmless) { FlipEveryBit(dir_ + "/meta.json", 3); }

TEST_F(BlockFaultTest, TruncatedFilesAreCorruption) {
  for (const std::string name : {"index", "chunks/000001", "meta.json"}) {
    const std::string path = dir_ + "/" + name;
    const std::string whole = ReadFileToString(&env_, path).value();
    // meta.json ends in a newline, so cut two bytes to lose its closing brace.
    for (size_t len : {size_t{0}, size_t{3}, whole.size() / 2, whole.size() - 2}) {
      ASSERT_TRUE(WriteStringToFile(&env_, whole.substr(0, len), path).ok());
      EXPECT_THAT(OpenAndRead(), StatusIs(StatusCode::kCorruption, _)) << name << " at " << len;
    }
    ASSERT_TRUE(WriteStringToFile(&env_, whole, path).ok());
  }
  ASSERT_TRUE(env_.RemoveFile(dir_ + "/index").ok());
  EXPECT_THAT(OpenAndRead(), StatusIs(StatusCode::kNotFound, _));
}

TEST_F(BlockFaultTest, MissingSegmentIsCorruption) {
  ASSERT_TRUE(env_.RenameFile(dir_ + "/chunks/000001", dir_ + "/chunks/000002").ok());
  EXPECT_THAT(OpenAndRead(), StatusIs(StatusCode::kCorruption, HasSubstr("numbered")));
  ASSERT_TRUE(env_.RemoveFile(dir_ + "/chunks/000002").ok());
  EXPECT_THAT(OpenAndRead(), StatusIs(StatusCode::kCorruption, HasSubstr("segment")));
}

TEST_F(BlockFaultTest, ReadErrorsPropagateAndShortReadsAreFine) {
  env_.SetMaxReadBytes(3);
  EXPECT_TRUE(OpenAndRead().ok());
  env_.SetMaxReadBytes(0);
  auto b = Block::Open(&env_, dir_).value();
  env_.SetReadError(IoError("disk on fire"));
  EXPECT_THAT(block_testing::ReadAll(*b), StatusIs(StatusCode::kIoError, HasSubstr("fire")));
}

// A failing fsync (or write) while the block is finished: an error, and after a power loss no
// block and no leftovers are visible.
TEST_F(BlockFaultTest, SyncOrWriteFailureDuringFinishLeavesNoBlock) {
  for (bool fail_sync : {true, false}) {
    FaultInjectionEnv env;
    ASSERT_TRUE(env.CreateDirIfMissing("data").ok());
    auto w = BlockWriter::Create(&env, "data", 0, kHour).value();
    for (const auto& [labels, samples] : truth_) {
      ASSERT_TRUE(w->AddSeries(labels, block_testing::CutChunks(samples)).ok());
    }
    if (fail_sync) {
      env.SetSyncError(IoError("fsync failed"));
    } else {
      env.SetAppendError(IoError("disk full"));
    }
    EXPECT_THAT(w->Finish(), StatusIs(StatusCode::kIoError, _));
    EXPECT_THAT(w->Finish(), StatusIs(StatusCode::kIoError, _));  // stays failed
    env.SetSyncError(Status::Ok());
    env.SetAppendError(Status::Ok());
    EXPECT_THAT(env.GetChildren("data").value(), IsEmpty());  // .tmp removed at once
    w.reset();
    env.Crash(0);
    auto opened = OpenBlocks(&env, "data");
    ASSERT_TRUE(opened.ok());
    EXPECT_THAT(opened->blocks, IsEmpty());
    EXPECT_THAT(opened->failed, IsEmpty());
  }
}

// A power loss at any point of writing: either the block is complete or it is not there.
TEST_F(BlockFaultTest, CrashWhileWritingLeavesCompleteBlockOrNone) {
  for (uint64_t keep : {uint64_t{0}, uint64_t{10}, uint64_t{1000}}) {
    FaultInjectionEnv env;
    ASSERT_TRUE(env.CreateDirIfMissing("data").ok());
    auto w = BlockWriter::Create(&env, "data", 0, kHour).value();
    for (const auto& [labels, samples] : truth_) {
      ASSERT_TRUE(w->AddSeries(labels, block_testing::CutChunks(samples)).ok());
    }
    env.Crash(keep);  // before Finish: nothing was synced
    EXPECT_FALSE(w->Finish().ok());
    w.reset();
    auto opened = OpenBlocks(&env, "data");
    ASSERT_TRUE(opened.ok());
    EXPECT_THAT(opened->blocks, IsEmpty());
    EXPECT_THAT(env.GetChildren("data").value(), IsEmpty());
  }
}

}  // namespace
}  // namespace gw::tsdb
