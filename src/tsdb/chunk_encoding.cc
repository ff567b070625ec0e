#include "tsdb/chunk_encoding.h"

#include <string>

#include "tsdb/int_format.h"
#include "tsdb/int_writer.h"
#include "tsdb/sample.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;  // clang 14 lacks CTAD for aggregates

}  // namespace

bool IsKnownChunkEncoding(uint8_t encoding) {
  return encoding == kXorEncoding || encoding == kIntEncoding;
}

ChunkIterator::ChunkIterator(uint8_t encoding, std::span<const uint8_t> chunk)
    : it_(std::in_place_type<Status>,
          CorruptionError("chunk encoding " + std::to_string(encoding) +
                          " unknown (this build reads 1, XOR, and 129, integer)")) {
  if (encoding == kXorEncoding) {
    it_.emplace<XorIterator>(chunk);
  } else if (encoding == kIntEncoding) {
    it_.emplace<IntIterator>(chunk);
  }
}

bool ChunkIterator::Next() {
  return std::visit(Overloaded{[](Status&) { return false; }, [](auto& it) { return it.Next(); }},
                    it_);
}

bool ChunkIterator::Seek(int64_t t_ms) {
  return std::visit(
      Overloaded{[](Status&) { return false; }, [t_ms](auto& it) { return it.Seek(t_ms); }}, it_);
}

int64_t ChunkIterator::t_ms() const {
  return std::visit(Overloaded{[](const Status&) { return int64_t{0}; },
                               [](const auto& it) { return it.t_ms(); }},
                    it_);
}

double ChunkIterator::value() const {
  return std::visit(
      Overloaded{[](const Status&) { return 0.0; }, [](const auto& it) { return it.value(); }},
      it_);
}

const Status& ChunkIterator::status() const {
  return std::visit(Overloaded{[](const Status& s) -> const Status& { return s; },
                               [](const auto& it) -> const Status& { return it.status(); }},
                    it_);
}

std::optional<std::vector<uint8_t>> SmallerIntChunk(std::span<const uint8_t> xor_chunk) {
  std::vector<Sample> samples;
  XorIterator it(xor_chunk);
  samples.reserve(static_cast<size_t>(it.num_samples()));
  while (it.Next()) {
    if (!IsInt64Value(it.value())) return std::nullopt;
    samples.push_back({it.t_ms(), it.value()});
  }
  if (!it.status().ok()) return std::nullopt;
  std::optional<std::vector<uint8_t>> ints = EncodeIntChunk(samples);
  if (!ints || ints->size() >= xor_chunk.size()) return std::nullopt;
  return ints;
}

}  // namespace gw::tsdb
