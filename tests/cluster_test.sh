#!/usr/bin/env bash
# Integration test of the cluster in a box (scripts/cluster): a real Slurm 22.05 cluster on
# loopback, real sbatch jobs, the real prolog/epilog, and the GPU exporters' hpc_job labels.
#   tests/cluster_test.sh BUILD_DIR
# Needs: slurmctld slurmd slurm-client munge (scripts/install-deps). Runs as root (CI) or as a
# regular user. Uses its own temp state dir and its own ports, so a running dev cluster
# (.cluster/, default ports) is left alone. Prints PASS/FAIL per check; exits 1 on any failure.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/cluster_test.sh BUILD_DIR}" && pwd) || exit 2
cluster="$repo/scripts/cluster"
# shellcheck source=tests/cluster_test_lib.sh
source "$repo/tests/cluster_test_lib.sh"
nodes=4

for bin in slurmctld slurmd sbatch munged; do
  if ! command -v "$bin" >/dev/null && [[ ! -x /usr/sbin/$bin ]]; then
    echo "SKIP: $bin not installed (run scripts/install-deps)"
    exit 77
  fi
done
[[ -x $build/src/gpu_exporter/gpuwatchdog-gpu-exporter && -f $build/nvml-sim/libnvidia-ml.so.1 ]] || {
  echo "FAIL: $build has no GPU exporter or nvml-sim (build targets gpuwatchdog-gpu-exporter nvml_sim)"
  exit 1
}

# Own ports unless the caller chose others.
cluster_test_ports 3 23

cluster_test_state gwct

trap 'cluster_test_stop "$cluster" 20' EXIT

# ---- start -----------------------------------------------------------------------------------
if "$cluster" start --nodes "$nodes" --build "$build" --dir "$state"; then
  pass "scripts/cluster start ($nodes nodes, state $state)"
else
  fail "scripts/cluster start"
  exit 1
fi
eval "$("$cluster" env --dir "$state")"
export PATH="$PATH:/usr/sbin:/sbin"

check "start again while running is a no-op with exit 0" "$cluster" start --nodes "$nodes" --build "$build" --dir "$state"
"$cluster" status --dir "$state" >/dev/null
check "status exits 0 with everything up" test $? -eq 0

idle=$(sinfo -h -N -o "%N %T" | awk '$2 == "idle" {print $1}' | sort -u | wc -l)
check "sinfo shows $nodes idle nodes (got $idle)" test "$idle" -eq "$nodes"
gres=$(sinfo -h -N -O "NodeList: ,Gres:" | sort -u | tr '\n' ' ')
check "gres.conf GPUs are visible to slurmctld: $gres" grep -q "node1 gpu:h100:4 .*node4 gpu:a100:2" <<<"$gres"

IFS=, read -ra gpu_urls <<<"$GPU_EXPORTER_URLS"
check "env lists $nodes GPU exporter URLs" test "${#gpu_urls[@]}" -eq "$nodes"
serves_util() { curl -sf "${gpu_urls[$1 - 1]}" | grep -q "^DCGM_FI_DEV_GPU_UTIL{.*Hostname=\"node$1\""; }
for ((k = 1; k <= nodes; k++)); do
  check "the GPU exporter of node$k serves DCGM_FI_DEV_GPU_UTIL with Hostname=\"node$k\"" wait_for 10 serves_util $k
done
if [[ -x $build/src/slurm_exporter/gpuwatchdog-slurm-exporter ]]; then
  check "the Slurm exporter answers at $SLURM_EXPORTER_URL" curl -sf -o /dev/null "$SLURM_EXPORTER_URL"
else
  echo "NOTE: no Slurm exporter binary in $build; not started, not checked"
fi

# ---- the idle cluster, as the Slurm exporter sees it ----------------------------------------
if [[ -x $build/src/slurm_exporter/gpuwatchdog-slurm-exporter ]]; then
  idle_metric() { curl -sf "$SLURM_EXPORTER_URL" | awk '$1 == "slurm_nodes_idle" {print $2}'; }
  check "idle cluster: slurm_nodes_idle matches sinfo ($idle)" wait_for 20 test "$(idle_metric)" == "$idle"
  check "idle cluster: slurm_gpus_alloc is 0" test "$(curl -sf "$SLURM_EXPORTER_URL" | awk '$1 == "slurm_gpus_alloc" {print $2}')" == 0
  check "idle cluster: slurm_queue_running is 0" test "$(curl -sf "$SLURM_EXPORTER_URL" | awk '$1 == "slurm_queue_running" {print $2}')" == 0
fi

# ---- the hub: GPU nodes discovered through Slurm, scraped into its store ----------------------
if [[ -x $build/src/hub/gpuwatchdog && -n ${HUB_URL:-} ]]; then
  hub_series() { curl -sfG "$HUB_URL/api/v1/series" --data-urlencode "match[]=$1"; }
  hub_instances() { hub_series 'up{job="gpu"}' | grep -o '"instance":"[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' '; }
  want_instances=$(sinfo -h -N -o %N | sort -u | sed "s/\$/:$GW_CLUSTER_GPU_PORT/" | tr '\n' ' ')
  check "the hub scrapes every node sinfo lists, found through the Slurm exporter ($want_instances)" \
    wait_for 30 eval '[[ "$(hub_instances)" == "$want_instances" ]]'
  # Ground truth for the GPUs: the gres counts slurmctld reports.
  gres_gpus=$(sinfo -h -N -O "NodeList: ,Gres:" | sort -u | awk '{n = split($2, a, ":"); s += a[n]} END {print s}')
  hub_gpus() { hub_series 'DCGM_FI_DEV_GPU_UTIL' | grep -o '"__name__":"DCGM_FI_DEV_GPU_UTIL"' | wc -l; }
  check "the hub holds one DCGM_FI_DEV_GPU_UTIL series per GPU in Slurm's gres ($gres_gpus)" \
    wait_for 20 eval '[[ "$(hub_gpus)" -eq "$gres_gpus" ]]'
  check "the hub scrapes the Slurm exporter too" wait_for 20 eval '[[ -n "$(hub_series "up{job=\"slurm\"}" | grep -o slurm)" ]]'
  check "the hub's node names agree with the GPU exporters' Hostname labels" \
    eval '[[ "$(curl -sf "$HUB_URL/api/v1/label/Hostname/values" | grep -o "node[0-9]*" | sort | tr "\n" " ")" == "$(sinfo -h -N -o %N | sort -u | tr "\n" " ")" ]]'
else
  echo "NOTE: no hub binary in $build; not started, not checked"
fi

# ---- jobs ------------------------------------------------------------------------------------
cd "$state/jobs" || exit 1
sb() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
job_state() { squeue -h -t all -j "$1" -o %T 2>/dev/null | head -1; }
wait_state() { # JOB STATE [seconds]
  local i
  for ((i = 0; i < ${3:-60} * 4; i++)); do
    [[ $(job_state "$1") == "$2" ]] && return 0
    sleep 0.25
  done
  return 1
}

j_any=$(sb --gres=gpu:2 -J gpu2 --wrap "sleep 300")
j_n1a=$(sb -w node1 --gres=gpu:1 -J node1-a --wrap "sleep 300")
j_n1b=$(sb -w node1 --gres=gpu:2 -J node1-b --wrap "sleep 300")
j_a100=$(sb -p debug --gres=gpu:a100:1 -J a100 --wrap "sleep 300")
j_cpu=$(sb -c 1 -J cpu --wrap "sleep 300")
j_fail=$(sb -J fail --wrap "exit 3")
j_done=$(sb -J done --wrap "true")
j_gpus=$(sb --gpus=1 -J gpus-flag --wrap "sleep 300")
echo "submitted: gpu:2=$j_any node1 gpu:1=$j_n1a node1 gpu:2=$j_n1b a100=$j_a100 cpu=$j_cpu fail=$j_fail"
gpu_jobs=("$j_any" "$j_n1a" "$j_n1b" "$j_a100" "$j_gpus")
for j in "${gpu_jobs[@]}" "$j_cpu"; do
  check "job $j is RUNNING" wait_state "$j" RUNNING 90
done
check "job $j_fail (exit 3) is FAILED" wait_state "$j_fail" FAILED 60
check "job $j_fail has ExitCode=3:0" grep -q "ExitCode=3:0" <<<"$(scontrol show job "$j_fail")"
check "job $j_done (true) is COMPLETED" wait_state "$j_done" COMPLETED 60

# Ground truth: scontrol -d show job JOB -> "Nodes=node1 CPU_IDs=0 Mem=1000 GRES=gpu:h100:2(IDX:1-2)"
expand() { # "0-1,3" -> "0 1 3"
  local part out=()
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ $part == *-* ]]; then
      mapfile -t -O "${#out[@]}" out < <(seq "${part%-*}" "${part#*-}")
    else
      out+=("$part")
    fi
  done
  echo "${out[*]}"
}
alloc_of() { # JOB -> "NODE IDX IDX..."
  local line node idx
  line=$(scontrol -d show job "$1" | grep -oE "Nodes=[^ ]+ CPU_IDs=.*GRES=[^ ]*IDX:[0-9,-]+" | head -1)
  node=$(sed -E 's/^Nodes=([^ ]+).*/\1/' <<<"$line")
  idx=$(sed -E 's/.*IDX:([0-9,-]+).*/\1/' <<<"$line")
  [[ -n $node && -n $idx ]] || return 1
  echo "$node $(expand "$idx")"
}
files_naming() { # JOB -> "nodeK:idx ..." for every job-map file listing JOB
  local f out=()
  for f in "$state"/jobmap/*/*; do
    [[ -f $f ]] && grep -qx "$1" "$f" && out+=("$(basename "$(dirname "$f")"):$(basename "$f")")
  done
  echo "${out[*]}"
}
exporter_gpus() { # JOB NODE -> sorted gpu indices whose DCGM_FI_DEV_GPU_UTIL has hpc_job="JOB"
  local k=${2#node}
  curl -sf "${gpu_urls[k - 1]}" | grep "^DCGM_FI_DEV_GPU_UTIL{" | grep "hpc_job=\"$1\"" |
    sed -E 's/.*[{,]gpu="([0-9]+)".*/\1/' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
files_are() { [[ "$(files_naming "$1")" == "$2" ]]; }          # JOB WANT
exporter_is() { [[ "$(exporter_gpus "$1" "$2")" == "$3" ]]; }  # JOB NODE WANT
declare -A alloc
saw_nonzero=0
for j in "${gpu_jobs[@]}"; do
  a=$(alloc_of "$j") || { fail "job $j: no GRES IDX in scontrol -d show job"; continue; }
  alloc[$j]=$a
  node=${a%% *} idx=${a#* }
  want=""
  for i in $idx; do want+="${want:+ }$node:$i"; [[ $i != 0 ]] && saw_nonzero=1; done
  check "job $j: job-map files name it on exactly $want (Slurm: $a)" \
    wait_for 10 files_are "$j" "$want"
  want_idx=$(tr ' ' '\n' <<<"$idx" | sort -n | tr '\n' ' ' | sed 's/ $//')
  check "job $j: $node's GPU exporter labels GPUs [$want_idx] with hpc_job=\"$j\"" \
    wait_for 10 exporter_is "$j" "$node" "$want_idx"
done
check "a GPU job got a non-zero GPU index (real indices, not renumbered)" test $saw_nonzero -eq 1
a100_node=${alloc[$j_a100]%% *}
check "the debug-partition a100 job ran on an a100 node ($a100_node)" \
  grep -q "a100" <<<"$(scontrol show node "$a100_node" | grep -o 'Gres=[^ ]*')"
check "the CPU job $j_cpu has no job-map file" test -z "$(files_naming "$j_cpu")"

# ---- the Slurm exporter against sinfo/squeue/scontrol (ground truth) -------------------------
slurm_metric() { # NAME [LABEL VALUE] -> the value of the first matching series
  curl -sf "$SLURM_EXPORTER_URL" | awk -v n="$1" -v l="${2:-}" -v v="${3:-}" '
    $1 == n || index($1, n "{") == 1 {
      if (l == "" || index($1, l "=\"" v "\"") > 0) { print $2; exit }
    }'
}
metric_is() { [[ "$(slurm_metric "$1" "${3:-}" "${4:-}")" == "$2" ]]; }  # NAME WANT [LABEL VALUE]
metric_ge() { awk -v a="$(slurm_metric "$1" "${3:-}" "${4:-}")" -v b="$2" 'BEGIN {exit !(a != "" && a + 0 >= b + 0)}'; }
# promtool check metrics on a page: parse errors fail; lint findings only for the names kept for
# compatibility (docs/decisions.md): dcgm-exporter's counters without _total and camelCase
# modelName label, and the Slurm exporters' gauges named *_total.
promtool_ok() { # URL
  local out
  out=$(curl -sf "$1" | promtool check metrics 2>&1)
  [[ -z $(grep -v -E "^DCGM_FI_.*(should have \"_total\" suffix|should not include type 'counter')|label names should be written in 'snake_case'|^slurm_(cpus|gpus|nodes|node_cpu|node_mem|partition_cpus|scheduler_backfilled_[a-z_]+)_total non-counter" <<<"$out" | grep -v '^$') ]] ||
    { echo "$out" | head -5; return 1; }
}
if [[ -x $build/src/slurm_exporter/gpuwatchdog-slurm-exporter ]]; then
  running=$(squeue -h -t R | wc -l)
  check "slurm_queue_running matches squeue ($running)" wait_for 20 metric_is slurm_queue_running "$running"
  IFS=/ read -r c_alloc c_idle c_other c_total <<<"$(sinfo -h -o %C)"
  check "slurm_cpus_alloc matches sinfo %C ($c_alloc)" wait_for 15 metric_is slurm_cpus_alloc "$c_alloc"
  check "slurm_cpus_idle matches sinfo %C ($c_idle)" metric_is slurm_cpus_idle "$c_idle"
  check "slurm_cpus_other matches sinfo %C ($c_other)" metric_is slurm_cpus_other "$c_other"
  check "slurm_cpus_total matches sinfo %C ($c_total)" metric_is slurm_cpus_total "$c_total"
  check "slurm_nodes_total is $nodes" metric_is slurm_nodes_total "$nodes"
  gpus_total=$(sinfo -h -N -O "NodeList: ,Gres:" | sort -u | awk '{split($2, g, ":"); t += g[3]} END {print t}')
  check "slurm_gpus_total matches gres.conf via sinfo ($gpus_total)" metric_is slurm_gpus_total "$gpus_total"
  gpus_alloc=0
  for j in "${gpu_jobs[@]}"; do set -- ${alloc[$j]}; gpus_alloc=$((gpus_alloc + $# - 1)); done
  check "slurm_gpus_alloc matches the IDX lists of scontrol ($gpus_alloc)" metric_is slurm_gpus_alloc "$gpus_alloc"
  job_gpu_series() { # JOB -> "node:gpu ..." from slurm_job_gpu
    curl -sf "$SLURM_EXPORTER_URL" | grep "^slurm_job_gpu{" | grep "job_id=\"$1\"" |
      sed -E 's/.*node="([^"]+)".*gpu="([0-9]+)".*/\1:\2/' | sort | tr '\n' ' ' | sed 's/ $//'
  }
  for j in "${gpu_jobs[@]}"; do
    node=${alloc[$j]%% *}
    want=$(for i in ${alloc[$j]#* }; do echo "$node:$i"; done | sort | tr '\n' ' ' | sed 's/ $//')
    check "slurm_job_gpu of job $j names $want (scontrol)" test "$(job_gpu_series "$j")" == "$want"
  done
  check "slurm_jobs_finished_total{state=\"FAILED\"} counted the failed job once" \
    metric_is slurm_jobs_finished_total 1 state FAILED
  check "slurm_jobs_finished_total{state=\"COMPLETED\"} counted the completed job once" \
    metric_is slurm_jobs_finished_total 1 state COMPLETED
  check "slurm_job_gpus counts the --gpus=1 job $j_gpus" metric_is slurm_job_gpus 1 job_id "$j_gpus"
  scontrol update nodename=node3 state=drain reason="cluster_test drain"
  check "a drained node shows in slurm_node_drain{node=\"node3\"}" \
    wait_for 20 metric_is slurm_node_drain 1 node node3
  drained=$(sinfo -h -N -o "%N %T" | sort -u | awk '$2 ~ /^drain/' | wc -l)
  check "slurm_nodes_drain matches sinfo ($drained)" metric_is slurm_nodes_drain "$drained"
  scontrol update nodename=node3 state=resume
  check "the Slurm exporter reports every collector successful" \
    test -z "$(curl -sf "$SLURM_EXPORTER_URL" | grep '^slurm_exporter_collector_success' | grep -v ' 1$')"
  check "promtool check metrics passes on the Slurm exporter's page" promtool_ok "$SLURM_EXPORTER_URL"
fi
for ((k = 1; k <= nodes; k++)); do
  check "promtool check metrics passes on node$k's GPU exporter page (with hpc_job labels)" \
    promtool_ok "${gpu_urls[k - 1]}"
done

# ---- cancel ----------------------------------------------------------------------------------
scancel "${gpu_jobs[@]}" "$j_cpu"
for j in "${gpu_jobs[@]}"; do
  node=${alloc[$j]%% *}
  check "job $j: after scancel its job-map files are gone" wait_for 30 files_are "$j" ""
  check "job $j: after scancel $node's exporter has no hpc_job=\"$j\"" wait_for 15 exporter_is "$j" "$node" ""
done
left=$(find "$state/jobmap" -type f | wc -l)
check "no job-map file is left ($left)" test "$left" -eq 0

# ---- failures: a dead slurmd, a stopped slurmctld --------------------------------------------
if [[ -x $build/src/slurm_exporter/gpuwatchdog-slurm-exporter ]]; then
  "$cluster" kill-daemon slurmd-node2 --dir "$state" >/dev/null
  node2_down() { sinfo -h -N -n node2 -o %T | grep -qE '\*|down|not_responding'; }
  check "sinfo marks node2 not responding after its slurmd was killed (SlurmdTimeout=30)" \
    wait_for 120 node2_down
  check "slurm_node_not_responding{node=\"node2\"} is 1 (sinfo: $(sinfo -h -N -n node2 -o %T))" \
    wait_for 20 metric_is slurm_node_not_responding 1 node node2
  node2_is_down() { sinfo -h -N -n node2 -o %T | grep -q '^down'; }
  check "then sinfo marks node2 down" wait_for 120 node2_is_down
  check "slurm_node_down{node=\"node2\"} is 1 and node2 counts in slurm_nodes_down" \
    wait_for 20 bash -c "curl -sf $SLURM_EXPORTER_URL | grep -q '^slurm_node_down{node=\"node2\"} 1' &&
      curl -sf $SLURM_EXPORTER_URL | awk '\$1 == \"slurm_nodes_down\" {exit !(\$2 >= 1)}'"
  "$cluster" revive-daemon slurmd-node2 --dir "$state" >/dev/null
  "$cluster" kill-daemon slurmctld --dir "$state" >/dev/null
  check "with slurmctld stopped, slurm_exporter_collector_success{collector=\"squeue\"} is 0" \
    wait_for 40 metric_is slurm_exporter_collector_success 0 collector squeue
  check "the last good snapshot is still served (slurm_nodes_total $nodes)" metric_is slurm_nodes_total "$nodes"
  check "and marked stale: slurm_exporter_snapshot_age_seconds{collector=\"sinfo\"} >= 4" \
    wait_for 40 metric_ge slurm_exporter_snapshot_age_seconds 4 collector sinfo
  "$cluster" revive-daemon slurmctld --dir "$state" >/dev/null
  check "after slurmctld is back, every collector succeeds again" \
    wait_for 30 metric_is slurm_exporter_collector_success 1 collector squeue
  check "and the snapshot is fresh again (age < 4 s)" \
    wait_for 20 bash -c "[[ \$(curl -sf $SLURM_EXPORTER_URL | awk '/^slurm_exporter_snapshot_age_seconds{collector=\"sinfo\"}/ {print (\$2 < 4)}') == 1 ]]"
fi

# ---- stop ------------------------------------------------------------------------------------
pids=$(cut -d' ' -f1 "$state"/run/*.proc 2>/dev/null | tr '\n' ' ')
cd /
check "scripts/cluster stop" "$cluster" stop --dir "$state"
alive=()
for p in $pids; do
  st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || true)
  [[ -n $st && $st != Z ]] && alive+=("$p")
done
check "no process the cluster started remains (pids $pids)" test ${#alive[@]} -eq 0
# Nothing else that belongs to this state dir (slurmstepd, job processes) remains either.
strays=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [[ $p == "$$" || $p == "$BASHPID" ]] && continue
  st=$(awk '{print $3}' "$d/stat" 2>/dev/null || true)
  [[ -z $st || $st == Z ]] && continue
  cwd=$(readlink "$d/cwd" 2>/dev/null || true)
  cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null || true)
  if [[ $cwd == "$state"* || $cmd == *"$state"* ]]; then strays+=("$p:$cmd"); fi
done
check "no process runs in or refers to the state dir (${strays[*]:-none})" test ${#strays[@]} -eq 0
"$cluster" status --dir "$state" >/dev/null
check "status exits 3 after stop" test $? -eq 3
check "stop again is a no-op with exit 0" "$cluster" stop --dir "$state"

echo
if ((fails)); then
  echo "cluster_test: $fails check(s) FAILED"
  exit 1
fi
echo "cluster_test: all checks passed"
