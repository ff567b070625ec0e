// The WAL reader and the WAL record decoders (src/tsdb) on arbitrary bytes. The input is the
// content of one segment file in an in-memory Env: replay may stop with an error but must not
// crash, hang or read out of bounds, and whatever it calls a torn tail RepairWal must turn into
// a log that replays cleanly to the same records. The same bytes, and each replayed record, also
// go to the series and samples decoders, whose successful results must survive re-encoding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/file_env_fault.h"
#include "tsdb/wal_reader.h"
#include "tsdb/wal_record.h"
#include "tsdb/wal_segments.h"

namespace {

using gw::tsdb::ReplayResult;

void DecodeRecord(std::string_view record) {
  std::vector<gw::tsdb::WalSeries> series;
  if (gw::tsdb::DecodeSeries(record, &series).ok()) {
    std::string again;
    gw::tsdb::EncodeSeries(series, &again);
    std::vector<gw::tsdb::WalSeries> back;
    if (!gw::tsdb::DecodeSeries(again, &back).ok() || back != series) std::abort();
  }
  std::vector<gw::tsdb::WalSample> samples;
  if (gw::tsdb::DecodeSamples(record, &samples).ok()) {
    std::string again;
    gw::tsdb::EncodeSamples(samples, &again);
    std::vector<gw::tsdb::WalSample> back;
    if (!gw::tsdb::DecodeSamples(again, &back).ok() || back.size() != samples.size()) std::abort();
  }
  gw::tsdb::PeekRecordType(record).IgnoreError();
}

ReplayResult Replay(gw::tsdb::Env* env, std::vector<std::string>* records) {
  auto reader = gw::tsdb::WalReader::Open(env, "wal");
  if (!reader.ok()) std::abort();  // the directory and name are ours
  return (*reader)->Replay([&](std::string_view record) {
    records->emplace_back(record);
    DecodeRecord(record);
    return gw::Status::Ok();
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  DecodeRecord(bytes);

  gw::tsdb::FaultInjectionEnv env;
  if (!env.CreateDirIfMissing("wal").ok()) std::abort();
  const std::string path = gw::tsdb::JoinPath("wal", gw::tsdb::wal::SegmentFileName(0));
  if (!gw::tsdb::WriteStringToFile(&env, bytes, path).ok()) std::abort();

  std::vector<std::string> records;
  const ReplayResult result = Replay(&env, &records);
  if (result.records != records.size()) std::abort();
  if (!result.torn_tail) return 0;

  if (!gw::tsdb::RepairWal(&env, "wal", result).ok()) std::abort();
  std::vector<std::string> repaired;
  const ReplayResult again = Replay(&env, &repaired);
  if (!again.error.ok() || repaired != records) std::abort();
  return 0;
}
