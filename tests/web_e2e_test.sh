#!/usr/bin/env bash
# End-to-end test of the web dashboard: the hub of the cluster in a box (scripts/cluster) serves
# web/dist itself, and web/e2e/run.mjs drives Debian's Chromium (playwright-core) through every
# view. The Slurm side is put in known states first, with Slurm's own commands as ground truth:
# one node drained (scontrol; its state from sinfo), a GPU job running (sbatch; node and GPU
# indices from squeue and scontrol), and one node's GPU exporter stopped (stale data).
#   tests/web_e2e_test.sh BUILD_DIR [SCREENSHOT_DIR]
# Screenshots (light and dark, every view) go to SCREENSHOT_DIR (default BUILD_DIR/web-e2e).
# Skips (exit 77) without Slurm, Node, playwright-core or Chromium. Fails when web/dist is
# missing or older than web/src (run `make web`). Uses its own ports (25817, 25820+K,
# 127.0.5.K:9400, 127.0.0.5:{9341,3000}) and a temp state dir, so it runs beside the other
# cluster tests and a dev cluster.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/web_e2e_test.sh BUILD_DIR [SCREENSHOT_DIR]}" && pwd) || exit 2
shots=${2:-$build/web-e2e}
cluster="$repo/scripts/cluster"
# shellcheck source=tests/cluster_test_lib.sh
source "$repo/tests/cluster_test_lib.sh"
web="$repo/web"
chromium=${CHROMIUM:-/usr/bin/chromium}
export PATH="$PATH:/usr/sbin:/sbin"

skip() { echo "SKIP: $*"; exit 77; }
for bin in slurmctld slurmd sbatch munged node; do
  command -v "$bin" >/dev/null || skip "$bin not installed (scripts/install-deps)"
done
[[ -x $chromium ]] || skip "no Chromium at $chromium (apt-get install chromium, or set CHROMIUM)"
[[ -f $web/node_modules/playwright-core/package.json && -f $web/node_modules/axe-core/axe.min.js ]] ||
  skip "web/node_modules lacks playwright-core or axe-core (scripts/install-deps runs npm ci)"
[[ -x $build/src/hub/gpuwatchdog && -x $build/src/gpu_exporter/gpuwatchdog-gpu-exporter &&
  -x $build/src/slurm_exporter/gpuwatchdog-slurm-exporter && -f $build/nvml-sim/libnvidia-ml.so.1 ]] || {
  echo "FAIL: $build lacks the hub, the exporters or nvml-sim"
  exit 1
}
# The hub serves the source tree's web/dist (its --web.ui-path default): it must be current.
if [[ ! -f $web/dist/index.html ]]; then
  echo "FAIL: $web/dist/index.html missing: run make web (cd web && npm run build)"
  exit 1
fi
newer=$(find "$web/src" "$web/index.html" "$web/package-lock.json" "$web/vite.config.ts" \
  -newer "$web/dist/index.html" -type f -print -quit)
if [[ -n $newer ]]; then
  echo "FAIL: web/dist is older than $newer: run make web"
  exit 1
fi

cluster_test_ports 5 25
export GW_CLUSTER_ALERTMANAGER=${GW_CLUSTER_ALERTMANAGER:-} GW_CLUSTER_WEBHOOK=${GW_CLUSTER_WEBHOOK:-}
hub="http://$GW_CLUSTER_HUB_ADDR"

cluster_test_state gwwe
cleanup() { cluster_test_stop "$cluster" 15; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# The value of an instant query that answers one number (empty when none).
hub_value() {
  curl -sf --get "$hub/api/v1/query" --data-urlencode "query=$1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).data.result;console.log(r.length?r[0].value[1]:"")})'
}
hub_is() { [[ "$(hub_value "$1")" == "$2" ]]; } # QUERY WANT

# ---- the cluster -----------------------------------------------------------------------------
nodes=4
if "$cluster" start --nodes "$nodes" --build "$build" --dir "$state"; then
  pass "scripts/cluster start ($nodes nodes, hub on $hub)"
else
  fail "scripts/cluster start"
  exit 1
fi
eval "$("$cluster" env --dir "$state")"
cd "$state/jobs" || exit 1

want_assets=$(grep -o '/assets/[^"]*' "$web/dist/index.html" | sort | tr '\n' ' ')
got_assets=$(curl -sf "$hub/" | grep -o '/assets/[^"]*' | sort | tr '\n' ' ')
check "the hub serves web/dist at / ($want_assets)" test -n "$want_assets" -a "$want_assets" == "$got_assets"

gpus_total=$(sinfo -h -N -O "NodeList: ,Gres:" | sort -u | awk '{split($2, g, ":"); t += g[3]} END {print t}')
check "the hub has utilization of all $gpus_total GPUs (gres.conf via sinfo)" \
  wait_for 30 hub_is "count(max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL))" "$gpus_total"

# A 1-GPU job first, so the job the browser looks for does not hold GPU 0.
job_node=node2
sbatch --parsable -o /dev/null -w "$job_node" --gres=gpu:1 --wrap "sleep 600" >/dev/null
job=$(sbatch --parsable -o /dev/null -w "$job_node" --gres=gpu:2 --wrap "sleep 600")
running() { [[ $(squeue -h -j "$1" -o %T) == RUNNING ]]; }
check "job $job runs (squeue)" wait_for 30 running "$job"
job_where=$(squeue -h -j "$job" -o %N)
# IDX:1-2 or IDX:1,3 -> "1,2" / "1,3"
job_gpus=$(scontrol -d show job "$job" | grep -o 'IDX:[0-9,-]*' | head -1 | cut -d: -f2 |
  tr ',' '\n' | awk -F- '{e = $2 == "" ? $1 : $2; for (i = $1; i <= e; i++) print i}' | paste -sd,)
check "squeue puts job $job on $job_node ($job_where), scontrol gives GPUs $job_gpus" \
  test "$job_where" == "$job_node" -a -n "$job_gpus"
check "the hub sees hpc_job=\"$job\" on $job_node's GPUs $job_gpus" wait_for 30 hub_is \
  "count(max by (gpu) (DCGM_FI_DEV_GPU_UTIL{Hostname=\"$job_node\", hpc_job=\"$job\"}))" \
  "$(tr ',' '\n' <<<"$job_gpus" | wc -l)"

drained=node3
scontrol update nodename="$drained" state=drain reason="web e2e test"
drained_state() { sinfo -h -N -n "$drained" -o %T | head -1; }
is_drained() { [[ $(drained_state) == drain* ]]; }
check "sinfo shows $drained drained" wait_for 20 is_drained
drained_state=$(drained_state)
# sinfo -N %T says "drained"; the exporter keeps Slurm's flags ("idle+drain").
check "the hub has slurm_node_info{node=\"$drained\"} with a drain state (sinfo: $drained_state)" \
  wait_for 30 hub_is "count(slurm_node_info{node=\"$drained\", state=~\".*drain.*\"})" 1
check "the hub's slurm_gpus_alloc counts the jobs' 3 GPUs" wait_for 30 hub_is "slurm_gpus_alloc" 3

# Stop node4's GPU exporter (only the process the cluster recorded, only while it is that program).
stale=node4
read -r pid exe <"$state/run/gpu-exporter-$stale.proc"
[[ $(readlink "/proc/$pid/exe") == "$exe" ]] && kill -TERM "$pid"
check "with $stale's exporter stopped the hub marks its target down" wait_for 30 hub_is \
  "max(up{job=\"gpu\", instance=~\"$stale:.*\"})" 0

# ---- the browser -----------------------------------------------------------------------------
rm -rf "$shots"
mkdir -p "$shots"
echo "---- web/e2e/run.mjs ----"
GW_DASHBOARD_URL="$hub" GW_HUB_URL="$hub" CHROMIUM="$chromium" GW_SCREENSHOTS="$shots" \
  GW_NODE=node1 GW_GPUS_TOTAL="$gpus_total" GW_DRAINED_NODE="$drained" GW_DRAINED_STATE="$drained_state" \
  GW_JOB_ID="$job" GW_JOB_NODE="$job_node" GW_JOB_GPUS="$job_gpus" GW_STALE_NODE="$stale" \
  timeout 240 node "$web/e2e/run.mjs"
rc=$?
check "web/e2e/run.mjs passes (exit $rc)" test "$rc" -eq 0
echo "screenshots: $shots"

echo
if ((fails)); then
  echo "web_e2e_test: $fails check(s) FAILED"
  exit 1
fi
echo "web_e2e_test: all checks passed"
