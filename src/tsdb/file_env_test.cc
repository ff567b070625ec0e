#include "tsdb/file_env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "tsdb/file_env_fault.h"
#include "tsdb/wal_test_util.h"

namespace gw::tsdb {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using wal_testing::StatusIs;

class PosixEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw_file_env_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Env* env_ = PosixEnv::Default();
  std::string dir_;
};

TEST_F(PosixEnvTest, WritesReadsListsRenamesTruncatesAndRemoves) {
  const std::string a = JoinPath(dir_, "a");
  const std::string b = JoinPath(dir_, "b");
  ASSERT_TRUE(WriteStringToFile(env_, "hello, world", a).ok());
  EXPECT_EQ(*ReadFileToString(env_, a), "hello, world");
  EXPECT_EQ(*env_->GetFileSize(a), 12u);
  ASSERT_TRUE(env_->CreateDirIfMissing(JoinPath(dir_, "sub")).ok());
  ASSERT_TRUE(env_->CreateDirIfMissing(JoinPath(dir_, "sub")).ok());  // twice is fine
  EXPECT_THAT(*env_->GetChildren(dir_), UnorderedElementsAre("a", "sub"));

  ASSERT_TRUE(env_->RenameFile(a, b).ok());
  EXPECT_THAT(env_->GetFileSize(a), StatusIs(StatusCode::kNotFound, HasSubstr(a)));
  ASSERT_TRUE(env_->TruncateFile(b, 5).ok());
  EXPECT_EQ(*ReadFileToString(env_, b), "hello");
  ASSERT_TRUE(env_->SyncDir(dir_).ok());
  ASSERT_TRUE(env_->RemoveFile(b).ok());
  EXPECT_THAT(env_->RemoveFile(b), StatusIs(StatusCode::kNotFound, HasSubstr(b)));
}

TEST_F(PosixEnvTest, AppendsAcrossCallsAndReportsMissingPaths) {
  const std::string path = JoinPath(dir_, "log");
  auto file = env_->NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("ab").ok());
  ASSERT_TRUE((*file)->Append("cd").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_THAT((*file)->Append("x"), StatusIs(StatusCode::kFailedPrecondition, HasSubstr(path)));
  EXPECT_EQ(*ReadFileToString(env_, path), "abcd");
  EXPECT_THAT(env_->NewSequentialFile(JoinPath(dir_, "nope")),
              StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(env_->GetChildren(JoinPath(dir_, "nodir")),
              StatusIs(StatusCode::kNotFound, HasSubstr("nodir")));
  EXPECT_THAT(env_->NewWritableFile(JoinPath(dir_, "nodir/x")),
              StatusIs(StatusCode::kIoError, HasSubstr("No such file or directory")));
}

TEST(JoinPathTest, AddsOneSeparator) {
  EXPECT_EQ(JoinPath("wal", "00000001"), "wal/00000001");
  EXPECT_EQ(JoinPath("wal/", "00000001"), "wal/00000001");
  EXPECT_EQ(JoinPath("", "x"), "x");
}

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirIfMissing("d").ok()); }

  std::unique_ptr<WritableFile> Create(const std::string& path) {
    auto file = env_.NewWritableFile(path);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return std::move(file).value();
  }

  FaultInjectionEnv env_;
};

TEST_F(FaultInjectionEnvTest, CrashKeepsSyncedBytesAndTheChosenPrefixOfTheRest) {
  auto file = Create("d/f");
  ASSERT_TRUE(file->Append("synced").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("-torn-tail").ok());
  EXPECT_EQ(env_.SyncedSize("d/f"), 6u);
  env_.Crash(3);
  EXPECT_EQ(*ReadFileToString(&env_, "d/f"), "synced-to");
  EXPECT_THAT(file->Append("x"),
              StatusIs(StatusCode::kIoError, HasSubstr("before a simulated crash")));
}

TEST_F(FaultInjectionEnvTest, FailedSyncMakesNothingDurable) {
  auto file = Create("d/f");
  ASSERT_TRUE(file->Append("abc").ok());
  env_.SetSyncError(IoError("injected fsync failure"));
  EXPECT_THAT(file->Sync(), StatusIs(StatusCode::kIoError, "injected fsync failure"));
  EXPECT_EQ(env_.sync_count(), 0);
  env_.Crash(0);
  EXPECT_EQ(*ReadFileToString(&env_, "d/f"), "");
}

TEST_F(FaultInjectionEnvTest, AppendAndReadErrors) {
  auto file = Create("d/f");
  env_.SetAppendError(IoError("disk full"));
  EXPECT_THAT(file->Append("abc"), StatusIs(StatusCode::kIoError, "disk full"));
  env_.SetAppendError(Status::Ok());
  ASSERT_TRUE(file->Append("abc").ok());
  env_.SetReadError(IoError("EIO"));
  EXPECT_THAT(ReadFileToString(&env_, "d/f"), StatusIs(StatusCode::kIoError, "EIO"));
}

TEST_F(FaultInjectionEnvTest, FlipsOneBitAndShortensReads) {
  auto file = Create("d/f");
  ASSERT_TRUE(file->Append("abcdef").ok());
  ASSERT_TRUE(env_.FlipBit("d/f", 2, 0).ok());  // 'c' ^ 1 == 'b'
  EXPECT_THAT(env_.FlipBit("d/f", 6, 0), StatusIs(StatusCode::kInvalidArgument, HasSubstr("6")));
  EXPECT_THAT(env_.FlipBit("d/g", 0, 0), StatusIs(StatusCode::kNotFound, HasSubstr("d/g")));
  env_.SetMaxReadBytes(4);
  auto reader = env_.NewSequentialFile("d/f");
  ASSERT_TRUE(reader.ok());
  char buf[16];
  EXPECT_EQ(*(*reader)->Read(sizeof(buf), buf), 4u);
  EXPECT_EQ(std::string(buf, 4), "abbd");
  EXPECT_EQ(*(*reader)->Read(sizeof(buf), buf), 2u);
  EXPECT_EQ(*(*reader)->Read(sizeof(buf), buf), 0u);
  EXPECT_EQ(*ReadFileToString(&env_, "d/f"), "abbdef");  // the helper loops over short reads
}

TEST_F(FaultInjectionEnvTest, DirectoriesRenameRemoveTruncate) {
  Create("d/a");
  ASSERT_TRUE(env_.CreateDirIfMissing("d/sub").ok());
  Create("d/sub/deep");
  EXPECT_THAT(*env_.GetChildren("d"), UnorderedElementsAre("a", "sub"));
  EXPECT_THAT(env_.NewWritableFile("nodir/x"), StatusIs(StatusCode::kNotFound, HasSubstr("nodir")));
  ASSERT_TRUE(env_.RenameFile("d/a", "d/b").ok());
  EXPECT_THAT(*env_.GetChildren("d"), UnorderedElementsAre("b", "sub"));
  ASSERT_TRUE(WriteStringToFile(&env_, "12345", "d/b").ok());
  EXPECT_THAT(env_.TruncateFile("d/b", 9),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("grow")));
  ASSERT_TRUE(env_.TruncateFile("d/b", 2).ok());
  EXPECT_EQ(*ReadFileToString(&env_, "d/b"), "12");
  ASSERT_TRUE(env_.RemoveFile("d/b").ok());
  EXPECT_THAT(*env_.GetChildren("d"), ElementsAre("sub"));
}

// Makes `from` with chunks/000001 = "0123456789" in it and renames the directory to `to`.
void CheckRenameDir(Env* env, const std::string& from, const std::string& to) {
  ASSERT_TRUE(env->CreateDirIfMissing(from).ok());
  ASSERT_TRUE(env->CreateDirIfMissing(JoinPath(from, "chunks")).ok());
  ASSERT_TRUE(WriteStringToFile(env, "0123456789", JoinPath(from, "chunks/000001")).ok());
  ASSERT_TRUE(env->RenameFile(from, to).ok());
  EXPECT_THAT(env->GetChildren(from), StatusIs(StatusCode::kNotFound, HasSubstr(from)));
  EXPECT_THAT(*env->GetChildren(JoinPath(to, "chunks")), ElementsAre("000001"));
}

// Reads `dir`/chunks/000001 (as CheckRenameDir left it) through a RandomAccessFile.
void CheckRandomAccess(Env* env, const std::string& dir) {
  auto file = env->NewRandomAccessFile(JoinPath(dir, "chunks/000001"));
  ASSERT_TRUE(file.ok());
  char buf[4];
  auto got = (*file)->Read(6, sizeof(buf), buf);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(buf, *got), std::string("6789").substr(0, *got));
  EXPECT_GT(*got, 0u);
  EXPECT_EQ(*(*file)->Read(10, sizeof(buf), buf), 0u);  // the end
  EXPECT_THAT(env->NewRandomAccessFile(JoinPath(dir, "nope")), StatusIs(StatusCode::kNotFound, _));
}

// Empties and removes `dir` (as CheckRenameDir left it); RemoveDir refuses a directory that is
// not empty and one that is gone.
void CheckRemoveDir(Env* env, const std::string& dir) {
  EXPECT_FALSE(env->RemoveDir(JoinPath(dir, "chunks")).ok());  // not empty
  ASSERT_TRUE(env->RemoveFile(JoinPath(dir, "chunks/000001")).ok());
  ASSERT_TRUE(env->RemoveDir(JoinPath(dir, "chunks")).ok());
  ASSERT_TRUE(env->RemoveDir(dir).ok());
  EXPECT_THAT(env->RemoveDir(dir), StatusIs(StatusCode::kNotFound, _));
}

// RandomAccessFile, RemoveDir and renaming a directory, which blocks need, on both Envs.
void CheckDirectoriesAndRandomAccess(Env* env, const std::string& root) {
  const std::string from = JoinPath(root, "blk.tmp");
  const std::string to = JoinPath(root, "blk");
  ASSERT_NO_FATAL_FAILURE(CheckRenameDir(env, from, to));
  ASSERT_NO_FATAL_FAILURE(CheckRandomAccess(env, to));
  CheckRemoveDir(env, to);
}

TEST_F(PosixEnvTest, DirectoriesAndRandomAccess) { CheckDirectoriesAndRandomAccess(env_, dir_); }

TEST(FaultInjectionEnvDirTest, DirectoriesAndRandomAccess) {
  FaultInjectionEnv env;
  ASSERT_TRUE(env.CreateDirIfMissing("root").ok());
  CheckDirectoriesAndRandomAccess(&env, "root");
  EXPECT_THAT(*env.GetChildren("root"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace gw::tsdb
