// ExpandHostList (slurm_types.h): Slurm's compressed host lists, "gpu[1-3],cpu[01-02]-ib".
#include <string>
#include <string_view>
#include <vector>

#include "slurm/parse_util.h"
#include "slurm/slurm_types.h"

namespace gw::slurm {
namespace {

using internal::ParseNonNegative;
using internal::Quote;

constexpr size_t kMaxHosts = 100000;

// One "[...]" group: its numbers as text, already zero padded.
using Numbers = std::vector<std::string>;

// A host name pattern: literal text and bracket groups, in order ("a[1-2]b[3]" has four parts).
struct Part {
  std::string_view literal;
  Numbers numbers;  // used when !is_literal
  bool is_literal = true;
};

Status Error(std::string_view list, const std::string& problem) {
  return InvalidArgumentError("host list " + Quote(list) + ": " + problem);
}

Status TooMany(std::string_view list) {
  return Error(list, "expands to more than " + std::to_string(kMaxHosts) + " hosts");
}

// "1-3,07" -> {"1","2","3","07"}. Each range keeps the width of its low end ("08-10" -> 08 09
// 10), as Slurm's hostlist does. Errors when there would be more than `limit` numbers.
Status ExpandRanges(std::string_view list, std::string_view ranges, size_t limit, Numbers* out) {
  if (ranges.empty()) return Error(list, "empty brackets \"[]\" (expected e.g. \"gpu[1-3]\")");
  for (std::string_view range : internal::Split(ranges, ',')) {
    size_t dash = range.find('-');
    std::string_view lo_text = range.substr(0, dash);
    std::string_view hi_text = dash == std::string_view::npos ? lo_text : range.substr(dash + 1);
    int64_t lo = 0;
    int64_t hi = 0;
    // 18 digits keep hi - lo + 1 and the padded text far from overflow.
    if (lo_text.size() > 18 || hi_text.size() > 18 || !ParseNonNegative(lo_text, &lo) ||
        !ParseNonNegative(hi_text, &hi)) {
      return Error(list, "range " + Quote(range) + " is not \"N\" or \"N-M\" with decimal N, M");
    }
    if (hi < lo) return Error(list, "range " + Quote(range) + " runs backwards");
    if (out->size() >= limit || static_cast<uint64_t>(hi - lo) >= limit - out->size()) {
      return TooMany(list);
    }
    for (int64_t n = lo; n <= hi; ++n) {
      std::string digits = std::to_string(n);
      if (digits.size() < lo_text.size()) digits.insert(0, lo_text.size() - digits.size(), '0');
      out->push_back(std::move(digits));
    }
  }
  return Status::Ok();
}

// Splits one host pattern into parts. Errors when it would expand to more than `budget` hosts
// (checked group by group, so a huge pattern fails before it is expanded).
StatusOr<std::vector<Part>> ParsePattern(std::string_view list, std::string_view pattern,
                                         size_t budget) {
  std::vector<Part> parts;
  size_t combinations = 1;
  while (!pattern.empty()) {
    size_t open = pattern.find_first_of("[]");
    if (open == std::string_view::npos) {
      parts.push_back({pattern, {}, true});
      break;
    }
    if (pattern[open] == ']') return Error(list, "']' without a matching '['");
    if (open > 0) parts.push_back({pattern.substr(0, open), {}, true});
    size_t close = pattern.find_first_of("[]", open + 1);
    if (close == std::string_view::npos || pattern[close] == '[') {
      return Error(list, "'[' is not closed (expected e.g. \"gpu[1-3]\")");
    }
    Part group{{}, {}, false};
    GW_RETURN_IF_ERROR(ExpandRanges(list, pattern.substr(open + 1, close - open - 1),
                                    budget / combinations, &group.numbers));
    combinations *= group.numbers.size();
    parts.push_back(std::move(group));
    pattern.remove_prefix(close + 1);
  }
  return parts;
}

// Appends every combination of the parts' numbers, the first group varying slowest.
void AppendProduct(const std::vector<Part>& parts, std::vector<std::string>* hosts) {
  std::vector<size_t> pick(parts.size(), 0);
  while (true) {
    std::string host;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].is_literal) {
        host += parts[i].literal;
      } else {
        host += parts[i].numbers[pick[i]];
      }
    }
    hosts->push_back(std::move(host));
    bool advanced = false;
    for (size_t i = parts.size(); i-- > 0 && !advanced;) {
      if (parts[i].is_literal) continue;
      advanced = ++pick[i] < parts[i].numbers.size();
      if (!advanced) pick[i] = 0;
    }
    if (!advanced) return;
  }
}

// Splits on the commas outside brackets.
std::vector<std::string_view> SplitTopLevel(std::string_view list) {
  std::vector<std::string_view> items;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '[') ++depth;
    if (list[i] == ']') --depth;
    if (list[i] == ',' && depth <= 0) {
      items.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  items.push_back(list.substr(start));
  return items;
}

}  // namespace

StatusOr<std::vector<std::string>> ExpandHostList(std::string_view list) {
  std::vector<std::string> hosts;
  std::string_view trimmed = internal::Trim(list);
  if (trimmed.empty()) return hosts;
  // One plain host, the usual case in per-node job details.
  if (trimmed.find_first_of("[],") == std::string_view::npos) {
    hosts.emplace_back(trimmed);
    return hosts;
  }
  for (std::string_view item : SplitTopLevel(trimmed)) {
    item = internal::Trim(item);
    if (item.empty()) return Error(list, "empty host name between commas");
    if (hosts.size() >= kMaxHosts) return TooMany(list);
    GW_ASSIGN_OR_RETURN(std::vector<Part> parts,
                        ParsePattern(list, item, kMaxHosts - hosts.size()));
    AppendProduct(parts, &hosts);
  }
  return hosts;
}

}  // namespace gw::slurm
