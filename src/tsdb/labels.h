// Label sets identify series; the symbol table stores each distinct label string once.
#ifndef GW_TSDB_LABELS_H_
#define GW_TSDB_LABELS_H_

#include <atomic>
#include <compare>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace gw::tsdb {

// The metric name is an ordinary label, as in Prometheus.
inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;
  // clang-tidy 14 misreads the comparison with 0 that a defaulted <=> synthesizes as a null
  // pointer constant (fixed in later versions); there is no pointer here.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend auto operator<=>(const Label&, const Label&) = default;
};

// A set of labels sorted by name, names unique and non-empty. A label with an empty value is the
// same as no label (Prometheus' rule), so such labels are dropped on construction.
// Thread-safety: a value type. Copies share one immutable, reference-counted array (copying is
// an atomic increment), so label sets can be passed around per query step and per scrape
// without allocating; the hash is computed once per array.
class Labels {
 public:
  Labels() = default;
  // REQUIRES (asserted): names non-empty and unique. For literals in code and tests.
  Labels(std::initializer_list<Label> labels);
  Labels(const Labels& other) noexcept : rep_(other.rep_) { Ref(); }
  Labels(Labels&& other) noexcept : rep_(other.rep_) { other.rep_ = nullptr; }
  Labels& operator=(const Labels& other) noexcept;
  Labels& operator=(Labels&& other) noexcept;
  ~Labels() { Unref(); }

  // Labels from outside input. kInvalidArgument for an empty or duplicate name.
  static StatusOr<Labels> FromPairs(std::vector<Label> labels);
  // REQUIRES: `sorted` is sorted by name, names unique and non-empty, values non-empty.
  static Labels FromSortedUnchecked(std::vector<Label> sorted);

  size_t size() const { return rep_ == nullptr ? 0 : rep_->size; }
  bool empty() const { return size() == 0; }
  const Label& operator[](size_t i) const { return begin()[i]; }
  const Label* begin() const { return rep_ == nullptr ? nullptr : rep_->labels(); }
  const Label* end() const { return begin() + size(); }

  // The value of `name`, or "" if there is no such label.
  std::string_view Get(std::string_view name) const;

  // FNV-1a 64 over, for each label in order, name 0xff value 0xff. 0xff never occurs in UTF-8,
  // so distinct sets hash distinct byte strings. Stable across runs and versions: it may be
  // persisted.
  uint64_t Hash() const;

  // Canonical text: {a="1", b="x\"y"}, values escaped as in the exposition format (\\ \" \n).
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b);
  friend std::strong_ordering operator<=>(const Labels& a, const Labels& b);

 private:
  // The shared array: a header followed by `size` Labels, in one allocation.
  struct Rep {
    std::atomic<uint32_t> refs;
    uint32_t size;
    mutable std::atomic<uint64_t> hash;  // 0: not computed yet
    Label* labels() { return reinterpret_cast<Label*>(this + 1); }
    const Label* labels() const { return reinterpret_cast<const Label*>(this + 1); }
  };
  static_assert(sizeof(Rep) % alignof(Label) == 0);

  void Ref() const {
    if (rep_ != nullptr) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Unref();

  Rep* rep_ = nullptr;  // null for the empty set
};

// Interns strings: each distinct string is stored once and named by a small id. Strings are
// reference counted, so the table holds only the strings still in use (label values such as job
// ids churn). Ids of released strings are reused.
// Thread-safe. A view returned by Lookup stays valid until the last reference to its id is
// released; callers that may race with Release must keep their own reference or lock.
class SymbolTable {
 public:
  using Id = uint32_t;

  // Returns the id of `s`, adding it if new, and takes one reference.
  Id Intern(std::string_view s);
  // Drops one reference. REQUIRES: the caller holds a reference to `id`.
  void Release(Id id);
  // The id of `s` without taking a reference, or nullopt.
  std::optional<Id> Find(std::string_view s) const;
  // REQUIRES: `id` is live (referenced).
  std::string_view Lookup(Id id) const;
  // Number of live strings.
  size_t size() const;

 private:
  struct Entry {
    std::string text;
    uint32_t refs = 0;
  };
  mutable std::shared_mutex mu_;
  std::deque<Entry> entries_;  // a deque: growing it moves no Entry, so views stay valid
  std::vector<Id> free_ids_;
  std::unordered_map<std::string_view, Id> ids_;  // keys view entries_[id].text
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_LABELS_H_
