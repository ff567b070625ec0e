// What the Slurm exporter knows about the cluster, as parsed from Slurm's client commands.
// The parsers (one per command, pure functions over captured output) fill these; the exporter's
// collectors read them. Formats and the exact command lines: commands.h.
#ifndef GW_SLURM_SLURM_TYPES_H_
#define GW_SLURM_SLURM_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::slurm {

// One entry of a GRES string: "gpu:a100:2(IDX:0-1)", "gpu:2", "gpu:(null):3(IDX:0,2-3)",
// "gpu:nvidia_a100_1g.5gb:21(S:0-1)".
struct GresEntry {
  std::string name;  // "gpu"
  std::string type;  // "a100", "" when untyped or "(null)"
  int64_t count = 0;
  std::vector<int> indices;  // from "(IDX:...)"; empty when absent or "N/A"
  friend bool operator==(const GresEntry&, const GresEntry&) = default;
};

// Parses a comma-separated GRES list (commas inside parentheses do not split). "(null)", "",
// and "N/A" give an empty list. Errors: kInvalidArgument naming the bad entry.
StatusOr<std::vector<GresEntry>> ParseGres(std::string_view text);
// The GPU count of a list (entries named "gpu"), and their indices.
int64_t GpuCount(const std::vector<GresEntry>& gres);
std::vector<int> GpuIndices(const std::vector<GresEntry>& gres);

struct Node {
  std::string name;
  std::string address;                  // NodeAddr: where the node is reached; the name when unset
  std::vector<std::string> partitions;  // without the default partition's '*'
  std::string state;                    // base state, lower case: "idle", "mixed", "allocated",
                                        // "down", "completing", "future", "unknown", "planned"...
  bool drain = false;                   // DRAIN flag (drained or draining)
  bool not_responding = false;          // "*" suffix / NOT_RESPONDING flag
  bool maintenance = false;             // MAINT flag or "maint" state
  bool reserved = false;                // RESERVED flag or "reserved" state
  bool fail = false;                    // FAIL flag
  std::string state_text;               // as Slurm printed it, for the per-node series label
  int64_t cpus_alloc = 0;
  int64_t cpus_idle = 0;
  int64_t cpus_other = 0;
  int64_t cpus_total = 0;
  int64_t memory_mb = 0;  // configured real memory
  int64_t memory_alloc_mb = 0;
  std::vector<GresEntry> gres;       // configured
  std::vector<GresEntry> gres_used;  // allocated, with indices
  std::string reason;                // drain/down reason, "" when none
};

struct Job {
  std::string id;                       // "123", "123_4" for array tasks
  std::string state;                    // upper case as Slurm prints it: "RUNNING", "PENDING"...
  std::string reason;                   // "None", "Resources", "Priority", "Dependency"...
  std::vector<std::string> partitions;  // a job pending in several partitions lists each
  std::string user;
  std::string account;  // "" when Slurm has none ("(null)")
  int64_t cpus = 0;
  int64_t nodes = 0;
  std::string node_list;    // compressed host list: "gpu[1-2]"
  int64_t gpus = 0;         // GPUs requested (tres-per-node x nodes, or per job)
  int64_t submit_time = 0;  // Unix seconds, 0 when unknown
  int64_t start_time = 0;   // Unix seconds, 0 when not started
};

// GPU indices a running job holds, per node, from `scontrol -d -o show job`.
struct JobGpus {
  std::string job_id;
  std::map<std::string, std::vector<int>> indices_by_node;
};

// sdiag: "Server thread count" -> 3, and the main scheduler / backfill sections kept apart
// ("Last cycle" under "Main schedule statistics" -> main.last_cycle, under "Backfilling stats"
// -> backfill.last_cycle). Absent lines are absent keys, never 0.
struct Sdiag {
  std::map<std::string, double> values;
  std::optional<double> Get(const std::string& key) const;
};

// Expands a Slurm host list: "gpu[1-3],cpu1" -> {gpu1, gpu2, gpu3, cpu1}; "n[01-02]" keeps the
// zero padding. Errors: kInvalidArgument on malformed brackets or ranges over 100000 hosts.
StatusOr<std::vector<std::string>> ExpandHostList(std::string_view list);

}  // namespace gw::slurm

#endif  // GW_SLURM_SLURM_TYPES_H_
