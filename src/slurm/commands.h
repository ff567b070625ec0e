// The exact Slurm command lines the exporter runs, once per refresh each, and the parsers of
// their output. Parsers are pure functions over captured text (testdata/ holds real captures of
// Slurm 22.05 from the cluster in a box).
#ifndef GW_SLURM_COMMANDS_H_
#define GW_SLURM_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "slurm/slurm_types.h"

namespace gw::slurm {

// Every parser below ignores blank lines, accepts "\r\n", and returns kInvalidArgument
// "line N: <what is wrong>" on text it cannot read (never a partial result).

// sinfo -a (hidden partitions too), one line per node per partition, every field printed whole
// ("Field:|" is width 0, suffix '|'; the default width 20 cuts long node names) and ended by '|':
//   NodeList|NodeAddr|Partition|StateComplete|CPUsState|Memory|AllocMem|Gres|GresUsed|Reason|
std::vector<std::string> SinfoArgs(const std::string& sinfo_path);
// One Node per node, in the order of first appearance, with the partitions of all its lines
// (default partition's '*' dropped). State: "idle+drain" -> state "idle", drain; a '*' suffix or
// the not_responding flag -> not_responding; the completing flag -> state "completing"; planned on
// an idle node -> "planned"; the long forms "drained"/"draining" -> "idle"/"mixed" plus drain,
// "maint"/"reserved"/"fail" -> "idle" plus the flag. Unknown states are kept as printed, lower
// case. Reason "none" -> "". A Reason holding '|' is kept whole (it is the last field).
// NodeAddr -> address (the node name when empty or "(null)"). Lines without the NodeAddr
// column (captures of the older command line, CPUsState 4th) are read too, address = name.
// Errors: "line N: expected 10 '|'-separated fields (...), got 7", bad CPUsState/Memory/AllocMem
// counts, bad GRES (ParseGres), bad NodeList (ExpandHostList).
StatusOr<std::vector<Node>> ParseSinfo(std::string_view text);

// squeue, every job Slurm still holds (terminal ones within MinJobAge), array tasks expanded:
//   JobArrayID|State|Partition|UserName|Account|NumCPUs|NumNodes|tres-per-node|tres-per-job|Reason|
//   NodeList|SubmitTime|StartTime|
// REQUIRES (of the caller running it): SLURM_TIME_FORMAT=%s in squeue's environment.
std::vector<std::string> SqueueArgs(const std::string& squeue_path);
// One Job per line, in order. Partitions "gpu,cpu" -> {"gpu","cpu"}; account "(null)" -> "";
// gpus = GPUs of tres-per-node x NumNodes, else GPUs of tres-per-job ("N/A" -> 0; per-task and
// per-socket requests are not counted); times "N/A"/"Unknown"/"None" -> 0.
// Errors: wrong field count, non-numeric NumCPUs/NumNodes, bad GRES, times that are not Unix
// seconds (the message names SLURM_TIME_FORMAT=%s).
StatusOr<std::vector<Job>> ParseSqueue(std::string_view text);

// scontrol -d -o show job: one line per job, with the per-node "GRES=gpu:a100:1(IDX:0)" details
// of running jobs. Jobs without GPU details are omitted from the result.
std::vector<std::string> ScontrolJobsArgs(const std::string& scontrol_path);
// job_id is spelled as squeue's JobArrayID prints it ("12_3" for an array task, "20+1" for a
// heterogeneous job component). Detail groups "Nodes=gpu[1-2] CPU_IDs=... Mem=... GRES=..." are
// expanded to every node they name. "No jobs in the system" gives an empty list.
// Errors: a line not starting with "JobId=", bad GRES or host list in a detail group.
StatusOr<std::vector<JobGpus>> ParseScontrolJobs(std::string_view text);

// sdiag (22.05 has no --json).
std::vector<std::string> SdiagArgs(const std::string& sdiag_path);
// Keys: the line's name in lower case, runs of other characters as '_', prefixed by its section.
// Slurm 22.05 prints, and so gives (lines Slurm leaves out are absent keys, e.g.
// main.cycles_per_minute in the first minute, backfill.mean_cycle and backfill.depth_mean* while
// backfill.total_cycles is 0):
//   sdiag_output_at, data_since, job_states_ts (Unix seconds, from "(...)"),
//   server_thread_count, agent_queue_size, agent_count, agent_thread_count,
//   dbd_agent_queue_size, jobs_submitted, jobs_started, jobs_completed, jobs_canceled,
//   jobs_failed, jobs_pending, jobs_running,
//   main.last_cycle, main.max_cycle, main.total_cycles, main.mean_cycle,
//   main.mean_depth_cycle, main.cycles_per_minute, main.last_queue_length,
//   backfill.total_backfilled_jobs_since_start, backfill.total_backfilled_jobs_since_cycle,
//   backfill.total_backfilled_heterogeneous, backfill.total_cycles,
//   backfill.last_cycle_when (Unix seconds), backfill.last_cycle, backfill.max_cycle,
//   backfill.mean_cycle, backfill.last_depth_cycle, backfill.last_depth_cycle_try_sched,
//   backfill.depth_mean, backfill.depth_mean_try_depth, backfill.last_queue_length,
//   backfill.queue_length_mean, backfill.last_table_size, backfill.mean_table_size,
//   latency_for_1000_calls_to_gettimeofday (microseconds).
// Reading stops at the RPC statistics. Lines whose value is not a number ("None") are skipped.
// Errors: no "Server thread count" line (not sdiag output), a line in the statistics that is
// not "Name: value", a value that starts like a number but is not one.
StatusOr<Sdiag> ParseSdiag(std::string_view text);

}  // namespace gw::slurm

#endif  // GW_SLURM_COMMANDS_H_
