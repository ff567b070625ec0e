// ScontrolJobsArgs and ParseScontrolJobs (commands.h).
//
// A line of `scontrol -d -o show job` is "Key=Value" tokens separated by spaces; a running job's
// allocation follows CoreSpec=/JOB_GRES= as groups that Slurm 22.05 prints with
//   "  Nodes=%s CPU_IDs=%s Mem=%" PRIu64 " GRES=%s"
// (src/api/job_info.c), one group per run of nodes with identical CPU, memory and GRES details.
// Values may contain spaces (JobName, WorkDir, Command), so a "Nodes=" token counts only when the
// next token is "CPU_IDs=": that pair occurs nowhere else.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "slurm/commands.h"
#include "slurm/parse_util.h"

namespace gw::slurm {
namespace {

using internal::Quote;

std::vector<std::string_view> Tokens(std::string_view line) {
  std::vector<std::string_view> tokens;
  for (std::string_view token : internal::Split(line, ' ')) {
    token = internal::Trim(token);
    if (!token.empty()) tokens.push_back(token);
  }
  return tokens;
}

// The value of the first "key=..." token, or "" when there is none.
std::string_view ValueOf(const std::vector<std::string_view>& tokens, std::string_view key) {
  for (std::string_view token : tokens) {
    if (token.size() > key.size() && token.starts_with(key) && token[key.size()] == '=') {
      return token.substr(key.size() + 1);
    }
  }
  return {};
}

bool IsNumber(std::string_view text) {
  int64_t ignored = 0;
  return internal::ParseNonNegative(text, &ignored);
}

// The id as squeue's JobArrayID field prints it, so that the two can be joined: "12_3" for an array
// task, "20+1" for a heterogeneous job component, else the plain JobId.
std::string JobIdOf(const std::vector<std::string_view>& tokens) {
  std::string_view array_job = ValueOf(tokens, "ArrayJobId");
  std::string_view array_task = ValueOf(tokens, "ArrayTaskId");
  if (IsNumber(array_job) && IsNumber(array_task)) {
    return std::string(array_job) + "_" + std::string(array_task);
  }
  std::string_view het_job = ValueOf(tokens, "HetJobId");
  std::string_view het_offset = ValueOf(tokens, "HetJobOffset");
  if (IsNumber(het_job) && IsNumber(het_offset)) {
    return std::string(het_job) + "+" + std::string(het_offset);
  }
  return std::string(ValueOf(tokens, "JobId"));
}

// Adds the GPU indices of one "Nodes=... CPU_IDs=... Mem=... GRES=..." group.
Status AddGroup(std::string_view nodes, std::string_view gres_text, JobGpus* job) {
  GW_ASSIGN_OR_RETURN(std::vector<GresEntry> gres, ParseGres(gres_text));
  std::vector<int> indices = GpuIndices(gres);
  if (indices.empty()) return Status::Ok();
  GW_ASSIGN_OR_RETURN(std::vector<std::string> hosts, ExpandHostList(nodes));
  for (const std::string& host : hosts) {
    std::vector<int>& held = job->indices_by_node[host];
    held.insert(held.end(), indices.begin(), indices.end());
    std::sort(held.begin(), held.end());
    held.erase(std::unique(held.begin(), held.end()), held.end());
  }
  return Status::Ok();
}

Status ParseJobLine(std::string_view line, JobGpus* job) {
  std::vector<std::string_view> tokens = Tokens(line);
  if (tokens.empty() || !tokens[0].starts_with("JobId=") || tokens[0].size() == 6) {
    return InvalidArgumentError(
        "expected \"JobId=<id>\" (output of scontrol -d -o show job), "
        "got " +
        Quote(line));
  }
  job->job_id = JobIdOf(tokens);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i].starts_with("Nodes=") || !tokens[i + 1].starts_with("CPU_IDs=")) continue;
    std::string_view nodes = tokens[i].substr(6);
    std::string_view gres;
    for (size_t j = i + 2; j < tokens.size() && j <= i + 3; ++j) {
      if (tokens[j].starts_with("GRES=")) gres = tokens[j].substr(5);
    }
    Status status = AddGroup(nodes, gres, job);
    if (!status.ok()) return status.WithContext("job " + job->job_id);
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> ScontrolJobsArgs(const std::string& scontrol_path) {
  return {scontrol_path, "-d", "-o", "show", "job"};
}

StatusOr<std::vector<JobGpus>> ParseScontrolJobs(std::string_view text) {
  std::vector<JobGpus> jobs;
  Status status = internal::ForEachLine(text, [&](int line_number, std::string_view line) {
    // What scontrol prints on stdout when slurmctld holds no jobs.
    if (internal::Trim(line) == "No jobs in the system") return Status::Ok();
    JobGpus job;
    Status parsed = ParseJobLine(line, &job);
    if (!parsed.ok()) return parsed.WithContext("line " + std::to_string(line_number));
    if (!job.indices_by_node.empty()) jobs.push_back(std::move(job));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return jobs;
}

}  // namespace gw::slurm
