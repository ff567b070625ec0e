#include "tsdb/wal_reader.h"

#include <algorithm>
#include <cstdio>

#include "tsdb/crc32c.h"
#include "tsdb/wal_format.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {

using wal::FragmentType;
using wal::kHeaderSize;
using wal::kPageSize;

namespace {

struct Header {
  uint32_t crc;
  uint16_t length;
  uint8_t type;
};

Header ParseHeader(const char* p) {
  const auto* b = reinterpret_cast<const uint8_t*>(p);
  return Header{
      .crc = static_cast<uint32_t>(b[0] | (b[1] << 8) | (b[2] << 16)) |
             (static_cast<uint32_t>(b[3]) << 24),
      .length = static_cast<uint16_t>(b[4] | (b[5] << 8)),
      .type = b[6],
  };
}

uint32_t FragmentCrc(const char* fragment, uint16_t length) {
  return crc32c::Extend(0, fragment + kHeaderSize - 1, 1 + size_t{length});
}

// Whether page[pos, end) starts with a whole fragment of a known type and a matching CRC.
bool IsValidFragmentAt(std::string_view page, size_t pos) {
  if (page.size() < kHeaderSize || pos > page.size() - kHeaderSize) return false;
  const Header h = ParseHeader(page.data() + pos);
  if (h.type == 0 || h.type > wal::kMaxFragmentType) return false;
  if (h.length > page.size() - pos - kHeaderSize) return false;
  return h.crc == FragmentCrc(page.data() + pos, h.length);
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

}  // namespace

struct WalReader::Fragment {
  FragmentType type;
  std::string_view payload;
  uint64_t offset;  // of the header, in the segment
};

WalReader::WalReader(Env* env, std::string dir, std::vector<uint64_t> segments)
    : env_(env), dir_(std::move(dir)), segments_(std::move(segments)) {}

WalReader::~WalReader() = default;

StatusOr<std::unique_ptr<WalReader>> WalReader::Open(Env* env, std::string dir) {
  GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env, dir));
  std::unique_ptr<WalReader> reader(new WalReader(env, std::move(dir), listing.segments));
  reader->result_.ignored_files = std::move(listing.ignored);
  if (reader->segments_.empty()) {
    reader->stopped_ = true;  // an empty log ends cleanly at once
  } else {
    reader->result_.last_good = {reader->segments_.front(), 0};
    reader->OpenSegment(0);
  }
  return reader;
}

std::string WalReader::Where(uint64_t segment, uint64_t offset) const {
  return JoinPath(dir_, wal::SegmentFileName(segment)) + " offset " + std::to_string(offset);
}

bool WalReader::Stop(Status status, WalPosition position, bool torn) {
  stopped_ = true;
  result_.error = std::move(status);
  result_.error_position = position;
  result_.torn_tail = torn;
  return false;
}

bool WalReader::OpenSegment(size_t index) {
  segment_index_ = index;
  const uint64_t segment = segments_[index];
  auto file = env_->NewSequentialFile(JoinPath(dir_, wal::SegmentFileName(segment)));
  if (!file.ok()) return Stop(file.status(), {segment, 0}, false);
  file_ = std::move(file).value();
  page_.clear();
  page_start_ = 0;
  page_pos_ = 0;
  segment_done_ = false;
  return true;
}

// Called at a clean end of a segment (no record open).
bool WalReader::AdvanceSegment() {
  const size_t next = segment_index_ + 1;
  if (next == segments_.size()) {
    stopped_ = true;  // the clean end of the log
    return false;
  }
  const uint64_t prev = segments_[segment_index_];
  if (segments_[next] != prev + 1) {
    const uint64_t missing = prev + 1;
    return Stop(CorruptionError(JoinPath(dir_, wal::SegmentFileName(missing)) +
                                ": segment missing between " + wal::SegmentFileName(prev) +
                                " and " + wal::SegmentFileName(segments_[next]) +
                                "; the records after the gap cannot be replayed in order"),
                {missing, 0}, false);
  }
  result_.last_good = {segments_[next], 0};
  return OpenSegment(next);
}

// Reads the next page of the segment, looping over short reads. False at the end of the
// segment or on a read error (then stopped_ is set).
bool WalReader::LoadPage() {
  if (segment_done_) return false;
  page_start_ += page_.size();
  page_.resize(kPageSize);
  size_t got = 0;
  while (got < kPageSize) {
    StatusOr<size_t> n = file_->Read(kPageSize - got, page_.data() + got);
    if (!n.ok()) {
      const uint64_t segment = segments_[segment_index_];
      return Stop(n.status().WithContext(Where(segment, page_start_ + got)),
                  {segment, page_start_ + got}, false);
    }
    if (*n == 0) break;
    got += *n;
  }
  page_.resize(got);
  page_pos_ = 0;
  if (got < kPageSize) segment_done_ = true;
  return got > 0;
}

// Whether nothing readable follows a damaged fragment at page_[page_pos]: no valid fragment
// starts at any later byte of this page or at the start of any later page of the segment. A
// crash tears off a suffix of the writes, so after a torn record there is nothing valid.
bool WalReader::NothingValidAfter(size_t page_pos) {
  for (size_t p = page_pos + 1; p + kHeaderSize <= page_.size(); ++p) {
    if (IsValidFragmentAt(page_, p)) return false;
  }
  while (LoadPage()) {
    if (IsValidFragmentAt(page_, 0)) return false;
  }
  return true;
}

WalReader::Next WalReader::BadFragment(uint64_t offset, const std::string& what) {
  const uint64_t segment = segments_[segment_index_];
  std::string message = Where(segment, offset) + ": " + what;
  const bool newest = segment_index_ + 1 == segments_.size();
  const bool torn = newest && NothingValidAfter(static_cast<size_t>(offset - page_start_));
  if (stopped_) return Next::kStopped;  // a read error while looking ahead
  if (!torn) {
    message += newest ? "; valid data follows in this segment" : "; later segments follow";
    message += ", so this is not a torn tail and repairing would drop the records after it";
  }
  Stop(CorruptionError(std::move(message)), {segment, offset}, torn);
  return Next::kStopped;
}

WalReader::Next WalReader::SkipRestOfPage(uint64_t offset) {
  // The writer fills the pages a record spans to their ends, so a record never has a trailer
  // or padding inside it: these are zeros where a lost page was.
  if (in_record_) {
    return BadFragment(offset, "padding inside the record started at offset " +
                                   std::to_string(record_start_.offset));
  }
  return page_.size() - page_pos_ < kHeaderSize ? CheckTrailer(offset) : CheckPadding(offset);
}

// Fewer than a header's bytes are left in the page.
WalReader::Next WalReader::CheckTrailer(uint64_t offset) {
  const std::string_view rest = std::string_view{page_}.substr(page_pos_);
  if (!AllZero(rest)) {
    return page_.size() == kPageSize
               ? BadFragment(offset, "non-zero byte in the page trailer")
               : BadFragment(offset, "fragment header cut off by the end of the segment (" +
                                         std::to_string(rest.size()) + " of 7 bytes)");
  }
  page_pos_ = page_.size();
  return Next::kFragment;  // nothing returned; the caller loops
}

WalReader::Next WalReader::CheckPadding(uint64_t offset) {
  const std::string_view rest = std::string_view{page_}.substr(page_pos_);
  const size_t nonzero = rest.find_first_not_of('\0');
  if (nonzero != std::string_view::npos) {
    return BadFragment(
        offset, "non-zero byte in page padding at offset " + std::to_string(offset + nonzero));
  }
  page_pos_ = page_.size();
  return Next::kFragment;
}

WalReader::Next WalReader::NextFragment(Fragment* fragment) {
  for (;;) {
    if (page_pos_ >= page_.size() && !LoadPage()) {
      return stopped_ ? Next::kStopped : Next::kEndOfSegment;
    }
    const uint64_t offset = page_start_ + page_pos_;
    const size_t left = page_.size() - page_pos_;
    // Fewer bytes than a header are left, or the type byte is 0: no fragment in the rest.
    if (left < kHeaderSize || page_[page_pos_ + kHeaderSize - 1] == 0) {
      if (SkipRestOfPage(offset) == Next::kStopped) return Next::kStopped;
      continue;
    }
    const Header h = ParseHeader(page_.data() + page_pos_);
    if (h.length > left - kHeaderSize) {
      if (page_.size() < kPageSize && page_pos_ + kHeaderSize + h.length <= kPageSize) {
        return BadFragment(offset, "fragment of " + std::to_string(h.length) +
                                       " bytes cut off by the end of the segment");
      }
      return BadFragment(offset, "bad length " + std::to_string(h.length) + ": only " +
                                     std::to_string(left - kHeaderSize) +
                                     " payload bytes fit in the rest of the page");
    }
    const uint32_t crc = FragmentCrc(page_.data() + page_pos_, h.length);
    if (crc != h.crc) {
      return BadFragment(offset, "bad CRC (stored " + Hex32(h.crc) + ", computed " + Hex32(crc) +
                                     ") in a fragment of " + std::to_string(h.length) + " bytes");
    }
    if (h.type > wal::kMaxFragmentType) {
      // The CRC matches, so this was written on purpose: a newer format, not a torn write.
      Stop(CorruptionError(Where(segments_[segment_index_], offset) + ": unknown fragment type " +
                           std::to_string(h.type)),
           {segments_[segment_index_], offset}, false);
      return Next::kStopped;
    }
    fragment->type = static_cast<FragmentType>(h.type);
    fragment->payload = std::string_view{page_}.substr(page_pos_ + kHeaderSize, h.length);
    fragment->offset = offset;
    page_pos_ += kHeaderSize + h.length;
    return Next::kFragment;
  }
}

bool WalReader::CompleteRecord(uint64_t end_offset) {
  in_record_ = false;
  ++result_.records;
  result_.last_good = {segments_[segment_index_], end_offset};
  return true;
}

bool WalReader::ReadRecord(std::string* record) {
  record->clear();
  in_record_ = false;
  while (!stopped_) {
    Fragment f{};
    const Next next = NextFragment(&f);
    if (next == Next::kStopped) return false;
    const uint64_t segment = segments_.empty() ? 0 : segments_[segment_index_];
    if (next == Next::kEndOfSegment) {
      if (!in_record_) {
        AdvanceSegment();
        continue;
      }
      const bool newest = segment_index_ + 1 == segments_.size();
      return Stop(CorruptionError(Where(segment, record_start_.offset) +
                                  ": unexpected end of the segment inside a record"),
                  record_start_, newest);
    }
    const bool starts = f.type == FragmentType::kFull || f.type == FragmentType::kFirst;
    if (starts == in_record_) {
      return Stop(CorruptionError(Where(segment, f.offset) +
                                  ": bad fragment sequence: " + wal::FragmentTypeName(f.type) +
                                  (in_record_ ? " inside a record started at offset " +
                                                    std::to_string(record_start_.offset)
                                              : std::string(" outside a record"))),
                  {segment, f.offset}, false);
    }
    if (starts) record_start_ = {segment, f.offset};
    in_record_ = true;
    record->append(f.payload);
    if (f.type == FragmentType::kFull || f.type == FragmentType::kLast) {
      return CompleteRecord(f.offset + kHeaderSize + f.payload.size());
    }
  }
  return false;
}

ReplayResult WalReader::Replay(const std::function<Status(std::string_view record)>& callback) {
  std::string record;
  while (ReadRecord(&record)) {
    if (Status s = callback(record); !s.ok()) {
      --result_.records;
      result_.last_good = record_start_;
      Stop(s.WithContext(Where(record_start_.segment, record_start_.offset) + ": record rejected"),
           record_start_, false);
      break;
    }
  }
  return result_;
}

}  // namespace gw::tsdb
