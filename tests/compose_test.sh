#!/usr/bin/env bash
# deploy/compose: the compose file, its Dockerfile and the configs it mounts, checked without a
# Docker daemon (none is needed for any of this, and none is started).
#
#  1. `docker-compose -f deploy/compose/compose.yaml config` (Debian 12's docker-compose 1.29,
#     or Docker Compose v2's `docker compose` where that is what exists) succeeds, with and
#     without the profiles, and the rendered file has the services, ports, volumes, GPU
#     reservation and mounts the README promises; a GW_* variable changes what it should.
#  2. The validation can fail: copies of the file with an unknown key and with a wrongly typed
#     value are rejected, naming the culprit.
#  3. The files the compose setup mounts or copies are right: deploy/compose/hub.yml passes
#     `gpuwatchdog check-config` (with the rule pack beside it, as mounted), and so does every
#     hub.yml snippet of docs/external-engines.md; prometheus.yml
#     `promtool check config` (where promtool exists), every COPY source of the Dockerfile
#     exists, and every Debian package it installs is known to apt (where apt has lists).
#  4. Every flag that compose.yaml and the Dockerfile pass to our daemons is one the real
#     binary in BUILD_DIR lists in --help, and the binary accepts them all together: each daemon
#     is started with exactly those flags (paths mapped to a temp dir, a loopback port) and
#     must serve /healthz (the hub: /-/ready and its dashboard), then stop on SIGTERM with
#     status 0. `--help` alone would not do: it returns before values such as durations or
#     URLs are parsed. Skipped, with a message, where the binaries are not built.
#
# Usage: tests/compose_test.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skipped (no docker-compose / docker compose, or no python3 with yaml:
# `apt-get install docker-compose` brings both; scripts/install-deps installs it).
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: tests/compose_test.sh BUILD_DIR" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || build=$1
compose_dir=$repo/deploy/compose
compose_file=$compose_dir/compose.yaml

skip() { echo "SKIP: $*"; exit 77; }
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if command -v docker-compose >/dev/null; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  skip "neither docker-compose nor docker compose found (apt-get install docker-compose; scripts/install-deps)"
fi
python3 -c 'import yaml' 2>/dev/null || skip "python3 with PyYAML not found (python3-yaml)"
version=$("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version | head -1)
echo "using ${compose[*]} $version"

tmp=$(mktemp -d /tmp/gwcompose.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The defaults of compose.yaml, not whatever GW_* this shell happens to have; no .env is read
# either (--project-directory would find one beside the file: there is none in the repository).
for v in $(compgen -e | grep '^GW_' || true); do unset "$v"; done
# config FILE [ARGS...] > rendered; stderr to $tmp/config.err
config() {
  local file=$1
  shift
  "${compose[@]}" -f "$file" "$@" config 2>"$tmp/config.err"
}

# --- 1. the rendered config --------------------------------------------------------------------
# One checker for both tools' output: 1.29 prints short syntax ("hub-data:/var/lib/...:rw"),
# v2 long syntax ({type: volume, source: hub-data, target: ...}); ports likewise.
cat >"$tmp/check.py" <<'EOF'
import sys, yaml

doc = yaml.safe_load(open(sys.argv[1]))
want_services = sys.argv[2].split(",")
forbid_services = [s for s in sys.argv[3].split(",") if s]
problems = []
services = doc.get("services") or {}

def mounts(svc):
    out = []
    for v in services.get(svc, {}).get("volumes", []) or []:
        if isinstance(v, str):
            parts = v.split(":")
            ro = len(parts) > 2 and "ro" in parts[2].split(",")
            out.append((parts[0], parts[1], ro))
        else:
            out.append((v.get("source"), v.get("target"), bool(v.get("read_only"))))
    return out

def ports(svc):
    out = []
    for p in services.get(svc, {}).get("ports", []) or []:
        if isinstance(p, str):
            pub, _, tgt = p.rpartition(":")
            out.append((int(pub.split(":")[-1]), int(tgt.split("/")[0])))
        else:
            out.append((int(p.get("published")), int(p.get("target"))))
    return out

def need(cond, what):
    if not cond:
        problems.append(what)

for s in want_services:
    need(s in services, f"service {s} missing")
for s in forbid_services:
    need(s not in services, f"service {s} present without its profile")

hub_port = int(sys.argv[4])
if "hub" in services:
    need((hub_port, 3000) in ports("hub"), f"hub does not publish {hub_port}:3000: {ports('hub')}")
    m = mounts("hub")
    need(("hub-data", "/var/lib/gpuwatchdog", False) in m, f"hub: no writable named volume hub-data: {m}")
    need(any(t == "/etc/gpuwatchdog/hub.yml" and ro and src.endswith("deploy/compose/hub.yml") for src, t, ro in m),
         f"hub: deploy/compose/hub.yml not mounted read-only: {m}")
    need(any(t == "/etc/gpuwatchdog/rules" and ro and src.endswith("deploy/rules") for src, t, ro in m),
         f"hub: the rule pack deploy/rules not mounted read-only: {m}")
    need("hub-data" in (doc.get("volumes") or {}), "top-level volume hub-data missing")
    need(services["hub"].get("build", {}).get("target") == "hub", "hub: build target is not 'hub'")
if "slurm-exporter" in services:
    need((9341, 9341) in ports("slurm-exporter"), f"slurm-exporter does not publish 9341")
    t = {t: (src, ro) for src, t, ro in mounts("slurm-exporter")}
    need(t.get("/etc/slurm", ("", False))[1], "slurm-exporter: /etc/slurm not mounted read-only")
    need(t.get("/run/munge", ("", False))[1], "slurm-exporter: /run/munge not mounted read-only")
    need(services["slurm-exporter"].get("environment", {}).get("SLURM_CONF") == "/etc/slurm/slurm.conf",
         "slurm-exporter: SLURM_CONF is not /etc/slurm/slurm.conf")
if "gpu-exporter" in services:
    g = services["gpu-exporter"]
    need(g.get("network_mode") == "host", "gpu-exporter is not on the host network")
    devices = (((g.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("devices") or []
    need(any(d.get("driver") == "nvidia" and "gpu" in (d.get("capabilities") or []) for d in devices)
         or g.get("runtime") == "nvidia", f"gpu-exporter: no NVIDIA GPU reservation: {devices}")
    t = {t: (src, ro) for src, t, ro in mounts("gpu-exporter")}
    need(t.get("/run/gpuwatchdog", ("", False))[1], "gpu-exporter: /run/gpuwatchdog not mounted read-only")
    need("--hpc-job-mapping-dir=/run/gpuwatchdog/jobs" in (g.get("command") or []),
         "gpu-exporter: --hpc-job-mapping-dir does not point into the mount")
if "prometheus" in services:
    p = services["prometheus"]
    need("prometheus" in (p.get("profiles") or []), "prometheus: not in profile prometheus")
    need("--web.enable-remote-write-receiver" in (p.get("command") or []), "prometheus: no remote-write receiver flag")
    need((9090, 9090) in ports("prometheus"), "prometheus does not publish 9090")
if "grafana" in services:
    g = services["grafana"]
    need("grafana" in (g.get("profiles") or []), "grafana: not in profile grafana")
    need(any(src.endswith("deploy/grafana/dashboards") for src, _, _ in mounts("grafana")),
         "grafana: deploy/grafana/dashboards not mounted")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF

core=hub,slurm-exporter,gpu-exporter
# docker-compose 1.29's `config` prints every service whatever the profiles (its `up` honours
# them); Compose v2 leaves the profiled ones out.
if [[ ${compose[0]} == docker-compose ]]; then absent=""; else absent=prometheus,grafana; fi
# render_and_check WHAT OUT SERVICES ABSENT [config args...]: renders compose.yaml, checks it
render_and_check() {
  local what=$1 out=$2 services=$3 absent=$4
  shift 4
  if ! config "$compose_file" "$@" >"$out"; then
    fail "compose config$what failed: $(cat "$tmp/config.err")"
  elif python3 "$tmp/check.py" "$out" "$services" "$absent" 3000; then
    pass "compose config$what: services $services with their ports, volumes, mounts and the GPU reservation"
  else
    fail "compose config$what rendered, but not as expected (above)"
  fi
}
render_and_check "" "$tmp/plain.yaml" "$core" "$absent"
render_and_check " --profile prometheus --profile grafana" "$tmp/profiles.yaml" \
  "$core,prometheus,grafana" "" --profile prometheus --profile grafana
if GW_HUB_PORT=3100 config "$compose_file" >"$tmp/port.yaml" \
  && python3 "$tmp/check.py" "$tmp/port.yaml" hub "" 3100; then
  pass "GW_HUB_PORT=3100 publishes the hub on 3100"
else
  fail "GW_HUB_PORT did not change the hub's published port $(cat "$tmp/config.err")"
fi

# --- 2. the validation can fail ----------------------------------------------------------------
# In the temp dir: `config` resolves relative bind paths but does not require them to exist.
bad=$tmp/bad-compose.yaml
sed 's/^  hub:$/  hub:\n    no_such_option: true/' "$compose_file" >"$bad"
grep -q no_such_option "$bad" || fail "could not build the copy with an unknown key"
if config "$bad" >/dev/null; then
  fail "a compose file with an unknown service key was accepted"
elif grep -q no_such_option "$tmp/config.err"; then
  pass "an unknown service key is rejected: $(grep -m1 no_such_option "$tmp/config.err")"
else
  fail "a bad compose file was rejected without naming the key: $(cat "$tmp/config.err")"
fi
sed 's/^    stop_grace_period: 5m$/    stop_grace_period: [5m]/' "$compose_file" >"$bad"
grep -q 'stop_grace_period: \[5m\]' "$bad" || fail "could not build the copy with a bad type"
if config "$bad" >/dev/null; then
  fail "a compose file with stop_grace_period as a list was accepted"
elif grep -q stop_grace_period "$tmp/config.err"; then
  pass "a wrongly typed value is rejected: $(grep -m1 stop_grace_period "$tmp/config.err")"
else
  fail "a wrongly typed value was rejected without naming it: $(cat "$tmp/config.err")"
fi

# --- 3. what the compose setup mounts and copies -----------------------------------------------
missing=""
while read -r src; do
  for s in $src; do [[ -e $repo/$s ]] || missing+=" $s"; done
done < <(sed -n 's/^COPY \(--chown=[^ ]* \)\?\([^-].*\) [^ ]*$/\2/p' "$compose_dir/Dockerfile")
[[ -z $missing ]] && pass "every COPY source of the Dockerfile exists" \
  || fail "Dockerfile COPY sources missing:$missing"
if apt-cache show bash >/dev/null 2>&1; then
  # Package names from the apt-get install lines (continuation lines included).
  pkgs=$(python3 - "$compose_dir/Dockerfile" <<'EOF'
import re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for m in re.finditer(r"apt-get install -y --no-install-recommends ([^&\n]*)", text):
    print(" ".join(w for w in m.group(1).split() if not w.startswith("-")))
EOF
)
  unknown=""
  for p in $pkgs; do apt-cache show --no-all-versions "$p" >/dev/null 2>&1 || unknown+=" $p"; done
  [[ -z $unknown ]] && pass "apt knows every package the Dockerfile installs ($(wc -w <<<"$pkgs"))" \
    || fail "packages the Dockerfile installs that apt does not know:$unknown"
else
  echo "note: apt has no package lists here; the Dockerfile's package names were not checked"
fi
if command -v promtool >/dev/null; then
  mkdir -p "$tmp/prom/rules"
  cp "$compose_dir/prometheus.yml" "$tmp/prom/"
  cp "$repo"/deploy/rules/*.rules.yml "$tmp/prom/rules/"
  if out=$(promtool check config "$tmp/prom/prometheus.yml" 2>&1) && grep -q "SUCCESS: 2 rule files found" <<<"$out"; then
    pass "promtool check config on deploy/compose/prometheus.yml with the rule pack mounted"
  else
    fail "promtool check config: $out"
  fi
fi

hub=$build/src/hub/gpuwatchdog
gpu=$build/src/gpu_exporter/gpuwatchdog-gpu-exporter
slurm=$build/src/slurm_exporter/gpuwatchdog-slurm-exporter
if [[ ! -x $hub || ! -x $gpu || ! -x $slurm ]]; then
  echo "SKIP (part 4): the daemons are not built in $build; their flags in compose.yaml were not checked against them"
  echo "compose_test: $fails failure(s)"
  ((fails == 0)) && exit 0 || exit 1
fi

# The hub's config as mounted: hub.yml with the rule pack in rules/ beside it.
etc=$tmp/etc/gpuwatchdog
mkdir -p "$etc/rules"
cp "$compose_dir/hub.yml" "$etc/hub.yml"
cp "$repo"/deploy/rules/*.rules.yml "$etc/rules/"
if out=$("$hub" check-config "$etc/hub.yml" 2>&1); then
  pass "gpuwatchdog check-config deploy/compose/hub.yml: $out"
else
  fail "gpuwatchdog check-config deploy/compose/hub.yml: $out"
fi

# The hub.yml snippets of docs/external-engines.md (```yaml blocks starting "# hub.yml").
mkdir -p "$tmp/snippets"
n=$(python3 - "$repo/docs/external-engines.md" "$tmp/snippets" <<'EOF'
import re, sys, textwrap
text = open(sys.argv[1]).read()
n = 0
for m in re.finditer(r"^( *)```yaml\n(.*?)^ *```", text, flags=re.M | re.S):
    body = textwrap.dedent(m.group(2))
    if body.startswith("# hub.yml"):
        n += 1
        open(f"{sys.argv[2]}/snippet{n}.yml", "w").write(body)
print(n)
EOF
)
if ((n < 5)); then
  fail "found only $n hub.yml snippets in docs/external-engines.md (expected one per engine)"
fi
refused=0
for f in "$tmp"/snippets/*.yml; do
  [[ -e $f ]] || continue
  out=$("$hub" check-config "$f" 2>&1) ||
    { refused=$((refused + 1)); fail "docs/external-engines.md $(basename "$f"): $out ($(head -c 300 "$f"))"; }
done
((refused)) || pass "gpuwatchdog check-config accepts the $n hub.yml snippets of docs/external-engines.md"

# --- 4. the flags, on the real binaries --------------------------------------------------------
command -v curl >/dev/null || { echo "SKIP (part 4): curl not found"; echo "compose_test: $fails failure(s)"; ((fails == 0)) && exit 0 || exit 1; }
# SERVICE -> the flags compose.yaml runs it with (rendered: variables substituted).
flags_of() {
  python3 - "$tmp/plain.yaml" "$1" <<'EOF'
import sys, yaml
cmd = (yaml.safe_load(open(sys.argv[1]))["services"].get(sys.argv[2]) or {}).get("command") or []
for c in (cmd.split() if isinstance(cmd, str) else cmd):
    print(c)
EOF
}
dockerfile_cmd_of() {  # the Dockerfile's CMD of TARGET, to check as well
  python3 - "$compose_dir/Dockerfile" "$1" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for s in re.split(r"^FROM ", text, flags=re.M):
    if re.match(r"\S+ AS " + re.escape(sys.argv[2]) + r"\b", s):
        m = re.search(r"^CMD (\[.*\])", s, flags=re.M)
        for c in (json.loads(m.group(1)) if m else []):
            print(c)
EOF
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Maps the container's paths onto the temp dir and the listen address onto loopback; every other
# flag is passed exactly as written.
map_flag() {  # FLAG PORT
  case $1 in
    --web.listen-address=*) echo "--web.listen-address=127.0.0.1:$2" ;;
    --config.file=/etc/gpuwatchdog/*) echo "--config.file=$tmp${1#--config.file=}" ;;
    --storage.tsdb.path=*) echo "--storage.tsdb.path=$tmp/data" ;;
    --web.ui-path=*) echo "--web.ui-path=$tmp/web" ;;
    --hpc-job-mapping-dir=*) echo "--hpc-job-mapping-dir=$tmp/run/gpuwatchdog/jobs" ;;
    *) echo "$1" ;;
  esac
}
mkdir -p "$tmp/web" "$tmp/run/gpuwatchdog"
echo '<!doctype html><title>GPU Watchdog test</title>' >"$tmp/web/index.html"

# check_daemon SERVICE TARGET BINARY READY_PATH
check_daemon() {
  local svc=$1 target=$2 bin=$3 ready=$4 help flag name port pid rc i
  local -a flags=() mapped=() shown=()
  mapfile -t flags < <(flags_of "$svc"; dockerfile_cmd_of "$target")
  help=$("$bin" --help 2>&1)
  for flag in "${flags[@]}"; do
    name=${flag%%=*}
    grep -qE -- "(^|[ ,])$name( |$)" <<<"$help" || fail "$svc: $name is not among $(basename "$bin") --help's flags"
  done
  # Each flag once (compose's command wins over the image's CMD); a listen address always.
  port=$(free_port)
  declare -A seen=()
  for flag in "${flags[@]}" "--web.listen-address=:0"; do
    name=${flag%%=*}
    [[ -n ${seen[$name]:-} ]] && continue
    seen[$name]=1
    [[ $name == --web.listen-address && $flag == *=:0 ]] || shown+=("$flag")
    mapped+=("$(map_flag "$flag" "$port")")
  done
  rc=0
  "$bin" "${mapped[@]}" --help >/dev/null 2>"$tmp/$svc.help.err" || rc=$?
  ((rc == 0)) || fail "$svc: $(basename "$bin") ${mapped[*]} --help exited $rc: $(cat "$tmp/$svc.help.err")"
  "$bin" "${mapped[@]}" >"$tmp/$svc.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for ((i = 0; i < 80; i++)); do
    curl -sf "http://127.0.0.1:$port$ready" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if ! curl -sf "http://127.0.0.1:$port$ready" >/dev/null 2>&1; then
    fail "$svc: $(basename "$bin") with the compose flags did not serve $ready: $(tail -3 "$tmp/$svc.log")"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return
  fi
  if [[ $svc == hub ]]; then
    curl -sf "http://127.0.0.1:$port/" | grep -q "GPU Watchdog test" \
      || fail "hub: --web.ui-path from compose.yaml is not what the hub serves at /"
    grep -q "loaded [1-9][0-9]* rule groups" "$tmp/$svc.log" \
      || fail "hub: the rule pack mounted beside hub.yml was not loaded: $(grep -m1 rule "$tmp/$svc.log")"
  fi
  kill -TERM "$pid"
  rc=0
  wait "$pid" || rc=$?
  ((rc == 0)) || fail "$svc: SIGTERM ended it with status $rc"
  pass "$svc: $(basename "$bin") takes compose.yaml's flags (${shown[*]}), serves $ready, stops cleanly"
}
check_daemon hub hub "$hub" /-/ready
check_daemon slurm-exporter slurm-exporter "$slurm" /healthz
check_daemon gpu-exporter gpu-exporter "$gpu" /healthz

echo "compose_test: $fails failure(s)"
((fails == 0))
