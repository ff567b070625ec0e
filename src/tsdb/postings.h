// Postings lists: sorted, duplicate-free vectors of series references, and the set operations
// that label selection is made of.
#ifndef GW_TSDB_POSTINGS_H_
#define GW_TSDB_POSTINGS_H_

#include <cstdint>
#include <span>
#include <vector>

namespace gw::tsdb {

// Identifies a series in the head for its lifetime; never reused.
using SeriesRef = uint64_t;
using Postings = std::vector<SeriesRef>;

// All functions REQUIRE sorted, duplicate-free inputs and return the same.
Postings Intersect(std::span<const SeriesRef> a, std::span<const SeriesRef> b);
Postings Subtract(std::span<const SeriesRef> a, std::span<const SeriesRef> b);
Postings Merge(const std::vector<const Postings*>& lists);

// Inserts `ref` keeping the list sorted (cheap when refs arrive in increasing order).
void InsertSorted(Postings& list, SeriesRef ref);
// Removes every element of `dead` (sorted) from `list`.
void RemoveAll(Postings& list, std::span<const SeriesRef> dead);

}  // namespace gw::tsdb

#endif  // GW_TSDB_POSTINGS_H_
