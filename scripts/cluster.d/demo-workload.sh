#!/usr/bin/env bash
# A demo job (the batch script sbatch runs): it "computes" on the GPUs Slurm gave it by writing
# one nvml-sim load file per GPU (docs/nvml-sim.md, "Job load"); the simulated driver of its
# node then reports that utilization, memory and the job's process on those GPUs. When the job
# ends, fails or is cancelled, its process is gone and the driver stops counting its load, as a
# real driver frees a dead process's GPU context.
#
#   sbatch --gres=gpu:N ... demo-workload.sh KIND SECONDS
#
# KIND  train   70-98% busy, most of the memory
#       infer   20-60% busy, a third of the memory
#       idle    holds its GPUs and a little memory, computes nothing (a forgotten notebook)
#       fail    busy like train, then exits 1 a third of the way in (a crashed run)
#       cpu     no GPU work at all (CPU-only jobs)
# Needs GW_CLUSTER_SIM_LOAD (from `scripts/cluster env`; sbatch passes the environment on),
# and SLURMD_NODENAME and SLURM_JOB_GPUS, which Slurm sets.
set -u
kind=${1:?KIND} seconds=${2:?SECONDS}
dir="${GW_CLUSTER_SIM_LOAD:?not set: run under the demo cluster}/${SLURMD_NODENAME:?}"
files=()
for gpu in ${SLURM_JOB_GPUS//,/ }; do files+=("$dir/$gpu.$$"); done
trap 'rm -f "${files[@]}"' EXIT
trap 'exit 143' TERM INT   # scancel, or the time limit

between() { echo $(($1 + RANDOM % ($2 - $1 + 1))); } # LOW HIGH -> a number in [LOW, HIGH]

# write_load UTIL MEMORY_MIB: every GPU of the job, replaced whole (write, then rename)
write_load() {
  local f
  for f in "${files[@]}"; do
    printf 'utilization=%d memory_mib=%d\n' "$1" "$2" >"$f.tmp" && mv -f "$f.tmp" "$f"
  done
}

case "$kind" in
  train | fail) low=70 high=98 mem=$(between 26000 36000) ;;
  infer) low=20 high=60 mem=$(between 9000 14000) ;;
  idle) low=0 high=0 mem=$(between 900 2500) ;;
  cpu) low=0 high=0 mem=0 files=() ;;
  *) echo "demo-workload: unknown kind $kind" >&2; exit 2 ;;
esac
echo "demo job $SLURM_JOB_ID ($kind, ${seconds}s) on $SLURMD_NODENAME GPUs ${SLURM_JOB_GPUS:-none}"
end=$((SECONDS + seconds))
[[ $kind == fail ]] && end=$((SECONDS + seconds / 3))
while ((SECONDS < end)); do
  write_load "$(between "$low" "$high")" "$mem"
  sleep 5 &
  wait $!
done
if [[ $kind == fail ]]; then
  echo "demo job $SLURM_JOB_ID: CUDA error: an illegal memory access was encountered (simulated)" >&2
  exit 1
fi
