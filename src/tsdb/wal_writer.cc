#include "tsdb/wal_writer.h"

#include <algorithm>

#include "tsdb/crc32c.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {

using wal::FragmentType;
using wal::kHeaderSize;
using wal::kPageSize;

namespace {

void AppendFragment(FragmentType type, std::string_view payload, std::string* out) {
  const auto type_byte = static_cast<char>(type);
  uint32_t crc = crc32c::Extend(0, &type_byte, 1);
  crc = crc32c::Extend(crc, payload);
  const auto length = static_cast<uint16_t>(payload.size());
  const char header[kHeaderSize] = {
      static_cast<char>(crc & 0xFF),
      static_cast<char>((crc >> 8) & 0xFF),
      static_cast<char>((crc >> 16) & 0xFF),
      static_cast<char>(crc >> 24),
      static_cast<char>(length & 0xFF),
      static_cast<char>(length >> 8),
      type_byte,
  };
  out->append(header, kHeaderSize);
  out->append(payload);
}

Status ValidateOptions(const WalOptions& options) {
  if (options.segment_size_bytes < kPageSize) {
    return InvalidArgumentError("WAL segment size " + std::to_string(options.segment_size_bytes) +
                                " is below one page (" + std::to_string(kPageSize) + " bytes)");
  }
  if (options.sync_interval_ms < 0) {
    return InvalidArgumentError("WAL sync interval " + std::to_string(options.sync_interval_ms) +
                                " ms is negative");
  }
  return Status::Ok();
}

}  // namespace

WalWriter::WalWriter(Env* env, std::string dir, WalOptions options)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      clock_(options.clock != nullptr ? options.clock : &SystemClock::Get()) {}

WalWriter::~WalWriter() {
  if (file_ != nullptr) file_->Close().IgnoreError();  // a destructor has no one to tell
}

StatusOr<std::unique_ptr<WalWriter>> WalWriter::Open(Env* env, std::string dir,
                                                     WalOptions options) {
  GW_RETURN_IF_ERROR(ValidateOptions(options));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(dir));
  GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env, dir));
  const uint64_t first = listing.segments.empty() ? 0 : listing.segments.back() + 1;
  std::unique_ptr<WalWriter> writer(new WalWriter(env, std::move(dir), options));
  GW_RETURN_IF_ERROR(writer->OpenSegment(first));
  return writer;
}

Status WalWriter::OpenSegment(uint64_t segment) {
  const std::string path = JoinPath(dir_, wal::SegmentFileName(segment));
  GW_ASSIGN_OR_RETURN(file_, env_->NewWritableFile(path));
  // The new name must survive a crash too, or the records in it vanish with it.
  GW_RETURN_IF_ERROR(env_->SyncDir(dir_));
  segment_ = segment;
  segment_offset_ = 0;
  last_sync_ns_ = clock_->MonotonicNs();
  return Status::Ok();
}

void WalWriter::EncodeFragments(std::string_view record, std::string* out) const {
  size_t page_offset = segment_offset_ % kPageSize;
  bool begin = true;
  for (;;) {
    const size_t page_left = kPageSize - page_offset;
    if (page_left < kHeaderSize) {
      out->append(page_left, '\0');
      page_offset = 0;
    }
    const size_t room = kPageSize - page_offset - kHeaderSize;
    const size_t n = std::min(record.size(), room);
    const bool end = n == record.size();
    const FragmentType type = begin && end ? FragmentType::kFull
                              : begin      ? FragmentType::kFirst
                              : end        ? FragmentType::kLast
                                           : FragmentType::kMiddle;
    AppendFragment(type, record.substr(0, n), out);
    page_offset = (page_offset + kHeaderSize + n) % kPageSize;
    record.remove_prefix(n);
    begin = false;
    if (end) return;
  }
}

Status WalWriter::Log(std::string_view record) {
  if (!error_.ok()) return error_;
  if (file_ == nullptr) return FailedPreconditionError("WAL writer for " + dir_ + " is closed");
  scratch_.clear();
  EncodeFragments(record, &scratch_);
  if (segment_offset_ > 0 && segment_offset_ + scratch_.size() > options_.segment_size_bytes) {
    GW_RETURN_IF_ERROR(Rotate());
    scratch_.clear();
    EncodeFragments(record, &scratch_);
  }
  if (Status s = file_->Append(scratch_); !s.ok()) return Fail(s.WithContext("WAL append"));
  segment_offset_ += scratch_.size();
  unsynced_ = true;
  switch (options_.sync_policy) {
    case WalSyncPolicy::kAlways:
      return SyncSegment();
    case WalSyncPolicy::kInterval:
      if (clock_->MonotonicNs() - last_sync_ns_ >= options_.sync_interval_ms * 1'000'000) {
        return SyncSegment();
      }
      return Status::Ok();
    case WalSyncPolicy::kNever:
      return Status::Ok();
  }
  return Status::Ok();
}

Status WalWriter::SyncSegment() {
  if (Status s = file_->Sync(); !s.ok()) return Fail(s.WithContext("WAL sync"));
  last_sync_ns_ = clock_->MonotonicNs();
  unsynced_ = false;
  return Status::Ok();
}

Status WalWriter::Rotate() {
  // A finished segment is synced whatever the policy: only the newest segment may hold a torn
  // record, which is what lets the reader tell a torn tail from corruption.
  if (unsynced_) GW_RETURN_IF_ERROR(SyncSegment());
  if (Status s = file_->Close(); !s.ok()) return Fail(s.WithContext("WAL close"));
  file_.reset();
  if (Status s = OpenSegment(segment_ + 1); !s.ok()) return Fail(s.WithContext("WAL rotate"));
  return Status::Ok();
}

Status WalWriter::NextSegment() {
  if (!error_.ok()) return error_;
  if (file_ == nullptr) return FailedPreconditionError("WAL writer for " + dir_ + " is closed");
  return Rotate();
}

Status WalWriter::Sync() {
  if (!error_.ok()) return error_;
  if (file_ == nullptr) return FailedPreconditionError("WAL writer for " + dir_ + " is closed");
  return SyncSegment();
}

Status WalWriter::Truncate(uint64_t first_segment_to_keep) {
  if (first_segment_to_keep > segment_) {
    return InvalidArgumentError("WAL truncate to " + std::to_string(first_segment_to_keep) +
                                " would delete the segment being written (" +
                                std::to_string(segment_) + ")");
  }
  GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env_, dir_));
  for (uint64_t segment : listing.segments) {
    if (segment >= first_segment_to_keep) break;
    GW_RETURN_IF_ERROR(env_->RemoveFile(JoinPath(dir_, wal::SegmentFileName(segment))));
  }
  return env_->SyncDir(dir_);
}

Status WalWriter::Close() {
  if (file_ == nullptr) return FailedPreconditionError("WAL writer for " + dir_ + " is closed");
  Status status = error_.ok() ? SyncSegment() : error_;
  Status closed = file_->Close();
  file_.reset();
  if (status.ok() && !closed.ok()) status = closed.WithContext("WAL close");
  return status;
}

Status WalWriter::Fail(Status status) {
  error_ = status;
  return status;
}

}  // namespace gw::tsdb
