#!/usr/bin/env bash
# The Prometheus scrape config (deploy/prometheus/prometheus.yml), the rule pack and the Grafana
# dashboards (deploy/grafana/) against the cluster in a box, in Debian's Prometheus:
#   tests/grafana_dashboards_test.sh BUILD_DIR
# 1. promtool check config on the shipped config; the dashboard JSON parses, every panel has a
#    data source and targets, every template variable a data source.
# 2. The cluster in a box on its own ports (127.0.6.x, 27817, 27820+K; GPUs of node4 idle), and
#    Prometheus on 127.0.0.6:9090 (GW_TEST_PROMETHEUS_ADDR) with a rendered copy of the shipped
#    config: the same jobs, its targets this cluster's exporters, 1 s intervals, the rule pack.
# 3. Two GPU jobs (one on a busy node, one on node4 whose GPUs are idle), ~20 s of scrapes; then
#    every template variable query (label_values) and every panel expr of the three dashboards,
#    with the template variables substituted, as an instant and a range query. A query that errors
#    or returns no data fails. Prints PASS/FAIL per check; exits 1 on any failure, 77 to skip.
# The same queries also run against the cluster's hub (reported as NOTE lines, never failing).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/grafana_dashboards_test.sh BUILD_DIR}" && pwd) || exit 2
cluster="$repo/scripts/cluster"
# shellcheck source=tests/cluster_test_lib.sh
source "$repo/tests/cluster_test_lib.sh"
nodes=4
prom_config_src="$repo/deploy/prometheus/prometheus.yml"
dash_dir="$repo/deploy/grafana/dashboards"
prov_dir="$repo/deploy/grafana/provisioning"
prom_addr=${GW_TEST_PROMETHEUS_ADDR:-127.0.0.6:9090}

export PATH="$PATH:/usr/sbin:/sbin"
for bin in slurmctld slurmd sbatch munged prometheus promtool python3 curl; do
  if ! command -v "$bin" >/dev/null; then
    echo "SKIP: $bin not installed (scripts/install-deps: slurm, munge, prometheus)"
    exit 77
  fi
done
for f in "$build/src/gpu_exporter/gpuwatchdog-gpu-exporter" "$build/src/slurm_exporter/gpuwatchdog-slurm-exporter"; do
  [[ -x $f ]] || { echo "FAIL: $f missing (build the exporters and nvml_sim)"; exit 1; }
done
[[ -f $build/nvml-sim/libnvidia-ml.so.1 ]] || { echo "FAIL: $build has no nvml-sim"; exit 1; }

# ---- static checks ---------------------------------------------------------------------------
check "promtool check config $prom_config_src (with the rule pack)" \
  promtool check config "$prom_config_src"

validate_dashboards() {
  python3 - "$dash_dir" "$prov_dir" <<'PY'
import json, os, sys
dash_dir, prov_dir = sys.argv[1], sys.argv[2]
bad = 0
def fail(msg):
    global bad
    bad += 1
    print(f"FAIL: {msg}")
def ds_ok(ds):
    return isinstance(ds, dict) and ds.get("uid") and ds.get("type") == "prometheus"
uids = set()
for name in ("gpus.json", "slurm.json", "jobs.json"):
    path = os.path.join(dash_dir, name)
    try:
        d = json.load(open(path))
    except Exception as e:  # noqa: BLE001
        fail(f"{name}: does not parse: {e}")
        continue
    errs_before = bad
    if not 36 <= d.get("schemaVersion", 0) <= 41:
        fail(f"{name}: schemaVersion {d.get('schemaVersion')} (want ~39)")
    if not d.get("uid") or d["uid"] in uids:
        fail(f"{name}: missing or duplicate uid {d.get('uid')}")
    uids.add(d.get("uid"))
    tvars = d.get("templating", {}).get("list", [])
    if not any(v.get("type") == "datasource" and v.get("name") == "DS_PROMETHEUS" for v in tvars):
        fail(f"{name}: no DS_PROMETHEUS data source variable")
    for v in tvars:
        if v.get("type") == "query" and not ds_ok(v.get("datasource")):
            fail(f"{name}: variable {v.get('name')} has no Prometheus data source")
    panels = []
    for p in d.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))  # collapsed rows hold their panels
    ids = [p.get("id") for p in panels]
    if len(ids) != len(set(ids)) or None in ids:
        fail(f"{name}: panel ids missing or not unique")
    n = 0
    for p in panels:
        if p.get("type") in ("row", "text"):
            continue
        n += 1
        t = p.get("title", "?")
        if "gridPos" not in p:
            fail(f"{name}: panel '{t}' has no gridPos")
        if not ds_ok(p.get("datasource")):
            fail(f"{name}: panel '{t}' has no Prometheus data source")
        targets = p.get("targets") or []
        if not targets:
            fail(f"{name}: panel '{t}' has no targets")
        for tg in targets:
            if not (tg.get("expr") or "").strip() or not tg.get("refId"):
                fail(f"{name}: panel '{t}' has a target without expr or refId")
            if "datasource" in tg and not ds_ok(tg["datasource"]):
                fail(f"{name}: panel '{t}' target {tg.get('refId')} has a bad data source")
    if bad == errs_before:
        print(f"PASS: {name} parses; {n} panels, each with a data source and targets; variables have data sources")
# Provisioning files: parsed when PyYAML is there, else only checked for their keys.
for rel, keys in (("datasources/gpuwatchdog.yml", ("apiVersion", "datasources", "uid", "type: prometheus")),
                  ("dashboards/gpuwatchdog.yml", ("apiVersion", "providers", "path"))):
    path = os.path.join(prov_dir, rel)
    try:
        text = open(path).read()
    except OSError as e:
        fail(f"provisioning/{rel}: {e}")
        continue
    try:
        import yaml
        yaml.safe_load(text)
    except ImportError:
        pass
    except Exception as e:  # noqa: BLE001
        fail(f"provisioning/{rel}: does not parse: {e}")
        continue
    missing = [k for k in keys if k not in text]
    if missing:
        fail(f"provisioning/{rel}: lacks {missing}")
    else:
        print(f"PASS: provisioning/{rel}")
sys.exit(1 if bad else 0)
PY
}
validate_dashboards || fails=$((fails + 1))

# ---- the cluster in a box --------------------------------------------------------------------
cluster_test_ports 6 27
# node4's GPUs report 0% so the "idle GPUs held by jobs" panels have something to show.
export GW_CLUSTER_GPU_IDLE=${GW_CLUSTER_GPU_IDLE-node4}
cluster_test_state gwgd
prom_pid=""
finish() {
  if [[ -n $prom_pid ]] && [[ "$(readlink "/proc/$prom_pid/exe" 2>/dev/null)" == "$(readlink -f "$(command -v prometheus)")" ]]; then
    kill -TERM "$prom_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$prom_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$prom_pid" 2>/dev/null
  fi
  if ((fails)) && [[ -f $state/prometheus.log ]]; then
    echo "---- $state/prometheus.log"; tail -n 20 "$state/prometheus.log"
  fi
  cluster_test_stop "$cluster" 15
}
trap finish EXIT

if (exec 3<>"/dev/tcp/${prom_addr%:*}/${prom_addr##*:}") 2>/dev/null; then
  fail "port $prom_addr is taken (set GW_TEST_PROMETHEUS_ADDR)"
  exit 1
fi
if "$cluster" start --nodes "$nodes" --build "$build" --dir "$state"; then
  pass "scripts/cluster start ($nodes nodes, state $state)"
else
  fail "scripts/cluster start"
  exit 1
fi
eval "$("$cluster" env --dir "$state")"

# ---- Prometheus with the shipped config, pointed at this cluster ------------------------------
# GPU targets: host:port from GPU_EXPORTER_URLS, each named (instance) after the node its
# exporter reports in Hostname, as a site names its targets by Slurm node.
gpu_targets=()
IFS=, read -ra gpu_urls <<<"$GPU_EXPORTER_URLS"
for u in "${gpu_urls[@]}"; do
  hp=${u#http://}; hp=${hp%%/*}
  host=$(curl -sf "$u" | grep -o 'Hostname="[^"]*"' | head -1 | cut -d'"' -f2)
  [[ -n $host ]] || { fail "GPU exporter $u reports no Hostname"; exit 1; }
  gpu_targets+=("$hp=$host:${hp##*:}")
done
slurm_target=${SLURM_EXPORTER_URL#http://}; slurm_target=${slurm_target%%/*}

python3 - "$prom_config_src" "$state/prometheus.yml" "$repo/deploy/rules" "$slurm_target" "${gpu_targets[@]}" <<'PY'
# Renders the shipped config: same jobs and structure; each job's static_configs replaced by this
# cluster's exporters, intervals 1 s, rule_files made absolute. Plain text, no YAML library.
import re, sys
src, dst, rules_dir, slurm_target, *gpu = sys.argv[1:]
out, job, skip_indent = [], None, None
for line in open(src):
    indent = len(line) - len(line.lstrip())
    if skip_indent is not None:
        if line.strip() == "" or indent > skip_indent:
            continue
        skip_indent = None
    m = re.match(r"\s*- job_name:\s*['\"]?([\w-]+)", line)
    if m:
        job = m.group(1)
    if re.match(r"\s*(scrape_interval|evaluation_interval|scrape_timeout):", line):
        line = re.sub(r":\s*\S+", ": 1s", line, count=1)
    if re.match(r"\s*-\s*['\"]?\.\./rules/", line):
        line = re.sub(r"(-\s*)['\"]?\.\./rules/([^'\"\s]*)['\"]?", lambda m: f"{m.group(1)}'{rules_dir}/{m.group(2)}'", line)
    if re.match(r"\s*static_configs:", line):
        pad = " " * (indent + 2)
        out.append(line)
        if job == "gpu":
            for t in gpu:
                addr, inst = t.split("=")
                out.append(f"{pad}- targets: ['{addr}']\n{pad}  labels: {{instance: '{inst}'}}\n")
        elif job == "slurm":
            out.append(f"{pad}- targets: ['{slurm_target}']\n")
        else:
            sys.exit(f"unknown job {job} in {src}")
        skip_indent = indent
        continue
    out.append(line)
open(dst, "w").write("".join(out))
PY
check "rendered config names this cluster's exporters ($slurm_target, ${#gpu_urls[@]} GPU exporters)" \
  eval 'grep -q "$slurm_target" "$state/prometheus.yml" && [[ $(grep -c "labels: {instance:" "$state/prometheus.yml") -eq ${#gpu_urls[@]} ]]'
check "promtool check config on the rendered copy" promtool check config "$state/prometheus.yml"

prometheus --config.file="$state/prometheus.yml" --storage.tsdb.path="$state/prometheus-data" \
  --web.listen-address="$prom_addr" --log.level=warn >"$state/prometheus.log" 2>&1 &
prom_pid=$!
PROM_URL="http://$prom_addr"
check "Prometheus is ready at $PROM_URL" wait_for 30 curl -sf -o /dev/null "$PROM_URL/-/ready"
up_count() { curl -sfG "$PROM_URL/api/v1/query" --data-urlencode 'query=count(up == 1)' | grep -o '"value":\[[^]]*\]' | grep -o '"[0-9]*"\]' | tr -dc '0-9'; }
check "Prometheus scrapes all $((nodes + 1)) exporters" wait_for 30 eval '[[ "$(up_count)" == "$((nodes + 1))" ]]'
rules_n=$(curl -sf "$PROM_URL/api/v1/rules" | grep -o '"type":"alerting"' | wc -l)
check "Prometheus loaded the rule pack ($rules_n alerting rules)" test "$rules_n" -gt 20

# ---- jobs, so the job panels have data ---------------------------------------------------------
cd "$state/jobs" || exit 1
sb() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
job_busy=$(sb -w node1 --gres=gpu:2 -J gd-busy --wrap "sleep 300")
job_idle=$(sb -w node4 --gres=gpu:1 -J gd-idle --wrap "sleep 300")
running() { [[ $(squeue -h -j "$1" -o %T 2>/dev/null) == RUNNING ]]; }
check "job $job_busy (node1, 2 GPUs) is RUNNING" wait_for 60 running "$job_busy"
check "job $job_idle (node4, 1 idle GPU) is RUNNING" wait_for 60 running "$job_idle"
user=$(squeue -h -j "$job_busy" -o %u)
prom_has() { [[ $(curl -sfG "$PROM_URL/api/v1/query" --data-urlencode "query=count($1)" | grep -o '"result":\[[^]]') ]]; }
check "Prometheus sees both jobs in slurm_job_gpu" wait_for 30 prom_has "slurm_job_gpu{job_id=~\"$job_busy|$job_idle\"}"
check "Prometheus sees hpc_job=\"$job_busy\" on the GPU series" wait_for 30 prom_has "DCGM_FI_DEV_GPU_UTIL{hpc_job=\"$job_busy\"}"
jobs_seen=$SECONDS
# sdiag prints "Cycles per minute" only once its statistics are a minute old, so on a fresh
# slurmctld slurm_scheduler_cycle_per_minute (the scheduler panel) appears about 60 s after start.
check "slurm_scheduler_cycle_per_minute is there (sdiag stats a minute old)" wait_for 90 prom_has slurm_scheduler_cycle_per_minute
# At least 20 s of scrapes with the jobs running, so rate/increase windows hold them.
wait_more=$((20 - (SECONDS - jobs_seen)))
if ((wait_more > 0)); then echo "waiting $wait_more s more so rate/increase windows hold the jobs"; sleep "$wait_more"; fi

# ---- every query of the dashboards -----------------------------------------------------------
run_queries() { # URL LABEL STRICT(1/0)
  python3 - "$1" "$2" "$3" "$dash_dir" "$job_busy" "$job_idle" "$user" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request
url, label, strict, dash_dir, job_busy, job_idle, user = sys.argv[1:]
strict = strict == "1"
word = "FAIL" if strict else "NOTE: fails"
# What Grafana substitutes: one real node/GPU/partition, both jobs as a multi-value regex.
values = {"node": "node1", "gpu": "0", "partition": "gpu", "user": user,
          "jobid": f"({job_busy}|{job_idle})", "job": f"({job_busy}|{job_idle})",
          "__rate_interval": "1m", "__interval": "15s", "__interval_ms": "15000",
          "__range": "5m", "__range_s": "300", "__range_ms": "300000"}
var_re = re.compile(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)")
def subst(expr):
    unknown = []
    def rep(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name.isdigit():          # label_replace's "$1"
            return m.group(0)
        if name not in values:
            unknown.append(name)
            return m.group(0)
        return values[name]
    return var_re.sub(rep, expr), unknown
def get(path, params):
    q = urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(f"{url}{path}?{q}", timeout=20) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        try:
            return json.load(e)
        except Exception:  # noqa: BLE001
            return {"status": "error", "error": f"HTTP {e.code}"}
    except Exception as e:  # noqa: BLE001
        return {"status": "error", "error": str(e)}
bad = n = 0
def report(ok, what, why=""):
    global bad
    if ok:
        print(f"PASS: [{label}] {what}" if strict else f"NOTE: ok [{label}] {what}")
    else:
        bad += 1
        print(f"{word} [{label}] {what}: {why}")
for name in ("gpus.json", "slurm.json", "jobs.json"):
    d = json.load(open(f"{dash_dir}/{name}"))
    for v in d.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        q, unknown = subst(q)
        n += 1
        what = f"{name} variable ${v['name']}: {q}"
        m = re.fullmatch(r"\s*label_values\(\s*(?:(.+),\s*)?(\w+)\s*\)\s*", q)
        if unknown or not m:
            report(False, what, f"unknown variables {unknown}" if unknown else "not label_values(...)")
            continue
        sel, lab = m.group(1), m.group(2)
        if sel:
            r = get("/api/v1/series", {"match[]": sel, "start": time.time() - 300, "end": time.time()})
            vals = sorted({s.get(lab) for s in r.get("data") or [] if s.get(lab)})
        else:
            r = get(f"/api/v1/label/{lab}/values", {})
            vals = r.get("data") or []
        report(r.get("status") == "success" and vals, what + f" -> {vals[:6]}", r.get("error", "no values"))
    panels = []
    for p in d.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))
    for p in panels:
        for t in p.get("targets") or []:
            expr, unknown = subst(t.get("expr", ""))
            n += 1
            what = f"{name} '{p.get('title')}' {t.get('refId')}: {' '.join(expr.split())}"
            if unknown:
                report(False, what, f"unknown template variables {unknown}")
                continue
            now = time.time()
            r = get("/api/v1/query", {"query": expr, "time": now})
            if r.get("status") != "success":
                report(False, what, f"instant query error: {r.get('error')}")
                continue
            if not r["data"]["result"]:
                report(False, what, "instant query returned no data")
                continue
            r = get("/api/v1/query_range", {"query": expr, "start": now - 15, "end": now, "step": 5})
            if r.get("status") != "success":
                report(False, what, f"range query error: {r.get('error')}")
                continue
            if not r["data"]["result"]:
                report(False, what, "range query returned no data")
                continue
            report(True, what + f" ({len(r['data']['result'])} series)")
print(f"{label}: {n} dashboard queries checked, {bad} failed")
sys.exit(1 if bad else 0)
PY
}
if run_queries "$PROM_URL" prometheus 1; then
  pass "every dashboard query returns data in Prometheus"
else
  fail "dashboard queries without data in Prometheus (listed above)"
fi
if [[ -n ${HUB_URL:-} ]]; then
  run_queries "$HUB_URL" hub 0 | grep -v '^NOTE: ok' || true
fi

echo
if ((fails)); then
  echo "grafana_dashboards_test: $fails check(s) FAILED"
  exit 1
fi
echo "grafana_dashboards_test: all checks passed"
