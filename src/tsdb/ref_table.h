// The head's map from series ref to series: open addressing with linear probing in one flat
// array, so that a lookup costs one probe into the array rather than a bucket and a node of an
// unordered_map (two dependent cache misses on every appended sample; docs/benchmarks.md).
#ifndef GW_TSDB_REF_TABLE_H_
#define GW_TSDB_REF_TABLE_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "tsdb/postings.h"  // SeriesRef

namespace gw::tsdb {

// Owns its values. Ref 0 is reserved (the empty slot). Not thread-safe: the head locks the
// shard around it.
template <class T>
class RefTable {
 public:
  // The value under `ref`, or null.
  T* Find(SeriesRef ref) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = Home(ref);; i = Next(i)) {
      const Slot& slot = slots_[i];
      if (slot.ref == ref) return slot.value.get();
      if (slot.ref == 0) return nullptr;
    }
  }

  // Asks the CPU to start loading the slot where a lookup of `ref` begins.
  void Prefetch(SeriesRef ref) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(ref)]);
  }

  // REQUIRES: ref != 0 and absent.
  T* Insert(SeriesRef ref, std::unique_ptr<T> value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Home(ref);
    while (slots_[i].ref != 0) i = Next(i);
    slots_[i] = Slot{ref, std::move(value)};
    ++size_;
    return slots_[i].value.get();
  }

  // Removes and destroys the value under `ref`; false when absent. Later entries of the probe
  // run move back into the hole (no tombstones), so lookups stay one run long.
  bool Erase(SeriesRef ref) {
    if (slots_.empty()) return false;
    size_t hole = Home(ref);
    while (slots_[hole].ref != ref) {
      if (slots_[hole].ref == 0) return false;
      hole = Next(hole);
    }
    for (size_t i = Next(hole); slots_[i].ref != 0; i = Next(i)) {
      // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
      const size_t home = Home(slots_[i].ref);
      const bool home_after_hole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!home_after_hole) {
        slots_[hole] = std::move(slots_[i]);
        hole = i;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  size_t size() const { return size_; }

  // Calls fn(ref, T&) for every entry, in no particular order. fn must not change the table.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& slot : slots_) {
      if (slot.ref != 0) fn(slot.ref, *slot.value);
    }
  }

 private:
  struct Slot {
    SeriesRef ref = 0;
    std::unique_ptr<T> value;
  };

  // Fibonacci hashing: the top bits of ref times 2^64 / phi.
  size_t Home(SeriesRef ref) const {
    return static_cast<size_t>((ref * uint64_t{0x9E3779B97F4A7C15}) >> shift_);
  }
  size_t Next(size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t capacity = old.empty() ? 16 : old.size() * 2;
    slots_ = std::vector<Slot>(capacity);
    shift_ = 64 - std::countr_zero(capacity);
    for (Slot& slot : old) {
      if (slot.ref == 0) continue;
      size_t i = Home(slot.ref);
      while (slots_[i].ref != 0) i = Next(i);
      slots_[i] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;  // a power of two long, at most half full; or empty
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_REF_TABLE_H_
