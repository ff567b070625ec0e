#!/usr/bin/env bash
# The demo's job generator: submits real sbatch jobs of varied sizes and lengths to the cluster
# in a box, forever: training runs that keep their GPUs busy, inference jobs, jobs that hold
# GPUs and leave them idle, jobs that crash, and CPU-only jobs (scripts/cluster.d/
# demo-workload.sh does the "work"). A burst at the start fills the cluster (one job of each kind
# first, so every kind is on screen within a minute); then one job every 10-25 s while fewer than
# 4 wait, so the queue has pending jobs without growing for ever. Each job's comment is
# "demo:KIND" (squeue -o %k), for whoever wants to know what a job was meant to do.
# Exits when Slurm has not answered for a minute (the cluster was stopped).
#
#   demo-jobs.sh STATE_DIR        (scripts/demo starts and stops it)
set -u
state=${1:?STATE_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
eval "$("$here/../cluster" env --dir "$state")" || exit 1
[[ -n ${GW_CLUSTER_SIM_LOAD:-} ]] || { echo "demo-jobs: the cluster does not run in GW_CLUSTER_GPU_LOAD=jobs mode" >&2; exit 1; }
out="$state/jobs"

between() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
pick() { shift $((RANDOM % $#)); echo "$1"; }

# submit_one [PERCENTILE]: one job of a random kind (or the kind at that point of the mix), size
# and length
submit_one() {
  local r=${1:-$((RANDOM % 100))} kind gpus cpus secs name
  if ((r < 40)); then
    kind=train gpus=$(pick 1 2 2 4) secs=$(between 180 720)
    name=$(pick llama-7b-pretrain resnet50-imagenet vit-b16-finetune gpt2-medium whisper-small)
  elif ((r < 60)); then
    kind=infer gpus=1 secs=$(between 120 420) name=$(pick serve-embeddings batch-infer eval-mmlu)
  elif ((r < 72)); then
    kind=idle gpus=$(pick 1 2) secs=$(between 300 900) name=$(pick jupyter-notebook debug-session)
  elif ((r < 87)); then
    kind=fail gpus=$(pick 1 2) secs=$(between 120 360) name=$(pick sweep-lr-3e-4 ablation-no-dropout)
    ((${1:-100} < 100)) && secs=120   # the burst's crash comes 40 s in
  else
    kind=cpu gpus=0 secs=$(between 60 300) name=$(pick preprocess-shards tokenize-corpus)
  fi
  cpus=$((gpus ? 4 * gpus : $(pick 2 4 8)))
  local -a gres=()
  ((gpus)) && gres=(--gres="gpu:$gpus")
  sbatch --parsable --job-name="$name" --comment="demo:$kind" "${gres[@]}" --cpus-per-task="$cpus" \
    --time=$((secs / 60 + 2)) --output="$out/%x-%j.out" \
    "$here/demo-workload.sh" "$kind" "$secs" 2>&1 | sed "s/^/demo-jobs: submitted $kind job $name ($gpus GPUs, ${secs}s): /"
}

for r in 0 40 60 72 87 10 20 30; do submit_one "$r"; done
silent=0
while :; do
  sleep "$(between 10 25)" & wait $!
  if ! pending=$(squeue -h -t PENDING -o %A 2>/dev/null); then
    silent=$((silent + 1))
    ((silent * 17 > 60)) && { echo "demo-jobs: Slurm does not answer; stopping"; exit 0; }
    continue
  fi
  silent=0
  (($(grep -c . <<<"$pending") < 4)) && submit_one
done
