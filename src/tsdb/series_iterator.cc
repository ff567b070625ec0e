#include "tsdb/series_iterator.h"

#include <utility>

namespace gw::tsdb {

SeriesIterator::SeriesIterator(std::vector<ChunkSnapshot> chunks, int64_t mint_ms, int64_t maxt_ms)
    : chunks_(std::move(chunks)), mint_ms_(mint_ms), maxt_ms_(maxt_ms) {
  done_ = mint_ms > maxt_ms;
}

bool SeriesIterator::OpenChunk() {
  if (index_ >= chunks_.size()) {
    done_ = true;
    return false;
  }
  if (!it_) it_.emplace(chunks_[index_].encoding, *chunks_[index_].bytes);
  return true;
}

bool SeriesIterator::ChunkFailed() {
  if (!it_->status().ok()) {
    status_ = it_->status();
    done_ = true;
    return true;
  }
  return false;
}

bool SeriesIterator::InRange() {
  if (it_->t_ms() > maxt_ms_) {
    done_ = true;
    positioned_ = false;
    return false;
  }
  positioned_ = true;
  return true;
}

bool SeriesIterator::Next() {
  if (!positioned_) return Seek(mint_ms_);
  while (!done_ && OpenChunk()) {
    if (it_->Next()) return InRange();
    if (ChunkFailed()) return false;
    ++index_;
    it_.reset();
  }
  positioned_ = false;
  return false;
}

bool SeriesIterator::Seek(int64_t t_ms) {
  if (t_ms < mint_ms_) t_ms = mint_ms_;
  if (positioned_ && it_->t_ms() >= t_ms) return true;
  while (!done_ && OpenChunk()) {
    // Chunks that end before t_ms need no decoding.
    if (chunks_[index_].max_t_ms >= t_ms) {
      if (it_->Seek(t_ms)) return InRange();
      if (ChunkFailed()) return false;
    }
    ++index_;
    it_.reset();
  }
  positioned_ = false;
  return false;
}

}  // namespace gw::tsdb
