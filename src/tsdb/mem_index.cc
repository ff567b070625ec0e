#include "tsdb/mem_index.h"

#include <algorithm>
#include <mutex>

namespace gw::tsdb {

std::vector<LabelIds> MemIndex::Add(SeriesRef ref, const Labels& labels) {
  std::unique_lock lock(mu_);
  std::vector<LabelIds> ids;
  ids.reserve(labels.size());
  for (const Label& l : labels) {
    LabelIds id{symbols_.Intern(l.name), symbols_.Intern(l.value)};
    InsertSorted(postings_[id.name][id.value], ref);
    ids.push_back(id);
  }
  InsertSorted(all_, ref);
  return ids;
}

// A sink parameter: Head hands its list over with std::move, so nothing is copied.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void MemIndex::Remove(std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> series) {
  if (series.empty()) return;
  Postings dead;
  dead.reserve(series.size());
  for (const auto& s : series) dead.push_back(s.first);
  std::sort(dead.begin(), dead.end());
  std::unique_lock lock(mu_);
  for (const auto& [ref, ids] : series) {
    for (const LabelIds& id : ids) {
      // RemoveAll takes every dead ref of a pair at once, so a later dead series with the same
      // pair may find it already gone.
      if (auto name_it = postings_.find(id.name); name_it != postings_.end()) {
        if (auto value_it = name_it->second.find(id.value); value_it != name_it->second.end()) {
          RemoveAll(value_it->second, dead);
          if (value_it->second.empty()) name_it->second.erase(value_it);
        }
        if (name_it->second.empty()) postings_.erase(name_it);
      }
      symbols_.Release(id.name);
      symbols_.Release(id.value);
    }
  }
  RemoveAll(all_, dead);
}

Postings MemIndex::ValuesWhere(const Matcher& m, bool want) const {
  const std::optional<SymbolTable::Id> name = symbols_.Find(m.name());
  if (!name) return {};
  auto name_it = postings_.find(*name);
  if (name_it == postings_.end()) return {};
  const ValuePostings& values = name_it->second;
  // Equality needs no scan of the values.
  if (m.type() == MatchType::kEqual || m.type() == MatchType::kNotEqual) {
    if ((m.type() == MatchType::kEqual) == want) {
      const std::optional<SymbolTable::Id> value = symbols_.Find(m.value());
      if (!value) return {};
      auto it = values.find(*value);
      return it == values.end() ? Postings{} : it->second;
    }
  }
  std::vector<const Postings*> lists;
  for (const auto& [value, refs] : values) {
    if (m.Matches(symbols_.Lookup(value)) == want) lists.push_back(&refs);
  }
  return lists.empty() ? Postings{} : Merge(lists);
}

Postings MemIndex::Select(const std::vector<Matcher>& matchers) const {
  if (matchers.empty()) return {};
  std::shared_lock lock(mu_);
  // A matcher that rejects "" selects series that have a matching value: intersect with those.
  // One that accepts "" also selects series without the label: subtract those whose value it
  // rejects instead (Prometheus' PostingsForMatchers).
  std::vector<Postings> include;
  std::vector<Postings> exclude;
  for (const Matcher& m : matchers) {
    if (m.Matches("")) {
      exclude.push_back(ValuesWhere(m, false));
    } else {
      include.push_back(ValuesWhere(m, true));
      if (include.back().empty()) return {};
    }
  }
  std::sort(include.begin(), include.end(),
            [](const Postings& a, const Postings& b) { return a.size() < b.size(); });
  Postings result;
  if (include.empty()) {
    result = all_;
  } else {
    result = std::move(include[0]);
  }
  for (size_t i = 1; i < include.size() && !result.empty(); ++i) {
    result = Intersect(result, include[i]);
  }
  for (const Postings& e : exclude) {
    if (!e.empty()) result = Subtract(result, e);
  }
  return result;
}

std::vector<std::string> MemIndex::LabelNames() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  names.reserve(postings_.size());
  for (const auto& [name, values] : postings_) names.emplace_back(symbols_.Lookup(name));
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> MemIndex::LabelValues(std::string_view name) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  const std::optional<SymbolTable::Id> id = symbols_.Find(name);
  if (!id) return out;
  auto it = postings_.find(*id);
  if (it == postings_.end()) return out;
  for (const auto& [value, refs] : it->second) out.emplace_back(symbols_.Lookup(value));
  std::sort(out.begin(), out.end());
  return out;
}

size_t MemIndex::num_series() const {
  std::shared_lock lock(mu_);
  return all_.size();
}

}  // namespace gw::tsdb
