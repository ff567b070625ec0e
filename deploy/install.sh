#!/usr/bin/env bash
# Installs GPU Watchdog from a build directory: the three daemons, their systemd units, default
# configs, the alert rule pack, the web dashboard, the Slurm prolog/epilog and the docs.
# Idempotent: run it again (e.g. after `git pull && make`) to upgrade. See --help and
# docs/operator-guide.md.
set -euo pipefail

usage() {
  cat <<EOF
Usage: deploy/install.sh [OPTIONS] [BUILD_DIR]

Installs GPU Watchdog from BUILD_DIR (default: build/release, else build/ci, else build/dev,
the first that holds the binaries) into the system:

  \$PREFIX/bin/                      gpuwatchdog, gpuwatchdog-gpu-exporter, gpuwatchdog-slurm-exporter
  \$PREFIX/share/gpuwatchdog/web/    the dashboard (web/dist), replaced as a whole
  \$PREFIX/share/gpuwatchdog/config/ the shipped default configs and rule pack, for comparison
  \$PREFIX/lib/gpuwatchdog/          the Slurm prolog and epilog (deploy/slurm/)
  \$PREFIX/share/doc/gpuwatchdog/    the operator guide and reference docs
  \$UNITDIR/                         gpuwatchdog{,-gpu-exporter,-slurm-exporter}.service
  /etc/gpuwatchdog/                  hub.yml, *.env, rules/*.rules.yml: only where missing,
                                     an existing file is never overwritten

Everything is written under \$DESTDIR when it is set (for packaging or a test root). Run as root
without DESTDIR, it also creates the system user and group "gpuwatchdog" and, where systemd is
running, reloads its units. It never enables, starts or restarts a service.

Options:
  --prefix DIR    install prefix (default: \$PREFIX, else /usr/local)
  --destdir DIR   staging root (default: \$DESTDIR, else none)
  --unitdir DIR   systemd unit directory (default: \$UNITDIR, else /etc/systemd/system)
  --no-user       do not create the gpuwatchdog user
  --no-web        do not install the dashboard
  -h, --help      this help

Exit status: 0 installed, 1 something was missing or failed, 2 bad usage.
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }
note() { echo "install.sh: $*"; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix="${PREFIX:-/usr/local}"
destdir="${DESTDIR:-}"
unitdir="${UNITDIR:-/etc/systemd/system}"
sysconfdir=/etc/gpuwatchdog
create_user=1
install_web=1
build=""

while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --prefix) [[ $# -ge 2 ]] || { echo "install.sh: --prefix needs a value" >&2; exit 2; }; prefix="$2"; shift ;;
    --prefix=*) prefix="${1#*=}" ;;
    --destdir) [[ $# -ge 2 ]] || { echo "install.sh: --destdir needs a value" >&2; exit 2; }; destdir="$2"; shift ;;
    --destdir=*) destdir="${1#*=}" ;;
    --unitdir) [[ $# -ge 2 ]] || { echo "install.sh: --unitdir needs a value" >&2; exit 2; }; unitdir="$2"; shift ;;
    --unitdir=*) unitdir="${1#*=}" ;;
    --no-user) create_user=0 ;;
    --no-web) install_web=0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [[ -z "$build" ]] || { echo "install.sh: one BUILD_DIR only (see --help)" >&2; exit 2; }; build="$1" ;;
  esac
  shift
done

[[ "$prefix" == /* ]] || { echo "install.sh: --prefix must be absolute: $prefix" >&2; exit 2; }
[[ "$unitdir" == /* ]] || { echo "install.sh: --unitdir must be absolute: $unitdir" >&2; exit 2; }
prefix="${prefix%/}"
if [[ -n "$destdir" ]]; then
  mkdir -p "$destdir"
  destdir=$(cd "$destdir" && pwd)
  [[ "$destdir" != / ]] || destdir=""
fi

binaries=(
  "src/hub/gpuwatchdog"
  "src/gpu_exporter/gpuwatchdog-gpu-exporter"
  "src/slurm_exporter/gpuwatchdog-slurm-exporter"
)
if [[ -z "$build" ]]; then
  for candidate in build/release build/ci build/dev; do
    if [[ -x "$repo/$candidate/${binaries[0]}" ]]; then build="$repo/$candidate"; break; fi
  done
  [[ -n "$build" ]] || die "no build found in build/release, build/ci or build/dev; run 'make' (or 'make PRESET=release') first, or name BUILD_DIR"
fi
[[ -d "$build" ]] || die "build directory $build does not exist"
build=$(cd "$build" && pwd)
for b in "${binaries[@]}"; do
  [[ -x "$build/$b" ]] || die "$build/$b is missing; build it first (make, or cmake --build $build)"
done

bindir="$prefix/bin"
sharedir="$prefix/share/gpuwatchdog"
libdir="$prefix/lib/gpuwatchdog"
docdir="$prefix/share/doc/gpuwatchdog"

# Fail early, with the reason, rather than halfway through with cp's error.
writable() {  # the directory, or its closest existing parent, is writable
  local d="$1"
  while [[ ! -e "$d" ]]; do d=$(dirname "$d"); done
  [[ -w "$d" ]]
}
for d in "$destdir$bindir" "$destdir$sharedir" "$destdir$unitdir" "$destdir$sysconfdir"; do
  writable "$d" || die "cannot write to ${d#"$destdir"}: run as root (sudo), or set DESTDIR"
done

# The units name /usr/local paths; point them at the prefix.
render_unit() { sed -e "s|/usr/local/|$prefix/|g" "$1"; }

# Copies a file atomically (temporary name, then rename), so that a running daemon or a reader
# of the config never sees half a file, and a running binary can be replaced ("text file busy").
put() {  # put MODE SRC DEST
  local mode="$1" src="$2" dest="$3" tmp
  mkdir -p "$(dirname "$dest")"
  if [[ -f "$dest" ]] && cmp -s "$src" "$dest"; then
    chmod "$mode" "$dest"
    return 0
  fi
  tmp="$(dirname "$dest")/.$(basename "$dest").install-tmp"
  cp "$src" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
}

# A config file: installed only where none exists. A differing existing one is kept, and the
# shipped default stays in $sharedir/config for comparison.
put_config() {  # put_config MODE SRC DEST
  local mode="$1" src="$2" dest="$3"
  if [[ -e "$dest" ]]; then
    if ! cmp -s "$src" "$dest"; then
      note "kept ${dest#"$destdir"} (yours differs from the default; compare: diff ${dest#"$destdir"} $sharedir/config/${dest#"$destdir$sysconfdir/"})"
    fi
    return 0
  fi
  put "$mode" "$src" "$dest"
  note "installed ${dest#"$destdir"}"
}

# --- binaries ---------------------------------------------------------------------------------
for b in "${binaries[@]}"; do
  put 0755 "$build/$b" "$destdir$bindir/$(basename "$b")"
done
note "installed binaries in $bindir (from $build)"

# --- the dashboard ----------------------------------------------------------------------------
if ((install_web)); then
  if [[ -f "$repo/web/dist/index.html" ]]; then
    web="$destdir$sharedir/web"
    mkdir -p "$(dirname "$web")"
    # Replaced as a whole: built asset names carry content hashes, so old ones would pile up.
    rm -rf "$web.install-new" "$web.install-old"
    cp -R "$repo/web/dist" "$web.install-new"
    chmod -R u=rwX,go=rX "$web.install-new"
    [[ ! -e "$web" ]] || mv "$web" "$web.install-old"
    mv "$web.install-new" "$web"
    rm -rf "$web.install-old"
    note "installed the dashboard in $sharedir/web"
  else
    note "web/dist is not built (make web, needs Node >= 20.19): the hub will serve a page saying so"
  fi
fi

# --- shipped defaults, the Slurm prolog/epilog, docs ------------------------------------------
for f in hub.yml hub.env gpu-exporter.env slurm-exporter.env; do
  put 0644 "$repo/deploy/config/$f" "$destdir$sharedir/config/$f"
done
for f in "$repo"/deploy/rules/*.rules.yml; do
  put 0644 "$f" "$destdir$sharedir/config/rules/$(basename "$f")"
done
for f in "$repo"/deploy/slurm/*.sh; do
  put 0755 "$f" "$destdir$libdir/$(basename "$f")"
done
for f in operator-guide.md configuration.md alerting.md metrics.md api.md; do
  [[ ! -f "$repo/docs/$f" ]] || put 0644 "$repo/docs/$f" "$destdir$docdir/$f"
done
[[ ! -f "$repo/deploy/rules/README.md" ]] || put 0644 "$repo/deploy/rules/README.md" "$destdir$docdir/rules.md"

# --- systemd units (always replaced: local changes belong in drop-ins) ------------------------
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
for u in gpuwatchdog.service gpuwatchdog-gpu-exporter.service gpuwatchdog-slurm-exporter.service; do
  render_unit "$repo/deploy/systemd/$u" >"$tmpdir/$u"
  put 0644 "$tmpdir/$u" "$destdir$unitdir/$u"
done
note "installed units in $unitdir"

# --- configs in /etc/gpuwatchdog (never overwritten) ------------------------------------------
mkdir -p "$destdir$sysconfdir/rules"
chmod 0755 "$destdir$sysconfdir" "$destdir$sysconfdir/rules"
put_config 0644 "$repo/deploy/config/hub.yml" "$destdir$sysconfdir/hub.yml"
for f in hub.env gpu-exporter.env slurm-exporter.env; do
  put_config 0644 "$repo/deploy/config/$f" "$destdir$sysconfdir/$f"
done
for f in "$repo"/deploy/rules/*.rules.yml; do
  put_config 0644 "$f" "$destdir$sysconfdir/rules/$(basename "$f")"
done

# --- the system user, and systemd (only on the live system) -----------------------------------
if [[ -z "$destdir" && $(id -u) -eq 0 ]]; then
  if ((create_user)) && ! getent passwd gpuwatchdog >/dev/null; then
    nologin=$(command -v nologin || echo /usr/sbin/nologin)
    if command -v useradd >/dev/null; then
      getent group gpuwatchdog >/dev/null || groupadd --system gpuwatchdog
      useradd --system --gid gpuwatchdog --home-dir /var/lib/gpuwatchdog --no-create-home \
        --shell "$nologin" --comment "GPU Watchdog" gpuwatchdog
    elif command -v adduser >/dev/null; then
      adduser --system --group --home /var/lib/gpuwatchdog --no-create-home \
        --shell "$nologin" --gecos "GPU Watchdog" gpuwatchdog
    else
      die "cannot create the user gpuwatchdog (no useradd or adduser); create it, then rerun"
    fi
    note "created the system user gpuwatchdog"
  fi
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    systemctl daemon-reload
    note "systemctl daemon-reload done"
  fi
elif [[ -z "$destdir" ]]; then
  note "not root: the user gpuwatchdog was not created and systemd was not reloaded"
fi

cat <<EOF
install.sh: done. Next (docs/operator-guide.md):
  head node:  systemctl enable --now gpuwatchdog-slurm-exporter gpuwatchdog
  GPU nodes:  systemctl enable --now gpuwatchdog-gpu-exporter
              and in slurm.conf: Prolog=$libdir/gpuwatchdog-prolog.sh
                                 Epilog=$libdir/gpuwatchdog-epilog.sh
  after an upgrade: systemctl restart the services that run here
EOF
