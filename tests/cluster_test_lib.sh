# Shared by the tests that run on the cluster in a box (cluster_test.sh, alerting_cluster_test.sh,
# web_e2e_test.sh): their own ports, PASS/FAIL bookkeeping, waiting, and the logs of a failed run.
# Source it; it defines functions and sets nothing else until called.

# cluster_test_ports NET PORT_PREFIX: exports the cluster's addresses unless the caller chose
# others: slurmctld on PORT_PREFIX817, slurmd K on PORT_PREFIX820+K, GPU exporters on
# 127.0.NET.K:9400, the Slurm exporter on 127.0.0.NET:9341 and the hub on 127.0.0.NET:3000;
# scrapes every second, Slurm refreshed every 2 s. Keep PORT_PREFIX below 32 (ports under 32768):
# Linux hands out 32768-60999 as ephemeral ports for outgoing connections, and a slurmd port
# taken that way fails the cluster's start ("Address already in use").
cluster_test_ports() {
  local net=$1 prefix=$2
  export GW_CLUSTER_CTLD_PORT=${GW_CLUSTER_CTLD_PORT:-${prefix}817}
  export GW_CLUSTER_SLURMD_PORT_BASE=${GW_CLUSTER_SLURMD_PORT_BASE:-${prefix}820}
  export GW_CLUSTER_GPU_NET=${GW_CLUSTER_GPU_NET:-127.0.$net}
  export GW_CLUSTER_GPU_PORT=${GW_CLUSTER_GPU_PORT:-9400}
  export GW_CLUSTER_SLURM_EXPORTER_ADDR=${GW_CLUSTER_SLURM_EXPORTER_ADDR:-127.0.0.$net:9341}
  export GW_CLUSTER_HUB_ADDR=${GW_CLUSTER_HUB_ADDR:-127.0.0.$net:3000}
  export GW_CLUSTER_SCRAPE_INTERVAL=${GW_CLUSTER_SCRAPE_INTERVAL:-1s}
  export GW_CLUSTER_SLURM_REFRESH=${GW_CLUSTER_SLURM_REFRESH:-2s}
  export GW_CLUSTER_SLURM_TIMEOUT=${GW_CLUSTER_SLURM_TIMEOUT:-2s}
}

# cluster_test_state PREFIX: a fresh state dir readable by the cluster's users, in $state.
cluster_test_state() {
  state=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 0755 "$state"
}

fails=0
pass() { echo "PASS [${SECONDS}s]: $*"; }
fail() { echo "FAIL [${SECONDS}s]: $*"; fails=$((fails + 1)); }
check() { # DESCRIPTION COMMAND...
  local d="$1"; shift
  if "$@"; then pass "$d"; else fail "$d"; fi
}

wait_for() { # SECONDS COMMAND... : retries every quarter second until the command succeeds
  local t="$1" i; shift
  for ((i = 0; i < t * 4; i++)); do "$@" && return 0; sleep 0.25; done
  return 1
}

# cluster_test_stop CLUSTER_SCRIPT LINES: stops the cluster in $state, prints the last LINES of
# every log when a check failed, and removes $state.
cluster_test_stop() {
  "$1" stop --dir "$state" >/dev/null 2>&1 || true
  if ((fails)) && [[ -d $state/log ]]; then
    echo "---- logs of the failed run ($state/log) ----"
    for f in "$state"/log/*.log; do echo "== $f"; tail -n "$2" "$f"; done
  fi
  rm -rf "$state"
}
