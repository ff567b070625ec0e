#include "tsdb/postings.h"

#include <algorithm>
#include <iterator>

namespace gw::tsdb {

Postings Intersect(std::span<const SeriesRef> a, std::span<const SeriesRef> b) {
  Postings out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Subtract(std::span<const SeriesRef> a, std::span<const SeriesRef> b) {
  Postings out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Merge(const std::vector<const Postings*>& lists) {
  if (lists.size() == 1) return *lists[0];
  Postings out;
  size_t total = 0;
  for (const Postings* l : lists) total += l->size();
  out.reserve(total);
  for (const Postings* l : lists) out.insert(out.end(), l->begin(), l->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void InsertSorted(Postings& list, SeriesRef ref) {
  if (list.empty() || list.back() < ref) {
    list.push_back(ref);
    return;
  }
  auto it = std::lower_bound(list.begin(), list.end(), ref);
  if (it == list.end() || *it != ref) list.insert(it, ref);
}

void RemoveAll(Postings& list, std::span<const SeriesRef> dead) {
  std::erase_if(list,
                [dead](SeriesRef r) { return std::binary_search(dead.begin(), dead.end(), r); });
}

}  // namespace gw::tsdb
