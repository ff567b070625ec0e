#!/usr/bin/env bash
# `make demo` end to end, as a new user runs it: started in the background, it must print the
# dashboard's URL; then, through the hub's API with Slurm's own commands as ground truth, the
# GPUs, the jobs and the alerts are live, and each GPU's simulated load follows the jobs Slurm
# placed on it (busy jobs' GPUs busy, idle jobs' GPUs at 0% with the job's process, free GPUs at
# 0% with none); a crashing job ends FAILED. Chromium (web/e2e/demo.mjs) sees the same on the
# dashboard, which says the GPUs are simulated; screenshots go to SHOT_DIR. Last, `make
# demo-stop` must leave no process of the demo behind.
#   tests/demo_test.sh BUILD_DIR [SHOT_DIR]
# BUILD_DIR build/PRESET of this repository runs `make demo PRESET=PRESET`; any other build dir
# runs what make demo runs after building (scripts/demo start BUILD_DIR). Skips (77) without
# Slurm, Node, playwright-core or Chromium. Its own ports (28817, 28820+K, 127.0.8.K:9400,
# 127.0.0.8:{9341,3000}) and state dir, so it runs beside the other cluster tests and a demo.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/demo_test.sh BUILD_DIR [SHOT_DIR]}" && pwd) || exit 2
shots=${2:-$build/demo-e2e}
# shellcheck source=tests/cluster_test_lib.sh
source "$repo/tests/cluster_test_lib.sh"
chromium=${CHROMIUM:-/usr/bin/chromium}
export PATH="$PATH:/usr/sbin:/sbin"

skip() { echo "SKIP: $*"; exit 77; }
for bin in slurmctld slurmd sbatch munged node python3; do
  command -v "$bin" >/dev/null || skip "$bin not installed (scripts/install-deps)"
done
[[ -x $chromium ]] || skip "no Chromium at $chromium"
[[ -f $repo/web/node_modules/playwright-core/package.json ]] || skip "web/node_modules lacks playwright-core"

cluster_test_ports 8 28
cluster_test_state gwdemo
export GW_DEMO_DIR=$state
mkdir -p "$shots"
log="$shots/make-demo.log"
cleanup() {
  bash "$repo/scripts/demo" stop >/dev/null 2>&1
  ((fails)) && [[ -f $state/log/demo-jobs.log ]] && { echo "== demo-jobs.log"; tail -n 20 "$state/log/demo-jobs.log"; }
  cluster_test_stop "$repo/scripts/cluster" 15
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- make demo, in the background, until it prints the URL ----------------------------------
preset=$(basename "$build")
if [[ $build == "$repo/build/$preset" ]] && grep -q "\"name\": \"$preset\"" "$repo/CMakePresets.json"; then
  (cd "$repo" && make --no-print-directory demo PRESET="$preset" JOBS=1) >"$log" 2>&1 &
else
  echo "note: $build is not build/PRESET of this repository: running scripts/demo start directly"
  bash "$repo/scripts/demo" start "$build" >"$log" 2>&1 &
fi
demo_pid=$!
printed_url() { sed -n 's|^demo: dashboard: *\(http://[^ ]*\)$|\1|p' "$log"; }
wait_for 400 grep -q '^demo: dashboard: *http://' "$log"
url=$(printed_url)
wait "$demo_pid"
check "make demo exits 0 after printing the dashboard's URL ($url)" test $? -eq 0 -a -n "$url"
if [[ -z $url ]]; then cat "$log"; exit 1; fi
hub=${url%/}
eval "$(bash "$repo/scripts/cluster" env --dir "$state")"
check "the dashboard's URL serves the dashboard" bash -c "curl -sf '$url' | grep -q '/assets/'"

query() { curl -sf --get "$hub/api/v1/query" --data-urlencode "query=$1"; }
value() { query "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'; }
equals() { [[ "$(value "$1")" == "$2" ]]; }

# ---- GPUs: every GPU Slurm knows, simulated, says so ---------------------------------------
gres_total=$(($(sinfo -h -N -o '%N %G' | sort -u | sed -n 's/.*gpu:[a-z0-9]*:\([0-9]*\).*/\1/p' | paste -sd+)))
check "the hub has every GPU Slurm knows ($gres_total, sinfo)" \
  wait_for 60 equals 'count(count by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL))' "$gres_total"
check "every GPU exporter says its driver is simulated (nvml-sim)" \
  wait_for 30 equals 'count(gpuwatchdog_exporter_nvml_simulated == 1)' 4

# ---- jobs: what squeue runs is what the hub shows -------------------------------------------
running() { squeue -h -t RUNNING -o '%A %k' 2>/dev/null; }
check "the job generator's jobs run (squeue)" wait_for 60 bash -c "[[ \$(squeue -h -t RUNNING | wc -l) -ge 3 ]]"
check "the Slurm exporter counts the running jobs squeue shows" \
  wait_for 30 bash -c "[[ \"\$(curl -sf --get '$hub/api/v1/query' --data-urlencode 'query=slurm_queue_running' | grep -o '\"[0-9]*\"]' | tr -dc 0-9)\" == \"\$(squeue -h -t RUNNING | wc -l)\" ]]"

# load_follows_jobs: one consistent reading of every GPU against squeue/scontrol (jobs start and
# end all the time, so the caller retries until one reading is complete and consistent).
load_follows_jobs() {
  local jobs
  jobs=$(scontrol -d show job 2>/dev/null) || return 1
  python3 - "$hub" "$jobs" <<'PY'
import json, re, sys, urllib.parse, urllib.request
hub, text = sys.argv[1], sys.argv[2]
def q(expr):
    url = hub + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    return json.load(urllib.request.urlopen(url, timeout=10))["data"]["result"]
kind_of, placed = {}, {}     # job id -> kind; (node, gpu) -> [job ids]
for block in text.split("\n\n"):
    jid = re.search(r"JobId=(\d+)", block)
    if not jid or "JobState=RUNNING" not in block: continue
    jid = jid.group(1)
    kind_of[jid] = (re.search(r"Comment=demo:(\w+)", block) or [None, "?"])[1]
    for node, idx in re.findall(r"Nodes=(\S+) CPU_IDs=\S+ Mem=\d+ GRES=gpu[^(]*\(IDX:([0-9,-]+)\)", block):
        for part in idx.split(","):
            lo, _, hi = part.partition("-")
            for g in range(int(lo), int(hi or lo) + 1): placed.setdefault((node, str(g)), []).append(jid)
util = {(s["metric"]["Hostname"], s["metric"]["gpu"]): float(s["value"][1])
        for s in q("max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)")}
procs = {(s["metric"]["Hostname"], s["metric"]["gpu"]): float(s["value"][1])
         for s in q("max by (Hostname, gpu) (gpuwatchdog_gpu_processes)")}
seen, bad = set(), []
for gpu, u in sorted(util.items()):
    jobs = placed.get(gpu, [])
    kinds = {kind_of[j] for j in jobs}
    if not jobs: want = (u == 0 and procs.get(gpu) == 0, "free: 0% and no process")
    elif kinds & {"train", "fail"}: want = (u >= 67 and procs.get(gpu, 0) >= 1, "busy: >= 67%")
    elif kinds == {"idle"}: want = (u == 0 and procs.get(gpu, 0) == len(jobs), "idle job: 0% with its process")
    elif kinds == {"infer"}: want = (17 <= u <= 63, "inference: 17-63%")
    else: continue
    seen.add(want[1].split(":")[0])
    if not want[0]: bad.append(f"{gpu} jobs {jobs} {sorted(kinds)}: {u}% {procs.get(gpu)} processes, want {want[1]}")
print("; ".join(bad) if bad else "consistent: " + ", ".join(sorted(seen)))
sys.exit(1 if bad or not {"busy", "idle job"} <= seen else 0)
PY
}
check "each GPU's load follows the jobs on it (busy, idle job, free; scontrol -d show job)" \
  wait_for 90 load_follows_jobs

# ---- alerts and a crashed job -------------------------------------------------------------
firing() { curl -sf "$hub/api/v1/alerts" | python3 -c 'import json,sys; print(" ".join(sorted({a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"] if a["state"]=="firing"})))'; }
check "the simulated Xid 13 fires GpuXidError in the hub" wait_for 150 bash -c "$(declare -f firing); hub=$hub; firing | grep -qw GpuXidError"
check "the crashing job ends FAILED with exit code 1 (squeue)" \
  wait_for 120 bash -c "squeue -h -t FAILED -o '%A %k %T %j' | grep -q 'demo:fail FAILED'"

# ---- the dashboard, in Chromium --------------------------------------------------------------
job_ids=$(squeue -h -t RUNNING -o %A | head -n 3 | paste -sd,)
check "the dashboard shows simulated GPUs, the running jobs ($job_ids) and the alert (Chromium)" \
  env GW_DASHBOARD_URL="$url" GW_JOB_IDS="$job_ids" GW_ALERT=GpuXidError GW_SCREENSHOTS="$shots" \
  CHROMIUM="$chromium" node "$repo/web/e2e/demo.mjs"

# ---- make demo-stop leaves nothing ----------------------------------------------------------
# A process of the demo: its command line, working directory or environment names the state dir
# (daemons by their flags, slurmstepd by its cwd, job processes by the exported environment).
leftovers() {
  local p
  for p in /proc/[0-9]*; do
    [[ ${p#/proc/} == "$$" || ${p#/proc/} == "$BASHPID" ]] && continue
    if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$state" ||
      [[ "$(readlink "$p/cwd" 2>/dev/null)" == "$state"* ]] ||
      tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qF "=$state"; then
      echo "${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline" | cut -c1-100)"
    fi
  done
}
check "there are demo processes before the stop (the check can see them)" test -n "$(leftovers)"
(cd "$repo" && make --no-print-directory demo-stop) >>"$log" 2>&1
check "make demo-stop exits 0" test $? -eq 0
left=$(leftovers)
check "make demo-stop leaves no process behind${left:+: $left}" test -z "$left"

echo "$fails check(s) failed; screenshots in $shots"
((fails == 0))
