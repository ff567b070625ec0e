#!/usr/bin/env bash
# Slurm epilog: removes the job from the per-GPU files the prolog wrote (see
# gpuwatchdog-prolog.sh). Always exits 0: a failing epilog would drain the node.
set -u
dir="${GPUWATCHDOG_JOB_MAP_DIR:-/run/gpuwatchdog/jobs}"
job="${SLURM_JOB_ID:-}"
[[ -n "$job" && -d "$dir" ]] || exit 0
for f in "$dir"/*; do
  name="${f##*/}"
  [[ "$name" =~ ^[0-9]+(\.[0-9]+)?$ && -f "$f" ]] || continue
  grep -qx "$job" "$f" || continue
  tmp="$dir/.$name.$job.tmp"
  grep -vx "$job" "$f" >"$tmp"
  if [[ -s "$tmp" ]]; then mv -f "$tmp" "$f"; else rm -f "$tmp" "$f"; fi
done
exit 0
