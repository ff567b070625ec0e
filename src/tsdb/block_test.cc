#include "tsdb/block.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "tsdb/block_format.h"
#include "tsdb/block_meta.h"
#include "tsdb/block_test_util.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/int_format.h"

namespace gw::tsdb {
namespace {

using block_testing::M;
using block_testing::StatusIs;
using block_testing::Truth;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kHour = int64_t{3600} * 1000;

class BlockTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirIfMissing("data").ok()); }

  std::unique_ptr<Block> OpenOk(const std::string& ulid) {
    auto b = Block::Open(&env_, JoinPath("data", ulid));
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? std::move(*b) : nullptr;
  }

  FaultInjectionEnv env_;
};

TEST_F(BlockTest, RoundTripsRandomSeriesBitExactly) {
  const Truth truth = block_testing::RandomTruth(1, 40, 0, 2 * kHour);
  auto meta = block_testing::WriteBlock(&env_, "data", truth, 0, 2 * kHour);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->num_series, truth.size());
  uint64_t samples = 0;
  for (const auto& [l, s] : truth) samples += s.size();
  EXPECT_EQ(meta->num_samples, samples);
  EXPECT_EQ(meta->level, 1);
  EXPECT_THAT(meta->sources, ElementsAre(meta->ulid));

  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->meta(), *meta);
  auto back = block_testing::ReadAll(*b);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, truth);
  EXPECT_GT(b->size_bytes(), 0u);
}

TEST_F(BlockTest, IntegerSeriesAreStoredAsIntegerChunksAndReadBack) {
  Truth truth = block_testing::IntegerTruth(5, 12, 0, 2 * kHour);
  const Truth floats = block_testing::RandomTruth(6, 6, 0, 2 * kHour, "f");
  truth.insert(floats.begin(), floats.end());
  auto meta = block_testing::WriteBlock(&env_, "data", truth, 0, 2 * kHour);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  uint64_t samples = 0;
  for (const auto& [l, s] : truth) samples += s.size();
  EXPECT_EQ(meta->num_samples, samples);  // counted alike in both encodings

  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);
  const std::map<uint8_t, int> encodings = block_testing::CountEncodings(*b);
  // 12 chunks of 120 samples per series; at least the counters and the int64 extremes are
  // smaller as integers (small gauges may be smaller as XOR), the random floats stay XOR.
  EXPECT_GE(encodings.at(kIntEncoding), 6 * 12);
  EXPECT_GE(encodings.at(kXorEncoding), 6);
  auto back = block_testing::ReadAll(*b);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, truth);
  auto window = block_testing::ReadAll(*b, kHour / 3, kHour);  // Seek into integer chunks
  ASSERT_TRUE(window.ok()) << window.status().ToString();
  EXPECT_EQ(*window, block_testing::Clip(truth, kHour / 3, kHour));
}

TEST_F(BlockTest, ReadsVersion1SegmentsAndRefusesNewerOnes) {
  const Truth truth = block_testing::RandomTruth(8, 5, 0, kHour);
  auto meta = block_testing::WriteBlock(&env_, "data", truth, 0, kHour);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  const std::string seg = "data/" + meta->ulid + "/chunks/000001";
  std::string bytes = ReadFileToString(&env_, seg).value();
  ASSERT_EQ(bytes[4], static_cast<char>(block::kChunksVersion));
  bytes[4] = 1;  // as written before integer chunks: XOR chunks only
  ASSERT_TRUE(WriteStringToFile(&env_, bytes, seg).ok());
  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(block_testing::ReadAll(*b).value(), truth);
  b.reset();
  bytes[4] = block::kChunksVersion + 1;
  ASSERT_TRUE(WriteStringToFile(&env_, bytes, seg).ok());
  EXPECT_THAT(Block::Open(&env_, "data/" + meta->ulid).status(),
              StatusIs(StatusCode::kCorruption, HasSubstr("bad segment magic or version")));
}

TEST_F(BlockTest, SelectReturnsOnlyOverlappingChunksOfMatchingSeries) {
  const Truth truth = block_testing::RandomTruth(2, 30, 0, 2 * kHour);
  auto meta = block_testing::WriteBlock(&env_, "data", truth, 0, 2 * kHour);
  ASSERT_TRUE(meta.ok());
  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);

  const int64_t mint = kHour / 2;
  const int64_t maxt = kHour;
  auto got =
      b->Select({M(MatchType::kEqual, "job", "gpu"), M(MatchType::kRegexNoMatch, "__name__", "m1")},
                mint, maxt);
  ASSERT_TRUE(got.ok());
  Truth want;
  for (const auto& [labels, samples] : block_testing::Clip(truth, mint, maxt)) {
    if (labels.Get("job") == "gpu" && labels.Get("__name__") != "m1") want[labels] = samples;
  }
  Truth have;
  for (size_t i = 0; i < got->size(); ++i) {
    const SeriesChunks& s = (*got)[i];
    if (i > 0) {
      EXPECT_LT((*got)[i - 1].labels, s.labels);
    }
    for (const ChunkSnapshot& c : s.chunks) {
      EXPECT_TRUE(c.max_t_ms >= mint && c.min_t_ms <= maxt);
    }
    auto samples = block_testing::Decode(s.chunks, mint, maxt);
    ASSERT_TRUE(samples.ok());
    if (!samples->empty()) have[s.labels] = *samples;
  }
  EXPECT_EQ(have, want);
  EXPECT_FALSE(want.empty());

  auto none = b->Select({}, 0, 2 * kHour);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
  auto outside = b->Select({M(MatchType::kEqual, "job", "gpu")}, 3 * kHour, 4 * kHour);
  ASSERT_TRUE(outside.ok());
  EXPECT_THAT(*outside, IsEmpty());
}

// Select's range is inclusive at both ends, as Querier's: a chunk that only touches it counts.
TEST_F(BlockTest, SelectRangeIsInclusive) {
  const Labels l{{"a", "b"}};
  Truth truth;
  truth[l] = {{100, 1}, {200, 2}};
  auto w = BlockWriter::Create(&env_, "data", 0, kHour).value();
  std::vector<ChunkSnapshot> chunks = block_testing::CutChunks({{100, 1}});
  const auto second = block_testing::CutChunks({{200, 2}});
  chunks.push_back(second[0]);
  ASSERT_TRUE(w->AddSeries(l, chunks).ok());
  const BlockMeta meta = w->Finish().value();
  auto b = OpenOk(meta.ulid);
  ASSERT_NE(b, nullptr);
  auto count = [&](int64_t mint, int64_t maxt) {
    auto got = b->Select({M(MatchType::kEqual, "a", "b")}, mint, maxt).value();
    return got.empty() ? 0 : got[0].chunks.size();
  };
  EXPECT_EQ(count(0, 99), 0u);
  EXPECT_EQ(count(0, 100), 1u);
  EXPECT_EQ(count(100, 199), 1u);
  EXPECT_EQ(count(100, 200), 2u);
  EXPECT_EQ(count(101, 200), 1u);
  EXPECT_EQ(count(200, kHour), 1u);
  EXPECT_EQ(count(201, kHour), 0u);
  EXPECT_EQ(count(kHour, 2 * kHour), 0u);
  EXPECT_EQ(block_testing::ReadAll(*b).value(), truth);
}

TEST_F(BlockTest, LabelNamesAndValues) {
  const Truth truth = block_testing::RandomTruth(3, 6, 0, kHour);
  auto meta = block_testing::WriteBlock(&env_, "data", truth, 0, kHour);
  ASSERT_TRUE(meta.ok());
  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);
  EXPECT_THAT(b->LabelNames({}).value(), ElementsAre("__name__", "instance", "job"));
  EXPECT_THAT(b->LabelValues("job", {}).value(), ElementsAre("gpu", "slurm"));
  EXPECT_THAT(b->LabelValues("nope", {}).value(), IsEmpty());
  EXPECT_THAT(b->LabelValues("instance", {M(MatchType::kEqual, "__name__", "m0")}).value(),
              ElementsAre("node0", "node3"));
  EXPECT_THAT(b->LabelNames({M(MatchType::kEqual, "job", "none")}).value(), IsEmpty());
  EXPECT_THAT(b->LabelNames({M(MatchType::kEqual, "job", "gpu")}).value(),
              ElementsAre("__name__", "instance", "job"));
}

TEST_F(BlockTest, EmptyBlockOpens) {
  auto meta = block_testing::WriteBlock(&env_, "data", {}, 0, kHour);
  ASSERT_TRUE(meta.ok());
  auto b = OpenOk(meta->ulid);
  ASSERT_NE(b, nullptr);
  EXPECT_THAT(block_testing::ReadAll(*b).value(), IsEmpty());
  EXPECT_THAT(b->LabelNames({}).value(), IsEmpty());
}

TEST_F(BlockTest, WriterRejectsBadInput) {
  auto w = BlockWriter::Create(&env_, "data", 0, kHour).value();
  const auto chunks = block_testing::CutChunks({{10, 1}, {20, 2}});
  const Labels b{{"a", "b"}};
  ASSERT_TRUE(w->AddSeries(b, chunks).ok());
  EXPECT_THAT(w->AddSeries(b, chunks), StatusIs(StatusCode::kInvalidArgument, HasSubstr("order")));
  EXPECT_THAT(w->AddSeries(Labels{{"a", "a"}}, chunks),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("order")));
  EXPECT_THAT(w->AddSeries(Labels{}, chunks), StatusIs(StatusCode::kInvalidArgument, _));
  const auto late = block_testing::CutChunks({{kHour, 1}});
  EXPECT_THAT(w->AddSeries(Labels{{"a", "c"}}, late),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside")));
  std::vector<ChunkSnapshot> overlapping = {chunks[0], chunks[0]};
  EXPECT_THAT(w->AddSeries(Labels{{"a", "d"}}, overlapping),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("overlap")));
  auto meta = w->Finish();
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->num_series, 1u);
  EXPECT_THAT(BlockWriter::Create(&env_, "data", 5, 5).status(),
              StatusIs(StatusCode::kInvalidArgument, _));
}

TEST_F(BlockTest, WriterDestroyedBeforeFinishLeavesNothing) {
  {
    auto w = BlockWriter::Create(&env_, "data", 0, kHour).value();
    ASSERT_TRUE(w->AddSeries(Labels{{"a", "b"}}, block_testing::CutChunks({{1, 1}})).ok());
  }
  EXPECT_THAT(env_.GetChildren("data").value(), IsEmpty());
}

TEST(BlockMetaTest, UlidsAreValidAndSortByTime) {
  const std::string a = NewUlid(1000);
  const std::string b = NewUlid(1001);
  EXPECT_TRUE(IsUlid(a));
  EXPECT_LT(a, b);
  EXPECT_NE(NewUlid(5), NewUlid(5));
  EXPECT_EQ(NewUlid(0).substr(0, 10), "0000000000");
  EXPECT_FALSE(IsUlid("01HV3K8Q5X000000000000000"));   // 25 chars
  EXPECT_FALSE(IsUlid("01HV3K8Q5X000000000000000U"));  // U is not Crockford
  EXPECT_FALSE(IsUlid("81HV3K8Q5X0000000000000000"));  // time overflows 48 bits
}

TEST(BlockMetaTest, JsonRoundTripsAndRejectsDamage) {
  BlockMeta m;
  m.ulid = NewUlid();
  m.min_t_ms = -5;
  m.max_t_ms = 1700000000000;
  m.num_series = 3;
  m.num_chunks = 4;
  m.num_samples = 500;
  m.level = 3;
  m.sources = {NewUlid(1), NewUlid(2)};
  m.parents = {NewUlid(3)};
  auto back = ParseBlockMeta(EncodeBlockMeta(m), "meta.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  for (const std::string bad : {"", "{", "[]", "{\"version\":1}", "{\"version\":2}"}) {
    EXPECT_THAT(ParseBlockMeta(bad, "meta.json"),
                StatusIs(StatusCode::kCorruption, HasSubstr("meta.json")))
        << bad;
  }
  std::string swapped = EncodeBlockMeta(m);
  swapped.replace(swapped.find("-5"), 2, "1700000000001");
  EXPECT_THAT(ParseBlockMeta(swapped, "x"),
              StatusIs(StatusCode::kCorruption, HasSubstr("minTime")));
}

TEST_F(BlockTest, OpenBlocksCleansUpLeftoversAndCompactedParents) {
  const Truth truth = block_testing::RandomTruth(4, 3, 0, kHour);
  auto a = block_testing::WriteBlock(&env_, "data", truth, 0, kHour).value();
  auto b = block_testing::WriteBlock(&env_, "data", {}, kHour, 2 * kHour);
  ASSERT_TRUE(b.ok());
  // A block compacted from `a` whose parents were not deleted yet.
  auto w = BlockWriter::Create(&env_, "data", 0, kHour, 2, {a.ulid}, {a.ulid}).value();
  for (const auto& [labels, samples] : truth) {
    ASSERT_TRUE(w->AddSeries(labels, block_testing::CutChunks(samples)).ok());
  }
  const BlockMeta child = w->Finish().value();
  // A crash mid-write and mid-delete, and entries that are not blocks.
  const std::string tmp = "data/" + NewUlid() + ".tmp";
  ASSERT_TRUE(env_.CreateDirIfMissing(tmp).ok());
  ASSERT_TRUE(env_.CreateDirIfMissing(tmp + "/chunks").ok());
  ASSERT_TRUE(WriteStringToFile(&env_, "x", tmp + "/chunks/000001").ok());
  ASSERT_TRUE(env_.CreateDirIfMissing("data/" + NewUlid() + ".tmp-for-deletion").ok());
  ASSERT_TRUE(env_.CreateDirIfMissing("data/wal").ok());
  ASSERT_TRUE(WriteStringToFile(&env_, "x", "data/lock").ok());
  // A damaged block.
  const std::string broken = NewUlid();
  ASSERT_TRUE(env_.CreateDirIfMissing("data/" + broken).ok());
  ASSERT_TRUE(WriteStringToFile(&env_, "{", "data/" + broken + "/meta.json").ok());

  auto opened = OpenBlocks(&env_, "data");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->blocks.size(), 2u);
  EXPECT_EQ(opened->blocks[0]->meta().ulid, child.ulid);
  EXPECT_EQ(opened->blocks[1]->meta().ulid, b->ulid);
  ASSERT_EQ(opened->failed.size(), 1u);
  EXPECT_EQ(opened->failed[0].first, "data/" + broken);
  EXPECT_THAT(opened->failed[0].second, StatusIs(StatusCode::kCorruption, _));
  std::vector<std::string> left = env_.GetChildren("data").value();
  std::sort(left.begin(), left.end());
  std::vector<std::string> want = {child.ulid, b->ulid, broken, "wal", "lock"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(left, want);
  EXPECT_EQ(block_testing::ReadAll(*opened->blocks[0]).value(), truth);
}

TEST_F(BlockTest, OpenBlocksOfMissingDirIsEmpty) {
  auto opened = OpenBlocks(&env_, "nowhere");
  ASSERT_TRUE(opened.ok());
  EXPECT_THAT(opened->blocks, IsEmpty());
}

TEST_F(BlockTest, DeleteBlockRemovesEverything) {
  auto meta = block_testing::WriteBlock(&env_, "data", block_testing::RandomTruth(5, 3, 0, kHour),
                                        0, kHour);
  ASSERT_TRUE(meta.ok());
  ASSERT_TRUE(DeleteBlock(&env_, "data/" + meta->ulid).ok());
  EXPECT_THAT(env_.GetChildren("data").value(), IsEmpty());
  EXPECT_THAT(DeleteBlock(&env_, "data/" + meta->ulid), StatusIs(StatusCode::kNotFound, _));
}

TEST_F(BlockTest, OpenRejectsRenamedDirectory) {
  auto meta = block_testing::WriteBlock(&env_, "data", block_testing::RandomTruth(6, 2, 0, kHour),
                                        0, kHour);
  ASSERT_TRUE(meta.ok());
  const std::string other = NewUlid();
  ASSERT_TRUE(env_.RenameFile("data/" + meta->ulid, "data/" + other).ok());
  EXPECT_THAT(Block::Open(&env_, "data/" + other),
              StatusIs(StatusCode::kCorruption, HasSubstr("directory")));
}

// The same on the real file system: PosixEnv's pread, rmdir and directory rename.
TEST(BlockPosixTest, RoundTripsAndDeletesOnDisk) {
  char tmpl[] = "/tmp/gw_block_test_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  Env* env = PosixEnv::Default();
  const Truth truth = block_testing::RandomTruth(7, 20, 0, 2 * kHour);
  auto meta = block_testing::WriteBlock(env, dir, truth, 0, 2 * kHour);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  auto opened = OpenBlocks(env, dir);
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened->blocks.size(), 1u);
  EXPECT_EQ(block_testing::ReadAll(*opened->blocks[0]).value(), truth);
  EXPECT_EQ(opened->blocks[0]->size_bytes(),
            std::filesystem::file_size(dir + "/" + meta->ulid + "/index") +
                std::filesystem::file_size(dir + "/" + meta->ulid + "/meta.json") +
                std::filesystem::file_size(dir + "/" + meta->ulid + "/chunks/000001"));
  opened->blocks.clear();
  ASSERT_TRUE(DeleteBlock(env, dir + "/" + meta->ulid).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gw::tsdb
