#!/usr/bin/env bash
# The Slurm prolog/epilog scripts write and remove the per-GPU job files the exporter reads.
set -euo pipefail
scripts="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export GPUWATCHDOG_JOB_MAP_DIR="$dir/jobs"
fail() { echo "FAIL: $*"; exit 1; }

SLURM_JOB_ID=101 SLURM_JOB_GPUS=0,2 "$scripts/gpuwatchdog-prolog.sh"
[[ "$(cat "$dir/jobs/0")" == "101" ]] || fail "GPU 0 should hold job 101"
[[ "$(cat "$dir/jobs/2")" == "101" ]] || fail "GPU 2 should hold job 101"
[[ ! -e "$dir/jobs/1" ]] || fail "GPU 1 holds no job"

# A second job sharing GPU 2 (oversubscription), and a rerun of the prolog, which must not
# duplicate the line.
SLURM_JOB_ID=102 SLURM_JOB_GPUS=2 "$scripts/gpuwatchdog-prolog.sh"
SLURM_JOB_ID=102 SLURM_JOB_GPUS=2 "$scripts/gpuwatchdog-prolog.sh"
[[ "$(cat "$dir/jobs/2")" == $'101\n102' ]] || fail "GPU 2 should hold 101 and 102: $(cat "$dir/jobs/2")"

SLURM_JOB_ID=101 "$scripts/gpuwatchdog-epilog.sh"
[[ ! -e "$dir/jobs/0" ]] || fail "the epilog should remove GPU 0's file"
[[ "$(cat "$dir/jobs/2")" == "102" ]] || fail "GPU 2 should keep job 102"
SLURM_JOB_ID=102 "$scripts/gpuwatchdog-epilog.sh"
[[ -z "$(ls -A "$dir/jobs")" ]] || fail "no files (and no temporaries) should remain: $(ls -A "$dir/jobs")"

# No GPUs or no job: nothing written, exit 0 (a failing prolog drains the node).
SLURM_JOB_ID=103 "$scripts/gpuwatchdog-prolog.sh"
SLURM_JOB_GPUS=1 "$scripts/gpuwatchdog-prolog.sh"
[[ -z "$(ls -A "$dir/jobs")" ]] || fail "nothing should be written without a job and GPUs"
echo "prolog/epilog: all checks passed"
