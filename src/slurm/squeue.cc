// SqueueArgs and ParseSqueue (commands.h).
#include <string>
#include <string_view>
#include <vector>

#include "slurm/commands.h"
#include "slurm/parse_util.h"

namespace gw::slurm {
namespace {

using internal::ParseCountField;
using internal::Quote;
using internal::Trim;

constexpr std::string_view kFields =
    "JobArrayID|State|Partition|UserName|Account|NumCPUs|NumNodes|tres-per-node|tres-per-job|"
    "Reason|NodeList|SubmitTime|StartTime";
constexpr size_t kFieldCount = 13;

std::string LinePrefix(int line_number) { return "line " + std::to_string(line_number) + ": "; }

// Unix seconds (the exporter sets SLURM_TIME_FORMAT=%s); "N/A", "Unknown", "None" and "" are 0.
StatusOr<int64_t> ParseTime(std::string_view text, int line_number, std::string_view field) {
  int64_t seconds = 0;
  if (text.empty() || text == "N/A" || text == "Unknown" || text == "None" ||
      internal::ParseNonNegative(text, &seconds)) {
    return seconds;
  }
  return InvalidArgumentError(LinePrefix(line_number) + std::string(field) + " " + Quote(text) +
                              " is not Unix seconds (run squeue with SLURM_TIME_FORMAT=%s)");
}

StatusOr<int64_t> GpusOf(std::string_view tres, int line_number, std::string_view field) {
  // The forms nearly every job has ("N/A", "gres:gpu:2", "gres/gpu:2") without building a
  // GresEntry list; everything else goes through the full parser.
  if (tres.empty() || tres == "N/A") return int64_t{0};
  for (std::string_view prefix : {"gres:gpu:", "gres/gpu:"}) {
    int64_t count = 0;
    if (tres.starts_with(prefix) &&
        internal::ParseNonNegative(tres.substr(prefix.size()), &count)) {
      return count;
    }
  }
  auto gres = ParseGres(tres);
  if (!gres.ok()) return gres.status().WithContext(LinePrefix(line_number) + std::string(field));
  return GpuCount(*gres);
}

// GPUs from tres-per-node times the node count, else from tres-per-job (--gpus=N). Jobs that ask
// only per task or per socket (--gpus-per-task) are counted as 0: squeue does not say how many
// tasks or sockets they got.
Status ParseGpus(const std::vector<std::string_view>& f, int line_number, Job* job) {
  GW_ASSIGN_OR_RETURN(int64_t per_node, GpusOf(Trim(f[7]), line_number, "tres-per-node"));
  GW_ASSIGN_OR_RETURN(int64_t per_job, GpusOf(Trim(f[8]), line_number, "tres-per-job"));
  job->gpus = per_node > 0 ? internal::SaturatingMul(per_node, job->nodes) : per_job;
  return Status::Ok();
}

StatusOr<Job> ParseJob(const std::vector<std::string_view>& f, int line_number) {
  Job job;
  job.id = std::string(Trim(f[0]));
  job.state = std::string(Trim(f[1]));
  if (job.id.empty() || job.state.empty()) {
    return InvalidArgumentError(LinePrefix(line_number) + "JobArrayID and State must not be empty");
  }
  std::string_view partitions = Trim(f[2]);
  while (!partitions.empty()) {  // "gpu" or "gpu,debug" (a job pending in both)
    size_t comma = partitions.find(',');
    std::string_view partition = partitions.substr(0, comma);
    partitions.remove_prefix(comma == std::string_view::npos ? partitions.size() : comma + 1);
    if (partition.ends_with('*')) partition.remove_suffix(1);
    if (!partition.empty()) job.partitions.emplace_back(partition);
  }
  job.user = std::string(Trim(f[3]));
  std::string_view account = Trim(f[4]);
  if (account != "(null)") job.account = std::string(account);
  GW_ASSIGN_OR_RETURN(job.cpus, ParseCountField(Trim(f[5]), line_number, "NumCPUs"));
  GW_ASSIGN_OR_RETURN(job.nodes, ParseCountField(Trim(f[6]), line_number, "NumNodes"));
  GW_RETURN_IF_ERROR(ParseGpus(f, line_number, &job));
  job.reason = std::string(Trim(f[9]));
  std::string_view node_list = Trim(f[10]);
  if (node_list != "(null)" && node_list != "N/A") job.node_list = std::string(node_list);
  GW_ASSIGN_OR_RETURN(job.submit_time, ParseTime(Trim(f[11]), line_number, "SubmitTime"));
  GW_ASSIGN_OR_RETURN(job.start_time, ParseTime(Trim(f[12]), line_number, "StartTime"));
  return job;
}

}  // namespace

std::vector<std::string> SqueueArgs(const std::string& squeue_path) {
  // -a: hidden partitions too; -r: one line per array task; --states=all: terminal jobs too.
  // JobArrayID, not JobID: on 22.05 JobID prints the internal id, the same "10" for every pending
  // task of array 10 and "14" for its running task 0 (testdata/real-22.05/squeue-jobs.txt);
  // JobArrayID prints "10_1" and "10_0", as %i does.
  return {squeue_path,
          "-h",
          "-a",
          "-r",
          "--states=all",
          "-O",
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one argument split over two lines
          "JobArrayID:|,State:|,Partition:|,UserName:|,Account:|,NumCPUs:|,NumNodes:|,"
          "tres-per-node:|,tres-per-job:|,Reason:|,NodeList:|,SubmitTime:|,StartTime:|"};
}

StatusOr<std::vector<Job>> ParseSqueue(std::string_view text) {
  std::vector<Job> jobs;
  Status status = internal::ForEachLine(text, [&](int line_number, std::string_view line) {
    GW_ASSIGN_OR_RETURN(std::vector<std::string_view> f,
                        internal::SplitFields(line, line_number, kFieldCount, kFields, false));
    GW_ASSIGN_OR_RETURN(Job job, ParseJob(f, line_number));
    jobs.push_back(std::move(job));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return jobs;
}

}  // namespace gw::slurm
