#!/usr/bin/env bash
# deploy/: the installer, the systemd units and the default configs, checked the way an operator
# would meet them, in a staging root (DESTDIR) so that nothing on this machine is touched.
#
#  1. deploy/install.sh --help; a bad option exits 2.
#  2. install.sh --destdir ROOT BUILD_DIR puts binaries, units, configs, the rule pack, the
#     dashboard, the Slurm prolog/epilog and docs in place; a second run changes nothing; an
#     edited config is kept on reinstall; --prefix rewrites the units' paths.
#  3. systemd-analyze --root=ROOT verify on the installed units (for both prefixes): no error and
#     no warning about them (unknown keys, bad values, missing ExecStart/ExecReload binaries).
#     --root makes it resolve every path inside ROOT, so no systemd as PID 1 is needed; ROOT gets
#     a copy of this machine's own units (sysinit.target, network-online.target, ...) and a
#     stand-in /bin/kill.
#  4. systemd-analyze security --offline: each unit's exposure level stays at 2.5 or below, and
#     the hardening settings the design relies on are present.
#  5. The installed gpuwatchdog check-config / check-rules accept the installed hub.yml and rule
#     pack; a broken hub.yml fails check-config with exit 2 (what makes `systemctl reload` fail).
#  6. Each daemon started with exactly its unit's ExecStart flags (paths mapped into ROOT, a
#     loopback port added): it serves, the hub loads the installed rule pack through the
#     config's relative rule_files and serves the installed dashboard, SIGHUP (ExecReload) keeps
#     it running, SIGTERM (systemctl stop) ends it with status 0 (so Restart=on-failure leaves it
#     stopped), and a bad flag exits 2 (RestartPreventExitStatus=2).
#
# Usage: tests/deploy_test.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skipped (binaries not built, or systemd-analyze / python3 / curl
# missing: the Debian packages systemd, python3, curl; scripts/install-deps installs them).
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: tests/deploy_test.sh BUILD_DIR" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

units=(gpuwatchdog.service gpuwatchdog-gpu-exporter.service gpuwatchdog-slurm-exporter.service)
for b in src/hub/gpuwatchdog src/gpu_exporter/gpuwatchdog-gpu-exporter \
  src/slurm_exporter/gpuwatchdog-slurm-exporter; do
  [[ -x "$build/$b" ]] || skip "$build/$b is not built"
done
analyze=$(command -v systemd-analyze || true)
[[ -n "$analyze" ]] || skip "systemd-analyze not found (Debian package systemd; scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 not found (picks free ports)"
command -v curl >/dev/null || skip "curl not found"
host_units=""
for d in /usr/lib/systemd/system /lib/systemd/system; do
  [[ -f "$d/sysinit.target" ]] && { host_units="$d"; break; }
done
[[ -n "$host_units" ]] || skip "no systemd unit directory with sysinit.target on this machine (systemd-analyze verify needs the standard targets)"

tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- 1. --help ---------------------------------------------------------------------------------
help=$("$repo/deploy/install.sh" --help) || fail "install.sh --help exited $?"
for word in DESTDIR --prefix --destdir BUILD_DIR /etc/gpuwatchdog; do
  grep -q -- "$word" <<<"$help" || fail "install.sh --help does not mention $word"
done
rc=0; "$repo/deploy/install.sh" --no-such-option >/dev/null 2>&1 || rc=$?
((rc == 2)) || fail "install.sh with an unknown option exited $rc, want 2"
ok "install.sh --help, bad option exits 2"

# --- 2. install into a staging root ------------------------------------------------------------
root="$tmp/root"
"$repo/deploy/install.sh" --destdir "$root" "$build" >"$tmp/install1.log" \
  || { cat "$tmp/install1.log"; fail "install.sh --destdir exited $?"; }
expect=(
  usr/local/bin/gpuwatchdog usr/local/bin/gpuwatchdog-gpu-exporter
  usr/local/bin/gpuwatchdog-slurm-exporter
  etc/systemd/system/gpuwatchdog.service etc/systemd/system/gpuwatchdog-gpu-exporter.service
  etc/systemd/system/gpuwatchdog-slurm-exporter.service
  etc/gpuwatchdog/hub.yml etc/gpuwatchdog/hub.env etc/gpuwatchdog/gpu-exporter.env
  etc/gpuwatchdog/slurm-exporter.env
  usr/local/share/gpuwatchdog/config/hub.yml
  usr/local/lib/gpuwatchdog/gpuwatchdog-prolog.sh usr/local/lib/gpuwatchdog/gpuwatchdog-epilog.sh
  usr/local/share/doc/gpuwatchdog/operator-guide.md
)
for f in "$repo"/deploy/rules/*.rules.yml; do
  expect+=("etc/gpuwatchdog/rules/$(basename "$f")")
done
if [[ -f "$repo/web/dist/index.html" ]]; then
  expect+=(usr/local/share/gpuwatchdog/web/index.html)
fi
for f in "${expect[@]}"; do [[ -f "$root/$f" ]] || fail "install.sh did not install /$f"; done
for f in usr/local/bin/gpuwatchdog usr/local/lib/gpuwatchdog/gpuwatchdog-prolog.sh; do
  [[ -x "$root/$f" ]] || fail "/$f is not executable"
done
cmp -s "$build/src/hub/gpuwatchdog" "$root/usr/local/bin/gpuwatchdog" || fail "installed hub differs from the build"
for u in "${units[@]}"; do
  cmp -s "$repo/deploy/systemd/$u" "$root/etc/systemd/system/$u" || fail "$u was changed for the default prefix"
done
if find "$root" -name '*install-tmp' -o -name '*.install-new' -o -name '*.install-old' | grep -q .; then
  fail "install.sh left temporary files behind"
fi
ok "install.sh --destdir installed ${#expect[@]} expected files"

snapshot() { (cd "$1" && find . \( -type f -o -type d -o -type l \) -printf '%p %m %y\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot "$root" >"$tmp/snap1"
"$repo/deploy/install.sh" --destdir "$root" "$build" >"$tmp/install2.log" || fail "second install.sh run exited $?"
snapshot "$root" >"$tmp/snap2"
diff "$tmp/snap1" "$tmp/snap2" >/dev/null || { diff "$tmp/snap1" "$tmp/snap2" | head -20; fail "a second install.sh run changed the installed tree"; }
ok "install.sh is idempotent"

echo "# local change" >>"$root/etc/gpuwatchdog/hub.yml"
echo "# local change" >>"$root/etc/gpuwatchdog/rules/gpu.rules.yml"
"$repo/deploy/install.sh" --destdir "$root" "$build" >"$tmp/install3.log" || fail "third install.sh run exited $?"
tail -1 "$root/etc/gpuwatchdog/hub.yml" | grep -qx "# local change" || fail "reinstalling overwrote an edited /etc/gpuwatchdog/hub.yml"
tail -1 "$root/etc/gpuwatchdog/rules/gpu.rules.yml" | grep -qx "# local change" || fail "reinstalling overwrote an edited rule file"
grep -q "kept /etc/gpuwatchdog/hub.yml" "$tmp/install3.log" || fail "install.sh did not say it kept the edited hub.yml"
cmp -s "$repo/deploy/config/hub.yml" "$root/usr/local/share/gpuwatchdog/config/hub.yml" || fail "the shipped default hub.yml is not kept for comparison"
ok "edited configs are kept on reinstall"

root_opt="$tmp/root-opt"
PREFIX=/opt/gpuwatchdog "$repo/deploy/install.sh" --destdir "$root_opt" "$build" >/dev/null || fail "install.sh with PREFIX exited $?"
[[ -x "$root_opt/opt/gpuwatchdog/bin/gpuwatchdog" ]] || fail "PREFIX=/opt/gpuwatchdog: no /opt/gpuwatchdog/bin/gpuwatchdog"
if grep -n "/usr/local" "$root_opt"/etc/systemd/system/*.service; then fail "PREFIX=/opt/gpuwatchdog: units still name /usr/local"; fi
grep -q "^ExecStart=/opt/gpuwatchdog/bin/gpuwatchdog " "$root_opt/etc/systemd/system/gpuwatchdog.service" \
  || fail "PREFIX=/opt/gpuwatchdog: the hub unit does not start /opt/gpuwatchdog/bin/gpuwatchdog"
grep -q -- "--web.ui-path=/opt/gpuwatchdog/share/gpuwatchdog/web" "$root_opt/etc/systemd/system/gpuwatchdog.service" \
  || fail "PREFIX=/opt/gpuwatchdog: --web.ui-path does not follow the prefix"
ok "PREFIX is honoured, in the units too"

# --- 3. systemd-analyze verify -----------------------------------------------------------------
# The units name /bin/kill (ExecReload); ROOT gets an executable stand-in, and the machine's
# own units for the targets ours refer to.
prepare_root() {
  mkdir -p "$1/usr/lib/systemd" "$1/usr/bin"
  cp -R "$host_units" "$1/usr/lib/systemd/system"
  printf '#!/bin/sh\n# stand-in for systemd-analyze verify\nexit 0\n' >"$1/usr/bin/kill"
  chmod 0755 "$1/usr/bin/kill"
  [[ -e "$1/bin" ]] || ln -s usr/bin "$1/bin"
}
verify() {  # verify ROOT
  local out rc=0
  out=$("$analyze" --root="$1" verify --man=no "${units[@]}" 2>&1) || rc=$?
  # Anything said about our units is a finding, warnings included (systemd ignores an unknown
  # key with only a warning, and the hardening it was meant to add is silently gone).
  if ((rc != 0)) || grep -q gpuwatchdog <<<"$out"; then
    echo "$out" >&2
    fail "systemd-analyze verify (root $1) exited $rc"
  fi
}
prepare_root "$root"
prepare_root "$root_opt"
verify "$root"
verify "$root_opt"
ok "systemd-analyze verify: the three units are clean (prefix /usr/local and /opt/gpuwatchdog)"

# A unit with a typo must be caught, or the check above proves nothing.
sed 's/^ProtectSystem=strict/ProtectSytem=strict/' "$root/etc/systemd/system/gpuwatchdog.service" \
  >"$root/etc/systemd/system/gpuwatchdog-typo.service"
out=$("$analyze" --root="$root" verify --man=no gpuwatchdog-typo.service 2>&1 || true)
grep -q "ProtectSytem" <<<"$out" || fail "systemd-analyze verify did not report an unknown key: $out"
rm "$root/etc/systemd/system/gpuwatchdog-typo.service"
ok "systemd-analyze verify catches an unknown key"

# --- 4. hardening --------------------------------------------------------------------------------
for u in "${units[@]}"; do
  out=$("$analyze" security --offline=yes --root="$root" --threshold=25 "$u" 2>&1) \
    || { echo "$out" >&2; fail "$u: exposure level above 2.5"; }
  ok "$(grep -o "Overall exposure level.*" <<<"$out" | sed "s/ *[^ -~]*$//")"
  file="$root/etc/systemd/system/$u"
  for setting in "Type=simple" "User=gpuwatchdog" "Group=gpuwatchdog" "Restart=on-failure" \
    "ExecReload=/bin/kill -HUP \$MAINPID" "RestartPreventExitStatus=2" \
    "ConfigurationDirectory=gpuwatchdog" "ProtectSystem=strict" "ProtectHome=yes" \
    "PrivateTmp=yes" "NoNewPrivileges=yes" "CapabilityBoundingSet=" "AmbientCapabilities=" \
    "ProtectKernelTunables=yes" "ProtectKernelModules=yes" "ProtectKernelLogs=yes" \
    "ProtectControlGroups=yes" "MemoryDenyWriteExecute=yes" "LockPersonality=yes" \
    "RestrictNamespaces=yes" "RestrictSUIDSGID=yes" "SystemCallFilter=@system-service" \
    "SystemCallArchitectures=native"; do
    grep -qxF -- "$setting" "$file" || fail "$u lacks $setting"
  done
  grep -q "^RestrictAddressFamilies=" "$file" || fail "$u lacks RestrictAddressFamilies="
  if grep -q "^DynamicUser=yes" "$file"; then fail "$u uses DynamicUser"; fi
done
hub_unit="$root/etc/systemd/system/gpuwatchdog.service"
gpu_unit="$root/etc/systemd/system/gpuwatchdog-gpu-exporter.service"
grep -qx "StateDirectory=gpuwatchdog" "$hub_unit" || fail "the hub unit lacks StateDirectory=gpuwatchdog"
grep -q "^LimitNOFILE=" "$hub_unit" || fail "the hub unit lacks LimitNOFILE="
grep -q -- "--storage.tsdb.path=/var/lib/gpuwatchdog/" "$hub_unit" || fail "the hub's store is not in its StateDirectory"
grep -q -- "--web.ui-path=/usr/local/share/gpuwatchdog/web" "$hub_unit" || fail "the hub unit does not serve the installed dashboard"
# The GPU exporter must reach /dev/nvidia*: no private /dev, and the NVIDIA device groups allowed.
if grep -q "^PrivateDevices=yes" "$gpu_unit"; then fail "PrivateDevices=yes would hide /dev/nvidia* from the GPU exporter"; fi
grep -q "^DeviceAllow=char-nvidia\* rw" "$gpu_unit" || fail "the GPU exporter unit does not allow the NVIDIA devices"
if grep -q "^RuntimeDirectory=" "$gpu_unit"; then fail "RuntimeDirectory= would delete the prolog's job files when the GPU exporter stops"; fi
if grep -q "^ProcSubset=pid" "$gpu_unit"; then fail "ProcSubset=pid would hide /proc/driver/nvidia from NVML"; fi
ok "hardening settings present"

# --- 5. check-config / check-rules ----------------------------------------------------------------
hub="$root/usr/local/bin/gpuwatchdog"
cp "$repo/deploy/config/hub.yml" "$root/etc/gpuwatchdog/hub.yml"  # undo the local change above
"$hub" check-config "$root/etc/gpuwatchdog/hub.yml" || fail "check-config rejects the installed hub.yml"
"$hub" check-rules "$root"/etc/gpuwatchdog/rules/*.rules.yml || fail "check-rules rejects the installed rule pack"
printf 'scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n' >"$tmp/bad.yml"
rc=0; "$hub" check-config "$tmp/bad.yml" >/dev/null 2>&1 || rc=$?
((rc == 2)) || fail "check-config on a broken file exited $rc, want 2 (ExecReload relies on it)"
ok "installed configs pass check-config and check-rules"

# --- 6. the daemons, started as their units start them ---------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
state="$tmp/state"  # what StateDirectory= creates
mkdir -p "$state"
# The unit's ExecStart (continuation lines joined), its paths mapped into the staging root, and
# $ARGS (from the optional env file, empty by default) dropped.
exec_start() {  # exec_start UNIT -> one word per line
  # shellcheck disable=SC2016 # a literal $ARGS, as the unit has it
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$root/etc/systemd/system/$1" | grep '^ExecStart=' | sed 's/^ExecStart=//' \
    | tr -s ' ' '\n' | grep -v '^\$ARGS$' | grep -v '^$' \
    | sed -e "s|^/usr/local/|$root/usr/local/|; s|=/usr/local/|=$root/usr/local/|" \
      -e "s|=/etc/gpuwatchdog/|=$root/etc/gpuwatchdog/|" \
      -e "s|=/var/lib/gpuwatchdog|=$state|" -e "s|=/run/gpuwatchdog/jobs|=$tmp/jobs|"
}
wait_http() {  # wait_http URL PID NAME
  local i
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || fail "$3 exited before serving $1 (log: $(cat "$tmp/$3.log"))"
    sleep 0.1
  done
  fail "$3 did not serve $1 within 10s (log: $(cat "$tmp/$3.log"))"
}
stop_cleanly() {  # stop_cleanly PID NAME: SIGHUP keeps it running, SIGTERM ends it with 0
  local rc=0
  kill -HUP "$1"
  sleep 0.5
  kill -0 "$1" 2>/dev/null || fail "$2 did not survive SIGHUP (ExecReload) (log: $(cat "$tmp/$2.log"))"
  kill -TERM "$1"
  wait "$1" || rc=$?
  ((rc == 0)) || fail "$2 exited $rc on SIGTERM, want 0 (log: $(cat "$tmp/$2.log"))"
}

mapfile -t cmd < <(exec_start gpuwatchdog.service)
[[ "${cmd[0]}" == "$hub" ]] || fail "hub ExecStart starts ${cmd[0]}"
port=$(free_port)
"${cmd[@]}" --web.listen-address="127.0.0.1:$port" >"$tmp/hub.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_http "http://127.0.0.1:$port/-/ready" "$pid" hub
rules_json=$(curl -sf "http://127.0.0.1:$port/api/v1/rules") || fail "GET /api/v1/rules failed"
for f in "$repo"/deploy/rules/*.rules.yml; do
  grep -q "$root/etc/gpuwatchdog/rules/$(basename "$f")" <<<"$rules_json" \
    || fail "the hub did not load $(basename "$f") through hub.yml's rule_files: $(head -c 400 <<<"$rules_json")"
done
if [[ -f "$repo/web/dist/index.html" ]]; then
  asset=$(grep -o '/assets/index-[^"]*\.js' "$repo/web/dist/index.html" | head -1)
  page=$(curl -sS "http://127.0.0.1:$port/" 2>&1)
  grep -qF "$asset" <<<"$page" || fail "the hub does not serve the installed dashboard at / (want $asset; got: $(head -c 300 <<<"$page"); installed: $(grep -o '/assets/index-[^"]*\.js' "$root/usr/local/share/gpuwatchdog/web/index.html" 2>&1 | head -1); hub log: $(tail -n 5 "$tmp/hub.log"))"
  curl -sf -o /dev/null "http://127.0.0.1:$port$asset" || fail "the hub does not serve $asset"
fi
[[ -d "$state/data" ]] || fail "the hub did not create its store in the state directory"
# ExecReload's first command, as systemctl reload runs it.
"$hub" check-config "$root/etc/gpuwatchdog/hub.yml" >/dev/null || fail "ExecReload's check-config failed"
stop_cleanly "$pid" hub
ok "hub: serves with its unit's flags, loads the installed rule pack, serves the dashboard, reloads, stops with 0"

mapfile -t cmd < <(exec_start gpuwatchdog-gpu-exporter.service)
port=$(free_port)
# No NVIDIA driver is needed: the exporter serves and reports nvml_up 0 without one.
"${cmd[@]}" --web.listen-address="127.0.0.1:$port" --nvml.library="$tmp/no-libnvidia-ml.so.1" \
  >"$tmp/gpu-exporter.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_http "http://127.0.0.1:$port/healthz" "$pid" gpu-exporter
stop_cleanly "$pid" gpu-exporter
ok "gpu exporter: serves with its unit's flags, reloads, stops with 0"

mapfile -t cmd < <(exec_start gpuwatchdog-slurm-exporter.service)
port=$(free_port)
# No Slurm here: commands that fail at once (the exporter serves and reports the failures).
"${cmd[@]}" --web.listen-address="127.0.0.1:$port" --slurm.sinfo=false --slurm.squeue=false \
  --slurm.scontrol=false --slurm.sdiag=false >"$tmp/slurm-exporter.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_http "http://127.0.0.1:$port/healthz" "$pid" slurm-exporter
stop_cleanly "$pid" slurm-exporter
ok "slurm exporter: serves with its unit's flags, reloads, stops with 0"

for u in "${units[@]}"; do
  mapfile -t cmd < <(exec_start "$u")
  rc=0; "${cmd[@]}" --no-such-flag >/dev/null 2>&1 || rc=$?
  ((rc == 2)) || fail "$u: a bad flag exited $rc, want 2 (RestartPreventExitStatus=2)"
done
ok "a bad flag exits 2 for all three (no restart loop)"
echo "PASS"
