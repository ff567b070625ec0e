#!/usr/bin/env bash
# End-to-end alerting test on the cluster in a box (scripts/cluster): the hub evaluates the real
# rule pack (deploy/rules/*.rules.yml, with every `for:` set to 0s so that the test need not wait
# minutes to an hour; the expressions are the real ones) on a real Slurm cluster with simulated
# GPUs, and sends its alerts to a real Alertmanager and, through its own webhook, to a receiver
# in the test (tests/webhook_receiver.py), which also gets Alertmanager's notifications.
#   tests/alerting_cluster_test.sh BUILD_DIR
#
#   1. a slurmd is stopped -> SlurmNodeNotResponding, then SlurmNodeDown, fire in the hub
#      (/api/v1/alerts), reach Alertmanager (GET /api/v2/alerts) with their labels and reach the
#      webhook from the hub (status firing); the slurmd is started again -> both resolve in the
#      hub, the webhook gets status resolved and Alertmanager no longer lists them;
#   2. a simulated GPU goes lost (nvml-sim lost_at, GW_CLUSTER_GPU_LOST) -> GpuLost;
#   3. a job holds a GPU whose utilization is 0 (GW_CLUSTER_GPU_IDLE) -> SlurmJobGpusIdle with
#      the job's id, and not for a job on a busy GPU.
# Ground truth is sinfo/squeue/scontrol. Needs what tests/cluster_test.sh needs plus
# prometheus-alertmanager and python3 (scripts/install-deps); skips (exit 77) without them.
# Uses its own ports (24817, 24820+K, 127.0.4.K:9400, 127.0.0.4:{9341,3000,9093}) and a temp state
# dir. Prints PASS/FAIL per check; exits 1 on any failure. About 2 minutes.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/alerting_cluster_test.sh BUILD_DIR}" && pwd) || exit 2
cluster="$repo/scripts/cluster"
# shellcheck source=tests/cluster_test_lib.sh
source "$repo/tests/cluster_test_lib.sh"
nodes=4
export PATH="$PATH:/usr/sbin:/sbin"

for bin in slurmctld slurmd sbatch munged curl python3; do
  if ! command -v "$bin" >/dev/null; then
    echo "SKIP: $bin not installed (run scripts/install-deps)"
    exit 77
  fi
done
alertmanager=${GW_ALERTMANAGER:-$(command -v prometheus-alertmanager || command -v alertmanager || true)}
[[ -n $alertmanager && -x $alertmanager ]] || {
  echo "SKIP: prometheus-alertmanager not installed (run scripts/install-deps)"
  exit 77
}
hub_bin="$build/src/hub/gpuwatchdog"
for f in src/gpu_exporter/gpuwatchdog-gpu-exporter src/slurm_exporter/gpuwatchdog-slurm-exporter \
  src/hub/gpuwatchdog nvml-sim/libnvidia-ml.so.1; do
  [[ -e $build/$f ]] || {
    echo "FAIL: $build/$f missing (build gpuwatchdog-gpu-exporter gpuwatchdog-slurm-exporter gpuwatchdog nvml_sim)"
    exit 1
  }
done

# ---- the setup -------------------------------------------------------------------------------
export GW_CLUSTER_SLURM_TIMEOUT=${GW_CLUSTER_SLURM_TIMEOUT:-5s}
cluster_test_ports 4 24
export GW_CLUSTER_EVAL_INTERVAL=${GW_CLUSTER_EVAL_INTERVAL:-2s}
am_addr=${GW_ALERTING_TEST_AM_ADDR:-127.0.0.4:9093}
hook_host=${am_addr%:*}
lost_after=40           # seconds after the GPU exporters start: GPU 1 of node3 is lost
down_node=node2         # its slurmd is stopped
lost_node=node3 lost_gpu=1
idle_node=node4         # every GPU of node4 reports 0% utilization
busy_node=node1
me=$(id -un)

cluster_test_state gwat
work="$state/alerting"   # not one of the dirs scripts/cluster regenerates
mkdir -p "$work/rules" "$work/hooks" "$work/am"

am_pid="" recv_pid=""
stop_pid() { # PID: TERM, then KILL after 5 s
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  "$cluster" stop --dir "$state" >/dev/null 2>&1 || true
  stop_pid "$am_pid"
  stop_pid "$recv_pid"
  if ((fails)); then
    echo "---- logs of the failed run ($state) ----"
    for f in "$state"/log/hub.log "$state"/log/slurm-exporter.log "$state"/log/slurmctld.log \
      "$work"/alertmanager.log "$work"/receiver.log; do
      [[ -f $f ]] && { echo "== $f"; tail -n 20 "$f"; }
    done
    for f in "$work"/hooks/*.jsonl; do
      [[ -f $f ]] && { echo "== $f ($(wc -l <"$f") requests), last:"; tail -n 2 "$f" | cut -c1-1500; }
    done
  fi
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# JSON checks (python3, no jq): `alerts MODE MATCHER...` reads MODE's JSON on stdin and prints
# how many alerts match every MATCHER. MODE: hub (/api/v1/alerts), am (Alertmanager's GET
# /api/v2/alerts), webhook (receiver lines; only bodies with version "4"). A MATCHER is
# NAME=VALUE for a label, or .PATH=VALUE for a field of the alert (.state, .status.state,
# .annotations.summary, .value). `alerts MODE --show` prints them all, one a line.
read -r -d '' alerts_py <<'PY'
import json, sys
mode, args = sys.argv[1], sys.argv[2:]
show = "--show" in args
want = [a.split("=", 1) for a in args if a != "--show"]
def items():
    if mode == "webhook":
        for line in sys.stdin:
            try: b = json.loads(line)
            except ValueError: continue
            if isinstance(b, dict) and b.get("version") == "4":
                for a in b.get("alerts", []): yield a
        return
    try: d = json.load(sys.stdin)
    except ValueError: return
    yield from (d["data"]["alerts"] if mode == "hub" else d)
def get(a, k):
    if not k.startswith("."): return a.get("labels", {}).get(k)
    for part in k[1:].split("."):
        a = a.get(part) if isinstance(a, dict) else None
    return a
n = 0
for a in items():
    if show:
        st = a.get("state") or a.get("status")
        st = st.get("state") if isinstance(st, dict) else st
        print("   ", st, json.dumps(a.get("labels"), sort_keys=True), a.get("value", ""))
    elif all(str(get(a, k)) == v for k, v in want): n += 1
if not show: print(n)
PY
alerts() { python3 -c "$alerts_py" "$@"; }
hub_alerts() { curl -sf --max-time 5 "$HUB_URL/api/v1/alerts"; }
am_alerts() { curl -sf --max-time 5 "http://$am_addr/api/v2/alerts"; }
hook_lines() { cat "$work/hooks/$1.jsonl" 2>/dev/null; }
n_hub() { hub_alerts | alerts hub "$@"; }
n_am() { am_alerts | alerts am "$@"; }
n_hook() { local f=$1; shift; hook_lines "$f" | alerts webhook "$@"; }
ge1() { local n; n=$("$@"); [[ $n =~ ^[0-9]+$ ]] && ((n >= 1)); }
is0() { local n; n=$("$@"); [[ $n == 0 ]]; }

# What the hub says, for failure messages: its alerts and its alerting rules' state and health.
dump_hub() {
  echo "  -- the hub's /api/v1/alerts:"
  hub_alerts | alerts hub --show
  echo "  -- the hub's /api/v1/rules (alerting rules: state, health, lastError, active alerts):"
  curl -sf --max-time 5 "$HUB_URL/api/v1/rules?type=alert" | python3 -c '
import json, sys
for g in json.load(sys.stdin)["data"]["groups"]:
    for r in g["rules"]:
        print("    %-30s %-8s health=%-7s alerts=%d%s" % (r["name"], r["state"], r["health"],
              len(r.get("alerts", [])), ("  lastError=" + r["lastError"]) if r.get("lastError") else ""))
' 2>&1 || echo "    (no answer)"
  echo "  -- sinfo: $(sinfo -h -N -o '%N=%T' 2>&1 | sort -u | tr '\n' ' ')"
  echo "  -- squeue: $(squeue -h -o '%i:%j:%T:%N' 2>&1 | tr '\n' ' ')"
}
dump_am() {
  echo "  -- Alertmanager's /api/v2/alerts:"
  am_alerts | alerts am --show
}
wait_for() { # SECONDS COMMAND...: retries once a second until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  while :; do
    "$@" && return 0
    ((SECONDS >= deadline)) && return 1
    sleep 1
  done
}
expect() { # SECONDS DESCRIPTION COMMAND...: wait_for, with the hub's and Alertmanager's view on failure
  local t=$1 d=$2 t0=$SECONDS; shift 2
  if wait_for "$t" "$@"; then
    pass "$d ($((SECONDS - t0)) s)"
  else
    fail "$d (waited ${t} s)"
    dump_hub
    dump_am
  fi
}
port_busy() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---- the rule pack, with every `for:` at 0s --------------------------------------------------
n_for=0 n_rules=0
for f in "$repo"/deploy/rules/*.rules.yml; do
  sed -E 's/^([[:space:]]*)for:[[:space:]]*[^[:space:]#]+/\1for: 0s/' "$f" >"$work/rules/$(basename "$f")"
  n_for=$((n_for + $(grep -cE '^[[:space:]]*for:' "$f")))
  n_rules=$((n_rules + $(grep -cE '^[[:space:]]*- (alert|record):' "$f")))
done
check "the test's copy of the rule pack has all $n_for 'for:' at 0s" \
  test "$(cat "$work"/rules/*.rules.yml | grep -cE '^[[:space:]]*for: 0s$')" -eq "$n_for"
check "the copy differs from the pack only in 'for:' lines" \
  test -z "$(for f in "$repo"/deploy/rules/*.rules.yml; do diff "$f" "$work/rules/$(basename "$f")"; done |
    grep -E '^[<>]' | grep -vE '^[<>][[:space:]]*for: ')"
check "gpuwatchdog check-rules accepts the copy" "$hub_bin" check-rules "$work"/rules/*.rules.yml

# ---- Alertmanager and the webhook receiver ---------------------------------------------------
python3 "$repo/tests/webhook_receiver.py" "$hook_host" 0 "$work/hooks" 2>"$work/receiver.log" &
recv_pid=$!
wait_for 10 test -s "$work/hooks/port" || { fail "the webhook receiver did not start"; exit 1; }
hook_port=$(cat "$work/hooks/port")
hook_url="http://$hook_host:$hook_port"
port_busy "${am_addr%:*}" "${am_addr##*:}" && {
  fail "port $am_addr (Alertmanager) is in use; set GW_ALERTING_TEST_AM_ADDR"
  exit 1
}
cat >"$work/alertmanager.yml" <<YML
route:
  receiver: test
  group_by: ['...']       # no grouping: one notification per alert
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: '$hook_url/alertmanager'
        send_resolved: true
YML
"$alertmanager" --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="$am_addr" --cluster.listen-address= --log.level=warn \
  >"$work/alertmanager.log" 2>&1 &
am_pid=$!
if wait_for 20 curl -sf -o /dev/null --max-time 2 "http://$am_addr/-/ready"; then
  pass "Alertmanager ($("$alertmanager" --version 2>&1 | head -1 | awk '{print $3}')) ready on $am_addr; webhook receiver on $hook_url"
else
  fail "Alertmanager did not become ready on $am_addr"
  exit 1
fi

# ---- the cluster -----------------------------------------------------------------------------
export GW_CLUSTER_RULES="$work/rules/*.rules.yml"
export GW_CLUSTER_ALERTMANAGER="$am_addr"
export GW_CLUSTER_WEBHOOK="$hook_url/hub"
export GW_CLUSTER_GPU_IDLE="$idle_node"
export GW_CLUSTER_GPU_LOST="$lost_node:$lost_gpu@${lost_after}s"
t_start=$SECONDS
if "$cluster" start --nodes "$nodes" --build "$build" --dir "$state"; then
  pass "scripts/cluster start ($nodes nodes, state $state, $((SECONDS - t_start)) s)"
else
  fail "scripts/cluster start"
  exit 1
fi
eval "$("$cluster" env --dir "$state")"
cd "$state/jobs" || exit 1

check "the hub's config has the rule files, the Alertmanager and the webhook" \
  grep -qzE "rule_files:.*$work/rules/\*\.rules\.yml.*alertmanagers:.*$am_addr.*webhooks:.*$hook_url/hub" \
  "$state/etc/hub.yml"
rules_loaded() { # the hub lists every rule of the pack, every alerting one with duration 0
  curl -sf "$HUB_URL/api/v1/rules" | python3 -c '
import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
sys.exit(not (len(rules) == int(sys.argv[1]) and all(r.get("duration", 0) == 0 for r in rules if r["type"] == "alerting")))
' "$n_rules"
}
check "the hub's /api/v1/rules lists the pack's $n_rules rules, all with duration 0" rules_loaded

gpu_up() { # NODE GPU -> gpuwatchdog_gpu_up in the hub
  curl -sfG "$HUB_URL/api/v1/query" --data-urlencode "query=max(gpuwatchdog_gpu_up{Hostname=\"$1\",gpu=\"$2\"})" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
check "before it is lost, GPU $lost_gpu of $lost_node is up in the hub" wait_for 20 eval '[[ $(gpu_up $lost_node $lost_gpu) == 1 ]]'

quiet() { # none of the alerts the faults should cause is active yet
  local a
  for a in SlurmNodeNotResponding SlurmNodeDown GpuLost SlurmJobGpusIdle; do
    is0 n_hub alertname=$a || return 1
  done
}
sleep 3   # at least one evaluation (every 2 s) on that data
expect 1 "before the faults, none of SlurmNodeNotResponding, SlurmNodeDown, GpuLost, SlurmJobGpusIdle is active" quiet

# ---- the faults ------------------------------------------------------------------------------
sb() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
job_state() { squeue -h -t all -j "$1" -o %T 2>/dev/null | head -1; }
j_idle=$(sb -w "$idle_node" --gres=gpu:1 -J idle-gpu --wrap "sleep 600")
j_busy=$(sb -w "$busy_node" --gres=gpu:1 -J busy-gpu --wrap "sleep 600")
echo "submitted: job $j_idle (gpu:1 on $idle_node, GPUs at 0%), job $j_busy (gpu:1 on $busy_node, GPUs busy)"
"$cluster" kill-daemon "slurmd-$down_node" --dir "$state" >/dev/null
rc=$?
t_kill=$SECONDS
check "slurmd of $down_node stopped (scripts/cluster kill-daemon)" test $rc -eq 0
check "job $j_idle is RUNNING" wait_for 30 eval '[[ $(job_state $j_idle) == RUNNING ]]'
check "job $j_busy is RUNNING" wait_for 30 eval '[[ $(job_state $j_busy) == RUNNING ]]'
idle_gpu=$(scontrol -d show job "$j_idle" | grep -oE 'IDX:[0-9]+' | head -1 | cut -d: -f2)
echo "job $j_idle holds GPU ${idle_gpu:-?} of $idle_node (scontrol -d show job)"

# ---- 1. a stopped slurmd ---------------------------------------------------------------------
not_responding() { sinfo -h -N -n "$down_node" -o %T | grep -qE '\*|not_responding'; }
check "sinfo marks $down_node not responding" wait_for 90 not_responding
echo "  sinfo: $down_node is $(sinfo -h -N -n "$down_node" -o %T | head -1) $((SECONDS - t_kill)) s after the kill"
nr=(alertname=SlurmNodeNotResponding "node=$down_node")
expect 60 "SlurmNodeNotResponding{node=\"$down_node\"} fires in the hub (/api/v1/alerts)" \
  ge1 n_hub "${nr[@]}" .state=firing severity=warning job=slurm "instance=$GW_CLUSTER_SLURM_EXPORTER_ADDR"
other_nr() { hub_alerts | python3 -c 'import json,sys; print(sum(1 for a in json.load(sys.stdin)["data"]["alerts"] if a["labels"].get("alertname") == "SlurmNodeNotResponding" and a["labels"].get("node") != sys.argv[1]))' "$down_node"; }
check "no other node is reported not responding" is0 other_nr
expect 20 "SlurmNodeNotResponding{node=\"$down_node\"} is active in Alertmanager with its labels and summary" \
  ge1 n_am "${nr[@]}" .status.state=active severity=warning job=slurm \
  ".annotations.summary=Slurm node $down_node is not responding"
expect 20 "the hub's webhook got SlurmNodeNotResponding{node=\"$down_node\"} with status firing" \
  ge1 n_hook hub "${nr[@]}" .status=firing severity=warning
expect 20 "Alertmanager notified its webhook receiver of it (status firing)" \
  ge1 n_hook alertmanager "${nr[@]}" .status=firing

# ---- 2. a lost GPU ---------------------------------------------------------------------------
lost_uuid=$(printf 'GPU-c1a50000-%04x-4a8b-9c0d-%012x' "${lost_node#node}" "$lost_gpu")
gl=(alertname=GpuLost "Hostname=$lost_node" "gpu=$lost_gpu")
expect $((lost_after + 60)) "GpuLost{Hostname=\"$lost_node\",gpu=\"$lost_gpu\"} fires in the hub (UUID $lost_uuid, value 0)" \
  ge1 n_hub "${gl[@]}" .state=firing severity=page "UUID=$lost_uuid" .value=0e+00
check "it is the only GpuLost alert" test "$(n_hub alertname=GpuLost)" == 1
check "the hub wrote ALERTS{alertname=\"GpuLost\",alertstate=\"firing\"} for it" \
  test "$(curl -sfG "$HUB_URL/api/v1/query" --data-urlencode "query=count(ALERTS{alertname=\"GpuLost\",alertstate=\"firing\",Hostname=\"$lost_node\",gpu=\"$lost_gpu\"})" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')" == 1
expect 20 "GpuLost is active in Alertmanager (severity page, UUID)" \
  ge1 n_am "${gl[@]}" .status.state=active severity=page "UUID=$lost_uuid"
expect 20 "the hub's webhook got GpuLost with status firing" ge1 n_hook hub "${gl[@]}" .status=firing

# ---- 3. an idle job holding a GPU ------------------------------------------------------------
ji=(alertname=SlurmJobGpusIdle "job_id=$j_idle" "node=$idle_node" "user=$me")
expect 60 "SlurmJobGpusIdle{job_id=\"$j_idle\",node=\"$idle_node\",user=\"$me\"} fires in the hub (1 idle GPU)" \
  ge1 n_hub "${ji[@]}" .state=firing severity=warning .value=1e+00
check "SlurmJobGpusIdle does not fire for job $j_busy, whose GPU is busy" is0 n_hub alertname=SlurmJobGpusIdle "job_id=$j_busy"
check "it is the only SlurmJobGpusIdle alert" test "$(n_hub alertname=SlurmJobGpusIdle)" == 1
expect 20 "SlurmJobGpusIdle of job $j_idle is active in Alertmanager with its summary" \
  ge1 n_am "${ji[@]}" .status.state=active \
  ".annotations.summary=Slurm job $j_idle ($me) holds 1 idle GPU(s) on $idle_node"
expect 20 "the hub's webhook got SlurmJobGpusIdle of job $j_idle with status firing" \
  ge1 n_hook hub "${ji[@]}" .status=firing

# ---- 1b. the node goes DOWN after SlurmdTimeout ----------------------------------------------
is_down() { sinfo -h -N -n "$down_node" -o %T | grep -q '^down'; }
check "then sinfo marks $down_node down" wait_for 90 is_down
echo "  sinfo: $down_node is $(sinfo -h -N -n "$down_node" -o %T | head -1) $((SECONDS - t_kill)) s after the kill"
nd=(alertname=SlurmNodeDown "node=$down_node")
expect 30 "SlurmNodeDown{node=\"$down_node\"} fires in the hub" ge1 n_hub "${nd[@]}" .state=firing severity=warning
expect 20 "SlurmNodeDown{node=\"$down_node\"} is active in Alertmanager" ge1 n_am "${nd[@]}" .status.state=active
expect 20 "the hub's webhook got SlurmNodeDown{node=\"$down_node\"} with status firing" ge1 n_hook hub "${nd[@]}" .status=firing

# The webhook bodies are Alertmanager's format, version 4.
hook_format() {
  hook_lines hub | head -1 | python3 -c '
import json, sys
b = json.loads(sys.stdin.readline())
keys = {"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
        "commonAnnotations", "externalURL", "alerts"}
akeys = {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"}
sys.exit(not (b["version"] == "4" and keys <= set(b) and b["alerts"] and all(akeys <= set(a) for a in b["alerts"])))'
}
check "the hub's webhook bodies have every field of Alertmanager's webhook JSON version 4" hook_format
rules_healthy() { # no rule has health "err"
  curl -sf "$HUB_URL/api/v1/rules" | python3 -c '
import json, sys
bad = [(r["name"], r.get("lastError")) for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"] if r["health"] == "err"]
print("    rules with errors:", bad) if bad else None
sys.exit(bool(bad))'
}
check "every rule of the pack evaluates without error against the cluster's data" rules_healthy

# ---- 1c. the slurmd is back: both node alerts resolve ----------------------------------------
"$cluster" revive-daemon "slurmd-$down_node" --dir "$state" >/dev/null
t_revive=$SECONDS
back() { [[ $(sinfo -h -N -n "$down_node" -o %T | head -1) =~ ^(idle|mixed|allocated)$ ]]; }
check "after revive-daemon sinfo shows $down_node in service again" wait_for 60 back
echo "  sinfo: $down_node is $(sinfo -h -N -n "$down_node" -o %T | head -1) $((SECONDS - t_revive)) s after the revive"
expect 30 "SlurmNodeNotResponding and SlurmNodeDown for $down_node are gone from the hub's /api/v1/alerts" \
  eval 'is0 n_hub alertname=SlurmNodeNotResponding node=$down_node && is0 n_hub alertname=SlurmNodeDown node=$down_node'
expect 20 "the hub's webhook got both with status resolved" \
  eval 'ge1 n_hook hub "${nr[@]}" .status=resolved && ge1 n_hook hub "${nd[@]}" .status=resolved'
expect 20 "Alertmanager no longer lists them as active" \
  eval 'is0 n_am "${nr[@]}" && is0 n_am "${nd[@]}"'
expect 20 "Alertmanager notified its receiver of the resolution" \
  ge1 n_hook alertmanager "${nr[@]}" .status=resolved
check "GpuLost and SlurmJobGpusIdle still fire in the hub" \
  eval 'ge1 n_hub "${gl[@]}" .state=firing && ge1 n_hub "${ji[@]}" .state=firing'
echo "node alerts resolved $((SECONDS - t_revive)) s after the slurmd was started again"

cd /
echo
echo "alerting_cluster_test: $((SECONDS)) s in all; $(wc -l <"$work/hooks/hub.jsonl" 2>/dev/null || echo 0) webhook requests from the hub, $(wc -l <"$work/hooks/alertmanager.jsonl" 2>/dev/null || echo 0) from Alertmanager"
if ((fails)); then
  echo "alerting_cluster_test: $fails check(s) FAILED"
  exit 1
fi
echo "alerting_cluster_test: all checks passed"
