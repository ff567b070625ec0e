// ParseGres, GpuCount, GpuIndices (slurm_types.h).
//
// Forms seen in sinfo Gres/GresUsed and squeue tres-per-node/tres-per-job, Slurm 20.11 to 24.11:
//   gpu:a100:2   gpu:2   gpu   gpu:a100   gpu:(null):3(IDX:0-7)   gpu:a100:0(IDX:N/A)
//   gpu:A30:4(S:0-1),gpu:Q6K:4(S:0-1)   gpu:nvidia_a100_1g.5gb:21(S:0-1)   shard:8   mps:100
//   gres:gpu:1 (22.05 tres-per-node)   gres/gpu:2 (later releases)   (null)   N/A
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "slurm/parse_util.h"
#include "slurm/slurm_types.h"

namespace gw::slurm {
namespace {

using internal::ParseNonNegative;
using internal::Quote;

// Far above any real node (Slurm indexes a node's GPUs from 0) and small enough that a hostile
// "(IDX:0-999999999)" cannot exhaust memory.
constexpr int64_t kMaxIndex = 65535;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '+';
}

bool IsName(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsNameChar);
}

// "2", "100", and Slurm's binary suffixes "4K", "2M", "1G", "1T" (gres.conf Count=).
bool ParseCount(std::string_view text, int64_t* count) {
  int shift = 0;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        shift = 10;
        break;
      case 'm':
      case 'M':
        shift = 20;
        break;
      case 'g':
      case 'G':
        shift = 30;
        break;
      case 't':
      case 'T':
        shift = 40;
        break;
      default:
        break;
    }
  }
  if (shift != 0) text.remove_suffix(1);
  if (!ParseNonNegative(text, count)) return false;
  if (*count > (INT64_MAX >> shift)) return false;
  *count <<= shift;
  return true;
}

// "0-1,3" -> {0, 1, 3}; "N/A" -> {}. Returns false on anything else.
bool ParseIndices(std::string_view text, std::vector<int>* indices) {
  if (text == "N/A") return true;
  for (std::string_view range : internal::Split(text, ',')) {
    size_t dash = range.find('-');
    int64_t lo = 0;
    int64_t hi = 0;
    if (!ParseNonNegative(range.substr(0, dash), &lo)) return false;
    if (dash == std::string_view::npos) {
      hi = lo;
    } else if (!ParseNonNegative(range.substr(dash + 1), &hi)) {
      return false;
    }
    if (hi < lo || hi > kMaxIndex) return false;
    for (int64_t i = lo; i <= hi; ++i) indices->push_back(static_cast<int>(i));
    if (indices->size() > static_cast<size_t>(kMaxIndex) + 1) return false;
  }
  return true;
}

// Splits on the commas outside parentheses.
std::vector<std::string_view> SplitEntries(std::string_view text) {
  std::vector<std::string_view> entries;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && depth > 0) --depth;
    if (text[i] == ',' && depth == 0) {
      entries.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  entries.push_back(text.substr(start));
  return entries;
}

// The Parse* helpers below return what is wrong with their part of an entry, "" when nothing.

// "name[:type][:count]" without the "(...)" detail.
std::string ParseHead(std::string_view head, GresEntry* entry) {
  std::vector<std::string_view> parts = internal::Split(head, ':');
  if (parts.size() > 3) return "more than three ':'-separated parts (expected name[:type][:count])";
  if (!IsName(parts[0])) {
    return "name " + Quote(parts[0]) +
           " is empty or has characters other than letters, digits "
           "and \"_.-+\"";
  }
  entry->name = std::string(parts[0]);
  entry->count = 1;
  // "gpu:2" is a count, "gpu:a100" a type.
  bool has_type = parts.size() == 3 || (parts.size() == 2 && !ParseCount(parts[1], &entry->count));
  std::string_view type = has_type ? parts[1] : std::string_view();
  if (parts.size() == 3 && !ParseCount(parts[2], &entry->count)) {
    return "count " + Quote(parts[2]) + " is not a non-negative integer";
  }
  if (has_type && type != "(null)") {
    if (!IsName(type)) {
      return "type " + Quote(type) +
             " is empty or has characters other than letters, digits "
             "and \"_.-+\"";
    }
    entry->type = std::string(type);
  }
  return "";
}

// "IDX:0-1" -> indices; "S:0-1" (socket affinity) and other details are ignored.
std::string ParseDetail(std::string_view detail, GresEntry* entry) {
  size_t idx = detail.find("IDX:");
  if (idx == std::string_view::npos) return "";
  std::string_view list = detail.substr(idx + 4);
  if (ParseIndices(list, &entry->indices)) return "";
  return "index list " + Quote(list) +
         " is not \"N/A\" or ranges like \"0-1,3\" of indices up "
         "to " +
         std::to_string(kMaxIndex);
}

std::string ParseEntryText(std::string_view rest, GresEntry* entry) {
  if (rest.starts_with("gres:") || rest.starts_with("gres/")) rest.remove_prefix(5);
  // The detail's '(', not the one of a "(null)" type.
  size_t open = rest.find('(');
  while (open != std::string_view::npos && rest.substr(open).starts_with("(null)")) {
    open = rest.find('(', open + 6);
  }
  std::string problem = ParseHead(rest.substr(0, open), entry);
  if (!problem.empty() || open == std::string_view::npos) return problem;
  std::string_view detail = rest.substr(open + 1);
  if (detail.empty() || detail.back() != ')' ||
      detail.substr(0, detail.size() - 1).find_first_of("()") != std::string_view::npos) {
    return "'(' must be closed by a single ')' at the end of the entry";
  }
  return ParseDetail(detail.substr(0, detail.size() - 1), entry);
}

}  // namespace

StatusOr<std::vector<GresEntry>> ParseGres(std::string_view text) {
  std::vector<GresEntry> gres;
  std::string_view trimmed = internal::Trim(text);
  if (trimmed.empty() || trimmed == "(null)" || trimmed == "N/A") return gres;
  for (std::string_view entry_text : SplitEntries(trimmed)) {
    GresEntry entry;
    std::string problem = ParseEntryText(internal::Trim(entry_text), &entry);
    if (!problem.empty()) {
      return InvalidArgumentError("GRES entry " + Quote(entry_text) + " in " + Quote(text) + ": " +
                                  problem);
    }
    gres.push_back(std::move(entry));
  }
  return gres;
}

int64_t GpuCount(const std::vector<GresEntry>& gres) {
  int64_t count = 0;
  for (const GresEntry& entry : gres) {
    if (entry.name == "gpu") count = internal::SaturatingAdd(count, entry.count);
  }
  return count;
}

std::vector<int> GpuIndices(const std::vector<GresEntry>& gres) {
  std::vector<int> indices;
  for (const GresEntry& entry : gres) {
    if (entry.name == "gpu")
      indices.insert(indices.end(), entry.indices.begin(), entry.indices.end());
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

}  // namespace gw::slurm
