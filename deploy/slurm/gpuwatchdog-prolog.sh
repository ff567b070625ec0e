#!/usr/bin/env bash
# Slurm prolog (run by slurmd as root before a job starts on this node): writes one file per GPU
# the job holds, named by the GPU's index, containing the job id. gpuwatchdog-gpu-exporter reads
# the directory (--hpc-job-mapping-dir) and labels that GPU's series with hpc_job.
#
# Configure in slurm.conf:   Prolog=/usr/local/lib/gpuwatchdog/gpuwatchdog-prolog.sh
#                            Epilog=/usr/local/lib/gpuwatchdog/gpuwatchdog-epilog.sh
# (where deploy/install.sh puts them: $PREFIX/lib/gpuwatchdog, PREFIX defaulting to /usr/local)
# The directory defaults to /run/gpuwatchdog/jobs; set GPUWATCHDOG_JOB_MAP_DIR to change it.
#
# Slurm exports the GPUs of the job to the prolog as SLURM_JOB_GPUS (comma-separated indices,
# the node's real ordinals). CUDA_VISIBLE_DEVICES is renumbered inside the job and must not be
# used here.
set -u
dir="${GPUWATCHDOG_JOB_MAP_DIR:-/run/gpuwatchdog/jobs}"
job="${SLURM_JOB_ID:-}"
gpus="${SLURM_JOB_GPUS:-${GPU_DEVICE_ORDINAL:-}}"
[[ -n "$job" && -n "$gpus" ]] || exit 0
mkdir -p "$dir" || exit 0
IFS=',' read -ra list <<<"$gpus"
for gpu in "${list[@]}"; do
  [[ "$gpu" =~ ^[0-9]+$ ]] || continue
  # Write a temporary file and rename it, so a reader never sees half a file. A GPU shared by
  # several jobs (oversubscription) keeps one line per job.
  tmp="$dir/.$gpu.$job.tmp"
  { [[ -f "$dir/$gpu" ]] && grep -vx "$job" "$dir/$gpu"; echo "$job"; } >"$tmp" 2>/dev/null
  mv -f "$tmp" "$dir/$gpu"
done
exit 0
