// SinfoArgs and ParseSinfo (commands.h).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "slurm/commands.h"
#include "slurm/parse_util.h"

namespace gw::slurm {
namespace {

using internal::ParseCountField;
using internal::Quote;

constexpr std::string_view kFields =
    "NodeList|NodeAddr|Partition|StateComplete|CPUsState|Memory|AllocMem|Gres|GresUsed|Reason";
constexpr size_t kFieldCount = 10;
// Captures taken before SinfoArgs asked for NodeAddr (testdata/real-22.05) lack that column.
constexpr std::string_view kLegacyFields =
    "NodeList|Partition|StateComplete|CPUsState|Memory|AllocMem|Gres|GresUsed|Reason";
constexpr size_t kLegacyFieldCount = 9;

// The legacy layout has CPUsState ("a/b/c/d") 4th, where the current one has StateComplete,
// which never holds a '/'. Telling them apart per line by field count would not work: Reason,
// the last field, may hold the separator.
bool IsLegacyLayout(std::string_view line) {
  for (int i = 0; i < 3; ++i) {
    size_t bar = line.find('|');
    if (bar == std::string_view::npos) return false;
    line.remove_prefix(bar + 1);
  }
  return line.substr(0, line.find('|')).find('/') != std::string_view::npos;
}

// The fields of one line in the current layout; a legacy line gets its node name as address
// (Slurm's default NodeAddr).
StatusOr<std::vector<std::string_view>> SplitSinfoLine(std::string_view line, int line_number) {
  if (!IsLegacyLayout(line)) {
    return internal::SplitFields(line, line_number, kFieldCount, kFields, true);
  }
  GW_ASSIGN_OR_RETURN(std::vector<std::string_view> f,
                      internal::SplitFields(line, line_number, kLegacyFieldCount,
                                            kLegacyFields, true));
  f.insert(f.begin() + 1, f[0]);
  return f;
}

struct StateFlags {
  bool completing = false;
  bool planned = false;
};

// Long and compact spellings of states that stand for a base state plus a flag, for sinfo
// output requested with StateLong/StateCompact instead of StateComplete.
void ApplyBaseAlias(std::string* base, Node* node) {
  static const std::unordered_map<std::string_view, std::string_view> kCompact = {
      {"alloc", "allocated"}, {"mix", "mixed"},    {"comp", "completing"}, {"futr", "future"},
      {"unk", "unknown"},     {"plnd", "planned"}, {"drng", "draining"},   {"drain", "drained"},
      {"resv", "reserved"},   {"npc", "perfctrs"}};
  if (auto it = kCompact.find(*base); it != kCompact.end()) *base = it->second;
  // Slurm prints DRAINED for a drained node without jobs and DRAINING for one that still runs
  // some (allocated or mixed; mixed is the one that holds for both). MAINT, RESERVED and FAIL
  // stand for an idle node with that flag, FAILING for a busy one.
  if (*base == "drained" || *base == "draining") {
    node->drain = true;
    *base = *base == "drained" ? "idle" : "mixed";
  } else if (*base == "maint") {
    node->maintenance = true;
    *base = "idle";
  } else if (*base == "reserved") {
    node->reserved = true;
    *base = "idle";
  } else if (*base == "fail" || *base == "failing") {
    node->fail = true;
    *base = *base == "fail" ? "idle" : "mixed";
  }
}

void ApplyFlag(std::string_view flag, Node* node, StateFlags* flags) {
  if (flag == "drain") node->drain = true;
  if (flag == "not_responding") node->not_responding = true;
  if (flag == "maint" || flag == "maintenance") node->maintenance = true;
  if (flag == "reserved") node->reserved = true;
  if (flag == "fail") node->fail = true;
  if (flag == "completing") flags->completing = true;
  if (flag == "planned") flags->planned = true;
}

// "idle+drain", "down+drain+not_responding", "idle*", "mixed$". Unknown base states are kept as
// printed (newer Slurm releases add some), unknown flags are ignored.
void ParseState(std::string_view text, Node* node) {
  node->state_text = std::string(text);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  StateFlags flags;
  // StateLong/StateCompact suffixes (sinfo(1) "NODE STATE CODES").
  while (!lower.empty() && std::string_view("*~#%!@^-$").find(lower.back()) != std::string::npos) {
    if (lower.back() == '*') node->not_responding = true;
    if (lower.back() == '$') node->maintenance = true;
    if (lower.back() == '-') flags.planned = true;
    lower.pop_back();
  }
  std::vector<std::string_view> words = internal::Split(lower, '+');
  std::string base(words[0]);
  for (size_t i = 1; i < words.size(); ++i) ApplyFlag(words[i], node, &flags);
  ApplyBaseAlias(&base, node);
  // As in Slurm's own long form: a node that is completing jobs shows as completing, and an
  // idle node the backfill scheduler holds for a pending job as planned.
  if (flags.completing && base != "down") base = "completing";
  if (flags.planned && base == "idle") base = "planned";
  node->state = base;
}

Status ParseCpus(std::string_view text, int line_number, Node* node) {
  std::vector<std::string_view> parts = internal::Split(text, '/');
  int64_t* targets[] = {&node->cpus_alloc, &node->cpus_idle, &node->cpus_other, &node->cpus_total};
  bool ok = parts.size() == 4;
  for (size_t i = 0; ok && i < 4; ++i) ok = internal::ParseNonNegative(parts[i], targets[i]);
  if (ok) return Status::Ok();
  return InvalidArgumentError("line " + std::to_string(line_number) + ": CPUsState " + Quote(text) +
                              " is not \"allocated/idle/other/total\" counts");
}

StatusOr<std::vector<GresEntry>> ParseGresField(std::string_view text, int line_number,
                                                std::string_view field) {
  auto gres = ParseGres(text);
  if (gres.ok()) return gres;
  return gres.status().WithContext("line " + std::to_string(line_number) + ": " +
                                   std::string(field));
}

// Everything of one line but the node name, address and partition.
Status ParseNodeFields(const std::vector<std::string_view>& f, int line_number, Node* node) {
  ParseState(internal::Trim(f[3]), node);
  GW_RETURN_IF_ERROR(ParseCpus(internal::Trim(f[4]), line_number, node));
  GW_ASSIGN_OR_RETURN(node->memory_mb,
                      ParseCountField(internal::Trim(f[5]), line_number, "Memory"));
  GW_ASSIGN_OR_RETURN(node->memory_alloc_mb,
                      ParseCountField(internal::Trim(f[6]), line_number, "AllocMem"));
  GW_ASSIGN_OR_RETURN(node->gres, ParseGresField(f[7], line_number, "Gres"));
  GW_ASSIGN_OR_RETURN(node->gres_used, ParseGresField(f[8], line_number, "GresUsed"));
  std::string_view reason = internal::Trim(f[9]);
  if (reason != "none" && reason != "None" && reason != "(null)")
    node->reason = std::string(reason);
  return Status::Ok();
}

// Collects nodes in the order of their first line, merging the partitions of later lines.
class NodeMerger {
 public:
  void Add(const std::string& name, std::string_view address, std::string_view partition,
           const Node& fields) {
    auto [it, inserted] = index_.try_emplace(name, nodes_.size());
    if (inserted) {
      nodes_.push_back(fields);
      nodes_.back().name = name;
      // NodeAddr defaults to the node name; "(null)" stands for unset in some releases.
      nodes_.back().address = address.empty() || address == "(null)" ? name : std::string(address);
    }
    std::vector<std::string>& partitions = nodes_[it->second].partitions;
    if (!partition.empty() &&
        std::find(partitions.begin(), partitions.end(), partition) == partitions.end()) {
      partitions.emplace_back(partition);
    }
  }
  std::vector<Node> Take() { return std::move(nodes_); }

 private:
  std::vector<Node> nodes_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

std::vector<std::string> SinfoArgs(const std::string& sinfo_path) {
  // Every field is "Name:|": width 0 (printed whole, never cut to 20 characters) then '|'.
  constexpr std::string_view kFormat =
      "NodeList:|,NodeAddr:|,Partition:|,StateComplete:|,CPUsState:|,Memory:|,AllocMem:|,"
      "Gres:|,GresUsed:|,Reason:|";
  // -a: nodes of hidden partitions and of partitions the exporter's user may not use, too.
  return {sinfo_path, "-h", "-a", "-N", "-O", std::string(kFormat)};
}

StatusOr<std::vector<Node>> ParseSinfo(std::string_view text) {
  NodeMerger merger;
  Status status = internal::ForEachLine(text, [&](int line_number, std::string_view line) {
    GW_ASSIGN_OR_RETURN(std::vector<std::string_view> f, SplitSinfoLine(line, line_number));
    Node fields;
    GW_RETURN_IF_ERROR(ParseNodeFields(f, line_number, &fields));
    std::string_view partition = internal::Trim(f[2]);
    if (partition.ends_with('*')) partition.remove_suffix(1);
    if (partition == "n/a") partition = {};
    auto names = ExpandHostList(internal::Trim(f[0]));
    if (!names.ok()) return names.status().WithContext("line " + std::to_string(line_number));
    if (names->empty()) {
      return InvalidArgumentError("line " + std::to_string(line_number) + ": NodeList is empty");
    }
    // With -N a line names one node; a NodeList that still expands to several (hand-made input)
    // gives each node its own name as address, never another node's.
    std::string_view address = names->size() == 1 ? internal::Trim(f[1]) : std::string_view();
    for (const std::string& name : *names) merger.Add(name, address, partition, fields);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return merger.Take();
}

}  // namespace gw::slurm
