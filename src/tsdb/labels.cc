#include "tsdb/labels.h"

#include <algorithm>
#include <cassert>
#include <mutex>
#include <utility>

namespace gw::tsdb {
namespace {

void SortAndDropEmpty(std::vector<Label>& labels) {
  std::erase_if(labels, [](const Label& l) { return l.value.empty(); });
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
}

// The first problem with sorted `labels`, or OK.
Status Validate(const std::vector<Label>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name.empty()) {
      return InvalidArgumentError("label with value \"" + labels[i].value +
                                  "\" has an empty name (every label needs a name)");
    }
    if (i > 0 && labels[i].name == labels[i - 1].name) {
      return InvalidArgumentError("label \"" + labels[i].name +
                                  "\" appears twice (a series has one value per label)");
    }
  }
  return Status::Ok();
}

void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

Labels::Labels(std::initializer_list<Label> labels) {
  std::vector<Label> sorted(labels);
  SortAndDropEmpty(sorted);
  assert(Validate(sorted).ok());
  *this = FromSortedUnchecked(std::move(sorted));
}

Labels& Labels::operator=(const Labels& other) noexcept {
  if (this == &other) return *this;
  other.Ref();
  Unref();
  rep_ = other.rep_;
  return *this;
}

Labels& Labels::operator=(Labels&& other) noexcept {
  if (this != &other) {
    Unref();
    rep_ = other.rep_;
    other.rep_ = nullptr;
  }
  return *this;
}

void Labels::Unref() {
  if (rep_ == nullptr || rep_->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  for (uint32_t i = 0; i < rep_->size; ++i) rep_->labels()[i].~Label();
  rep_->~Rep();
  ::operator delete(rep_);
  rep_ = nullptr;
}

StatusOr<Labels> Labels::FromPairs(std::vector<Label> labels) {
  SortAndDropEmpty(labels);
  GW_RETURN_IF_ERROR(Validate(labels));
  return FromSortedUnchecked(std::move(labels));
}

Labels Labels::FromSortedUnchecked(std::vector<Label> sorted) {
  Labels out;
  if (sorted.empty()) return out;
  void* mem = ::operator new(sizeof(Rep) + sorted.size() * sizeof(Label));
  Rep* rep = new (mem) Rep{{1}, static_cast<uint32_t>(sorted.size()), {0}};
  for (size_t i = 0; i < sorted.size(); ++i) new (rep->labels() + i) Label(std::move(sorted[i]));
  out.rep_ = rep;
  return out;
}

bool operator==(const Labels& a, const Labels& b) {
  if (a.rep_ == b.rep_) return true;
  if (a.size() != b.size()) return false;
  return std::equal(a.begin(), a.end(), b.begin());
}

std::strong_ordering operator<=>(const Labels& a, const Labels& b) {
  if (a.rep_ == b.rep_) return std::strong_ordering::equal;
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(begin(), end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != end() && it->name == name ? std::string_view{it->value} : "";
}

uint64_t Labels::Hash() const {
  if (rep_ != nullptr) {
    if (const uint64_t cached = rep_->hash.load(std::memory_order_relaxed); cached != 0) {
      return cached;
    }
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xffu) * 0x100000001b3ULL;
  };
  for (const Label& l : *this) {
    mix(l.name);
    mix(l.value);
  }
  if (rep_ != nullptr) rep_->hash.store(h, std::memory_order_relaxed);
  return h;
}

std::string Labels::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < size(); ++i) {
    if (i > 0) out += ", ";
    out += (*this)[i].name;
    out += "=\"";
    AppendEscaped(out, (*this)[i].value);
    out += '"';
  }
  out += '}';
  return out;
}

SymbolTable::Id SymbolTable::Intern(std::string_view s) {
  std::unique_lock lock(mu_);
  if (auto it = ids_.find(s); it != ids_.end()) {
    ++entries_[it->second].refs;
    return it->second;
  }
  Id id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    assert(entries_.size() < UINT32_MAX);
    id = static_cast<Id>(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[id];
  e.text.assign(s);
  e.refs = 1;
  ids_.emplace(e.text, id);
  return id;
}

void SymbolTable::Release(Id id) {
  std::unique_lock lock(mu_);
  assert(id < entries_.size() && entries_[id].refs > 0);
  Entry& e = entries_[id];
  if (--e.refs > 0) return;
  ids_.erase(e.text);
  std::string().swap(e.text);
  free_ids_.push_back(id);
}

std::optional<SymbolTable::Id> SymbolTable::Find(std::string_view s) const {
  std::shared_lock lock(mu_);
  auto it = ids_.find(s);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string_view SymbolTable::Lookup(Id id) const {
  std::shared_lock lock(mu_);
  assert(id < entries_.size() && entries_[id].refs > 0);
  return entries_[id].text;
}

size_t SymbolTable::size() const {
  std::shared_lock lock(mu_);
  return ids_.size();
}

}  // namespace gw::tsdb
