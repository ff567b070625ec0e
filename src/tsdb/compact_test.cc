#include "tsdb/compact.h"

#include <gtest/gtest.h>

#include "tsdb/block_test_util.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/int_format.h"
#include "tsdb/retention.h"

namespace gw::tsdb {
namespace {

using block_testing::StatusIs;
using block_testing::Truth;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kHour = int64_t{3600} * 1000;
constexpr int64_t kTwoHours = 2 * kHour;  // the range of each block the tests write

Truth Union(const std::vector<Truth>& parts) {
  Truth out;
  for (const Truth& t : parts) {
    for (const auto& [labels, samples] : t) {
      out[labels].insert(out[labels].end(), samples.begin(), samples.end());
    }
  }
  return out;
}

TEST(CompactTest, MergesBlocksIntoTheirUnion) {
  FaultInjectionEnv env;
  ASSERT_TRUE(env.CreateDirIfMissing("data").ok());
  std::vector<Truth> parts;
  std::vector<std::unique_ptr<Block>> blocks;
  for (int i = 0; i < 3; ++i) {
    // Different series counts, so some series exist in some blocks only.
    parts.push_back(
        block_testing::RandomTruth(10 + i, 10 + 5 * i, i * kTwoHours, (i + 1) * kTwoHours));
    auto meta =
        block_testing::WriteBlock(&env, "data", parts.back(), i * kTwoHours, (i + 1) * kTwoHours);
    ASSERT_TRUE(meta.ok());
    blocks.push_back(Block::Open(&env, "data/" + meta->ulid).value());
  }
  // Given out of order: Compact sorts by time.
  std::vector<const Block*> in = {blocks[2].get(), blocks[0].get(), blocks[1].get()};
  auto meta = Compact(&env, "data", in);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->level, 2);
  EXPECT_EQ(meta->min_t_ms, 0);
  EXPECT_EQ(meta->max_t_ms, 6 * kHour);
  std::vector<std::string> sources = {blocks[0]->meta().ulid, blocks[1]->meta().ulid,
                                      blocks[2]->meta().ulid};
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(meta->sources, sources);
  EXPECT_THAT(meta->parents,
              ElementsAre(blocks[0]->meta().ulid, blocks[1]->meta().ulid, blocks[2]->meta().ulid));
  uint64_t chunks = 0;
  for (const auto& b : blocks) chunks += b->meta().num_chunks;
  EXPECT_EQ(meta->num_chunks, chunks);

  auto merged = Block::Open(&env, "data/" + meta->ulid);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(block_testing::ReadAll(**merged).value(), Union(parts));

  // Compacting again goes one level up and keeps the level-1 sources.
  auto again = Compact(&env, "data", std::vector<const Block*>{merged->get()});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->level, 3);
  EXPECT_EQ(again->sources, sources);
}

TEST(CompactTest, MergesBlocksHoldingBothChunkEncodings) {
  FaultInjectionEnv env;
  ASSERT_TRUE(env.CreateDirIfMissing("data").ok());
  std::vector<Truth> parts;
  std::vector<std::unique_ptr<Block>> blocks;
  for (int i = 0; i < 2; ++i) {
    // The same integer series in both blocks, floats in the second only.
    Truth part = block_testing::IntegerTruth(20 + i, 8, i * kTwoHours, (i + 1) * kTwoHours);
    if (i == 1) {
      const Truth floats = block_testing::RandomTruth(30, 5, 2 * kHour, 4 * kHour, "f");
      part.insert(floats.begin(), floats.end());
    }
    auto meta = block_testing::WriteBlock(&env, "data", part, i * kTwoHours, (i + 1) * kTwoHours);
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    parts.push_back(std::move(part));
    blocks.push_back(Block::Open(&env, "data/" + meta->ulid).value());
  }
  EXPECT_GT(block_testing::CountEncodings(*blocks[0])[kIntEncoding], 0);
  EXPECT_GT(block_testing::CountEncodings(*blocks[1])[kXorEncoding], 0);
  auto meta = Compact(&env, "data", std::vector<const Block*>{blocks[0].get(), blocks[1].get()});
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->num_samples, blocks[0]->meta().num_samples + blocks[1]->meta().num_samples);
  auto merged = Block::Open(&env, "data/" + meta->ulid);
  ASSERT_TRUE(merged.ok());
  // Integer chunks are copied as they are; XOR chunks stay XOR unless integers are smaller.
  std::map<uint8_t, int> want = block_testing::CountEncodings(*blocks[0]);
  for (const auto& [encoding, n] : block_testing::CountEncodings(*blocks[1])) want[encoding] += n;
  EXPECT_EQ(block_testing::CountEncodings(**merged), want);
  EXPECT_EQ(block_testing::ReadAll(**merged).value(), Union(parts));
}

TEST(CompactTest, RejectsOverlapAndNothing) {
  FaultInjectionEnv env;
  ASSERT_TRUE(env.CreateDirIfMissing("data").ok());
  const Truth t = block_testing::RandomTruth(20, 2, 0, kHour);
  auto a = block_testing::WriteBlock(&env, "data", t, 0, 2 * kHour).value();
  auto b = block_testing::WriteBlock(&env, "data", {}, kHour, 3 * kHour).value();
  auto ba = Block::Open(&env, "data/" + a.ulid).value();
  auto bb = Block::Open(&env, "data/" + b.ulid).value();
  EXPECT_THAT(Compact(&env, "data", std::vector<const Block*>{ba.get(), bb.get()}),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("overlap")));
  EXPECT_THAT(Compact(&env, "data", std::span<const Block* const>{}),
              StatusIs(StatusCode::kInvalidArgument, _));
  EXPECT_EQ(env.GetChildren("data").value().size(), 2u);  // nothing left behind
}

BlockMeta Meta(const std::string& ulid, int64_t min_h, int64_t max_h) {
  BlockMeta m;
  m.ulid = ulid;
  m.min_t_ms = min_h * kHour;
  m.max_t_ms = max_h * kHour;
  return m;
}

std::vector<std::string> Plan(const std::vector<BlockMeta>& metas) {
  const std::vector<int64_t> ranges = {2 * kHour, 6 * kHour, 18 * kHour};
  return PlanCompaction(metas, ranges);
}

TEST(PlanCompactionTest, Cases) {
  // Too few blocks: the newest is always kept out.
  EXPECT_THAT(Plan({}), IsEmpty());
  EXPECT_THAT(Plan({Meta("A", 0, 2), Meta("B", 2, 4)}), IsEmpty());
  // Three 2h blocks fill a 6h window; the fourth is the fresh one.
  EXPECT_THAT(Plan({Meta("A", 0, 2), Meta("B", 2, 4), Meta("C", 4, 6), Meta("D", 6, 8)}),
              ElementsAre("A", "B", "C"));
  // Given in any order.
  EXPECT_THAT(Plan({Meta("D", 6, 8), Meta("B", 2, 4), Meta("C", 4, 6), Meta("A", 0, 2)}),
              ElementsAre("A", "B", "C"));
  // A window not yet full whose newest block is the fresh one: wait.
  EXPECT_THAT(Plan({Meta("A", 0, 2), Meta("B", 2, 4), Meta("C", 4, 6)}), IsEmpty());
  // A partial window (a gap) is closed once a later block exists beyond it.
  EXPECT_THAT(Plan({Meta("A", 0, 2), Meta("B", 2, 4), Meta("C", 8, 10), Meta("D", 10, 12)}),
              ElementsAre("A", "B"));
  // Three 6h blocks make an 18h block.
  EXPECT_THAT(Plan({Meta("A", 0, 6), Meta("B", 6, 12), Meta("C", 12, 18), Meta("D", 18, 20)}),
              ElementsAre("A", "B", "C"));
  // A block straddling a window boundary is in no group.
  EXPECT_THAT(Plan({Meta("A", 4, 8), Meta("B", 8, 10), Meta("C", 10, 12), Meta("D", 12, 14),
                    Meta("E", 14, 16)}),
              ElementsAre("B", "C"));
  // Overlapping blocks are never planned.
  EXPECT_THAT(Plan({Meta("A", 0, 2), Meta("B", 1, 3), Meta("C", 6, 8)}), IsEmpty());
  // Negative times fall in the window below zero.
  EXPECT_THAT(Plan({Meta("A", -6, -4), Meta("B", -4, -2), Meta("C", -2, 0), Meta("D", 0, 2)}),
              ElementsAre("A", "B", "C"));
  // One range only: nothing to plan.
  const std::vector<BlockMeta> metas = {Meta("A", 0, 2), Meta("B", 2, 4), Meta("C", 4, 6)};
  const std::vector<int64_t> one = {2 * kHour};
  EXPECT_THAT(PlanCompaction(metas, one), IsEmpty());
}

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirIfMissing("data").ok());
    for (int i = 0; i < 4; ++i) {
      auto meta = block_testing::WriteBlock(
          &env_, "data", block_testing::RandomTruth(30 + i, 5, i * kTwoHours, (i + 1) * kTwoHours),
          i * kTwoHours, (i + 1) * kTwoHours);
      ASSERT_TRUE(meta.ok());
      blocks_.push_back(Block::Open(&env_, "data/" + meta->ulid).value());
      ptrs_.push_back(blocks_.back().get());
    }
  }
  std::string Dir(int i) const { return blocks_[i]->dir(); }
  uint64_t Size(int i) const { return blocks_[i]->size_bytes(); }

  FaultInjectionEnv env_;
  std::vector<std::unique_ptr<Block>> blocks_;  // [0,2h) [2h,4h) [4h,6h) [6h,8h)
  std::vector<const Block*> ptrs_;
};

TEST_F(RetentionTest, ByTime) {
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 0, 0, 0), IsEmpty());
  // Window [2h, 8h): block 0 ends at 2h, entirely before it.
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 6 * kHour, 0, 0), ElementsAre(Dir(0)));
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 4 * kHour + 1, 0, 0), ElementsAre(Dir(0)));
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 4 * kHour, 0, 0), ElementsAre(Dir(0), Dir(1)));
  // The newest block is never deleted by age.
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 1, 0, 0), ElementsAre(Dir(0), Dir(1), Dir(2)));
}

TEST_F(RetentionTest, BySize) {
  const uint64_t newest_two = Size(3) + Size(2);
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 0, newest_two, 0), ElementsAre(Dir(0), Dir(1)));
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 0, newest_two - 1, 0),
              ElementsAre(Dir(0), Dir(1), Dir(2)));
  // The WAL counts against the limit too.
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 0, newest_two, 1), ElementsAre(Dir(0), Dir(1), Dir(2)));
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 0, 1, 0), ElementsAre(Dir(0), Dir(1), Dir(2), Dir(3)));
  // Both limits: the union, oldest first.
  EXPECT_THAT(BlocksBeyondRetention(ptrs_, 6 * kHour, Size(3) + Size(2) + Size(1), 0),
              ElementsAre(Dir(0)));
  EXPECT_THAT(BlocksBeyondRetention(std::span<const Block* const>{}, kHour, 1, 0), IsEmpty());
}

}  // namespace
}  // namespace gw::tsdb
