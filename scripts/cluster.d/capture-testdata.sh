#!/usr/bin/env bash
# Captures real Slurm 22.05 command outputs for the parser tests into OUT_DIR
# (src/slurm/testdata/real-22.05/): jobs in many states, a drained and a down node.
#   scripts/cluster.d/capture-testdata.sh OUT_DIR [STATE_DIR]
# Starts a fresh 4-node cluster in STATE_DIR (default: a temp dir), stops it at the end.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
state="${2:-$(mktemp -d /tmp/gwcap.XXXXXX)}"
cluster="$repo/scripts/cluster"

"$cluster" stop --dir "$state" >/dev/null 2>&1 || true
"$cluster" start --nodes 4 --dir "$state"
trap '"$cluster" stop --dir "$state"' EXIT
eval "$("$cluster" env --dir "$state")"
work="$state/jobs"
cd "$work"

sb() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
wait_state() { # JOBID STATE...
  local j="$1"; shift
  for _ in $(seq 120); do
    local s; s=$(squeue -h -t all -j "$j" -o %T 2>/dev/null | head -1)
    for want in "$@"; do [[ $s == "$want" ]] && return 0; done
    sleep 0.5
  done
  echo "job $j did not reach $* (is $(squeue -h -t all -j "$j" -o %T))" >&2; return 1
}

j_h100_all=$(sb -w node1 --gres=gpu:4 -J h100-all --wrap "sleep 900")
j_node2_a=$(sb -w node2 --gres=gpu:2 -J train-a --wrap "sleep 900")
j_node2_b=$(sb -w node2 --gres=gpu:h100:1 -J train-b --wrap "sleep 900")
j_debug=$(sb -p debug --gres=gpu:1 -J debug-1 --wrap "sleep 900")
j_cpu=$(sb -p gpu -w node3 -c 2 -J cpu-only --wrap "sleep 900")
j_fail=$(sb -J fails --wrap "exit 3")
j_ok=$(sb -J completes --wrap "true")
for j in $j_h100_all $j_node2_a $j_node2_b $j_debug $j_cpu; do wait_state "$j" RUNNING; done
wait_state "$j_fail" FAILED
wait_state "$j_ok" COMPLETED
j_cancel=$(sb -J cancelled --begin=now+1hour --wrap "sleep 1")
scancel "$j_cancel"
j_two=$(sb -p gpu,debug --gres=gpu:4 -J two-partitions --wrap "sleep 60")
j_array=$(sb -p debug --gres=gpu:1 --array=0-5 -J array --wrap "sleep 900")
j_dep=$(sb --dependency=afterok:"$j_h100_all" -J after-h100 --wrap "sleep 60")
j_gpus=$(sb --gpus=2 -J gpus-per-job -w node3 --wrap "sleep 900")
j_held=$(sb -H -J held --wrap "sleep 60")
sleep 3

scontrol update nodename=node2 state=drain reason="test drain"
# node3: stop its slurmd and wait until slurmctld marks it not responding and down.
node3_pid=$(cut -d' ' -f1 "$state/run/slurmd-node3.proc")
kill "$node3_pid"
echo "capture: waiting for node3 to be marked down (SlurmdTimeout=30s)..."
for _ in $(seq 240); do
  st=$(sinfo -h -n node3 -o %T | head -1)
  [[ $st == down* ]] && break
  sleep 1
done
sinfo -h -n node3 -o "%T %E"
sleep 2

{
  echo "# Real Slurm 22.05.8 (Debian 12 slurm-wlm 22.05.8-4+deb12u3) outputs, captured $(date -u +%FT%TZ)"
  echo "# by scripts/cluster.d/capture-testdata.sh on the cluster in a box (scripts/cluster)."
  echo
  echo "Cluster: 4 nodes on one host (multiple slurmd), SlurmUser=root, no slurmdbd (Account empty/(null))."
  echo "  node1, node2: CPUs=16 RealMemory=64000 Gres=gpu:h100:4"
  echo "  node3, node4: CPUs=8  RealMemory=32000 Gres=gpu:a100:2"
  echo "  partitions: gpu (Default, node[1-4]), debug (node4); node4 is in both."
  echo "  SelectType=select/cons_tres CR_Core_Memory, DefMemPerCPU=1000, MinJobAge=300"
  echo
  echo "Node states at capture:"
  echo "  node2: drained while running jobs: scontrol update nodename=node2 state=drain reason=\"test drain\""
  echo "  node3: its slurmd was killed (pid $node3_pid); slurmctld marked it not responding (*) and down."
  echo "         The jobs running there ($j_cpu cpu-only, $j_gpus gpus-per-job) were ended by the node failure."
  echo
  echo "Jobs (id: what was submitted; their states at capture are in squeue-all-states.txt):"
  echo "  $j_h100_all: sbatch -w node1 --gres=gpu:4 sleep 900             all 4 GPUs of node1"
  echo "  $j_node2_a: sbatch -w node2 --gres=gpu:2 sleep 900             on node2, drained after it started"
  echo "  $j_node2_b: sbatch -w node2 --gres=gpu:h100:1 sleep 900        on node2 (GPU index 2)"
  echo "  $j_debug: sbatch -p debug --gres=gpu:1 sleep 900             on node4"
  echo "  $j_cpu: sbatch -w node3 -c 2 sleep 900 (CPU only)          ran on node3 until node3 went down; requeued"
  echo "  $j_fail: sbatch --wrap 'exit 3'                             FAILED, NonZeroExitCode"
  echo "  $j_ok: sbatch --wrap true                                 COMPLETED"
  echo "  $j_cancel: sbatch --begin=now+1hour, then scancel            CANCELLED while pending"
  echo "  $j_two: sbatch -p gpu,debug --gres=gpu:4 sleep 60          pending in two partitions"
  echo "  $j_array: sbatch -p debug --gres=gpu:1 --array=0-5 sleep 900  array; a running task gets its own job id"
  echo "  $j_dep: sbatch --dependency=afterok:$j_h100_all sleep 60           pending, Dependency"
  echo "  $j_gpus: sbatch --gpus=2 -w node3 sleep 900                  tres-per-job (--gpus)"
  echo "  $j_held: sbatch -H sleep 60                                  held (JobHeldUser)"
  echo
  echo "Prolog environment seen on each node (from the cluster's prolog wrapper log):"
  sed 's/^/  /' "$state/log/prolog-epilog.log"
  echo
  echo "Files and the exact commands (environment: SLURM_CONF=<state>/etc/slurm.conf):"
} >"$out/PROVENANCE"

cap() { # FILE COMMAND...
  local f="$1"; shift
  local rc=0
  "$@" >"$out/$f" 2>"$out/$f.stderr" || rc=$?
  [[ -s $out/$f.stderr ]] || rm -f "$out/$f.stderr"
  printf '  %-22s %s   (exit %d)\n' "$f" "$*" "$rc" >>"$out/PROVENANCE"
}
cap sinfo-nodes.txt sinfo -h -N -O "NodeList:|,Partition:|,StateComplete:|,CPUsState:|,Memory:|,AllocMem:|,Gres:|,GresUsed:|,Reason:|"
export SLURM_TIME_FORMAT=%s
cap squeue-jobs.txt squeue -h -a -r --states=all -O "JobID:|,State:|,Partition:|,UserName:|,Account:|,NumCPUs:|,NumNodes:|,tres-per-node:|,tres-per-job:|,Reason:|,NodeList:|,SubmitTime:|,StartTime:|"
echo "  (squeue-jobs.txt ran with SLURM_TIME_FORMAT=%s)" >>"$out/PROVENANCE"
unset SLURM_TIME_FORMAT
cap squeue-array-ids.txt squeue -h -a -r --states=all -O "JobArrayID:|,ArrayJobID:|,ArrayTaskID:|,JobID:|,State:|,Reason:|"
cap scontrol-show-job.txt scontrol -d -o show job
cap sdiag.txt sdiag
cap sinfo.txt sinfo
cap squeue.txt squeue
cap sinfo-N-l.txt sinfo -N -l
cap squeue-all-states.txt squeue -a -r --states=all
cap scontrol-show-node.txt scontrol -o show node
cap sinfo-cpus.txt sinfo -h -o %C
cap sinfo-partition-cpus.txt sinfo -h -o "%R,%C"
echo "capture: wrote $(find "$out" -type f | wc -l) files to $out"
