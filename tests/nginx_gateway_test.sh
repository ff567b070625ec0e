#!/usr/bin/env bash
# deploy/nginx/gpuwatchdog.conf end to end with Debian's nginx: the file is rendered with sed
# (loopback ports, a self-signed certificate made here with openssl, the hub's address) into a
# private nginx (-p/-c in a temp dir, `daemon off;`, its own pid, logs and temp paths) in front of
# a real hub that scrapes its own /metrics every second. Checked through the gateway with
# curl --cacert: /-/ready, TLS 1.2/1.3 only, /api/v1/query answering exactly what the hub
# answers, a remote_write push (a real snappy + protobuf body, and a 2 MiB bad one whose 400
# comes back unchanged rather than nginx's 413), the dashboard gzipped, the HTTP -> HTTPS
# redirect, and the Server-Sent Events stream arriving event by event (not buffered) over
# HTTP/2 and HTTP/1.1.
#   tests/nginx_gateway_test.sh BUILD_DIR
# Skips (exit 77) without nginx, openssl, curl or python3 (scripts/install-deps installs them).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: tests/nginx_gateway_test.sh BUILD_DIR}" && pwd) || exit 2
hub_bin=$build/src/hub/gpuwatchdog
template=$repo/deploy/nginx/gpuwatchdog.conf
name=gpuwatchdog.example.org # the template's server_name, resolved to loopback by curl
export PATH="$PATH:/usr/sbin:/sbin"

skip() { echo "SKIP: $*"; exit 77; }
for bin in nginx openssl curl python3; do
  command -v "$bin" >/dev/null || skip "$bin not installed (scripts/install-deps)"
done
[[ -x $hub_bin ]] || { echo "FAIL: $hub_bin missing (build it first)"; exit 1; }

# pass, fail, check, wait_for
# shellcheck source=tests/cluster_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster_test_lib.sh"

tmp=$(mktemp -d /tmp/gwnginx.XXXXXX)
hub_pid="" nginx_pid="" sse_pids=()
stop_pid() { # PID: TERM, then KILL after 5 s; only our own children
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  local p
  for p in "${sse_pids[@]}"; do stop_pid "$p"; done
  stop_pid "$nginx_pid"
  stop_pid "$hub_pid"
  if ((fails)); then
    echo "---- logs of the failed run ----"
    for f in "$tmp"/gpuwatchdog.conf "$tmp"/*.log "$tmp"/sse-*.out; do
      [[ -f $f ]] && { echo "== $f"; tail -n 40 "$f"; }
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- ports, certificate, configs -------------------------------------------------------------
read -r hub_port http_port https_port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
hub_addr=127.0.0.1:$hub_port
hub=http://$hub_addr
gw=https://$name:$https_port
# curl through the gateway: the test's CA, the template's name pointed at loopback.
gcurl() {
  curl -s --max-time 10 --cacert "$tmp/cert.pem" \
    --resolve "$name:$https_port:127.0.0.1" --resolve "$name:$http_port:127.0.0.1" "$@"
}

if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >"$tmp/openssl.log" 2>&1; then
  pass "openssl made a self-signed certificate for $name"
else
  fail "openssl req -x509"
  exit 1
fi

# Render the template: every line replaced must be there, so a drifted template fails here.
render_ok=1
need() { grep -qF -- "$1" "$template" || { fail "the template lacks the line: $1"; render_ok=0; }; }
need 'listen 80;'
need 'listen [::]:80;'
need 'listen 443 ssl http2;'
need 'listen [::]:443 ssl http2;'
# shellcheck disable=SC2016 # literal nginx variables
need 'return 301 https://$host$request_uri;'
need 'ssl_certificate     /etc/ssl/gpuwatchdog/fullchain.pem;'
need 'ssl_certificate_key /etc/ssl/gpuwatchdog/privkey.pem;'
need 'server 127.0.0.1:3000;'
((render_ok)) || exit 1
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
  -e '/listen \[::\]:80;/d' \
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
  -e '/listen \[::\]:443 ssl http2;/d' \
  -e "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$https_port\$request_uri;|" \
  -e "s|/etc/ssl/gpuwatchdog/fullchain.pem|$tmp/cert.pem|" \
  -e "s|/etc/ssl/gpuwatchdog/privkey.pem|$tmp/key.pem|" \
  -e "s|server 127.0.0.1:3000;|server $hub_addr;|" \
  "$template" >"$tmp/gpuwatchdog.conf"

mkdir -p "$tmp"/{client_body,proxy,fastcgi,uwsgi,scgi}
{
  # As root nginx's workers would run as nobody, who cannot write to the temp dir (0700);
  # as anyone else the directive is ignored with a warning, so it is left out.
  [[ $(id -u) -eq 0 ]] && echo "user root;"
  cat <<EOF
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log info;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $tmp/nginx-access.log;
  client_body_temp_path $tmp/client_body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  include $tmp/gpuwatchdog.conf;
}
EOF
} >"$tmp/nginx.conf"

cat >"$tmp/hub.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: hub
    static_configs:
      - targets: ["$hub_addr"]
EOF

# ---- the hub and nginx -----------------------------------------------------------------------
ui_args=()
[[ -f $repo/web/dist/index.html ]] && ui_args=(--web.ui-path="$repo/web/dist")
"$hub_bin" --config.file="$tmp/hub.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address="$hub_addr" "${ui_args[@]}" >"$tmp/hub.log" 2>&1 &
hub_pid=$!
check "the hub is ready on $hub" wait_for 15 curl -sf -o /dev/null "$hub/-/ready"

check "nginx -t accepts the rendered deploy/nginx/gpuwatchdog.conf" \
  nginx -t -q -p "$tmp/" -c "$tmp/nginx.conf"
nginx -p "$tmp/" -c "$tmp/nginx.conf" >"$tmp/nginx-stderr.log" 2>&1 &
nginx_pid=$!
check "nginx serves /-/ready over TLS ($gw, certificate checked)" \
  wait_for 10 gcurl -f -o /dev/null "$gw/-/ready"
if ((fails)); then exit 1; fi

# ---- TLS -------------------------------------------------------------------------------------
check "TLS 1.3 is accepted" gcurl -f -o /dev/null --tlsv1.3 "$gw/-/healthy"
check "TLS 1.2 is accepted" gcurl -f -o /dev/null --tlsv1.2 --tls-max 1.2 "$gw/-/healthy"
# The client allows TLS 1.1 (SECLEVEL=0), so a failed handshake is the server's refusal (by
# ssl_protocols; Debian 12's OpenSSL, at its default security level, refuses it as well).
tls11_refused() {
  ! openssl s_client -connect "127.0.0.1:$https_port" -servername "$name" -tls1_1 \
    -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >"$tmp/tls11.log" 2>&1
}
check "TLS 1.1 is refused" tls11_refused
hsts=$(gcurl -o /dev/null -D - "$gw/-/healthy" | tr -d '\r' | grep -i '^strict-transport-security:')
check "HSTS is sent ($hsts)" test -n "$hsts"

# ---- HTTP -> HTTPS ---------------------------------------------------------------------------
redirect=$(gcurl -o /dev/null -w '%{http_code} %{redirect_url}' \
  "http://$name:$http_port/api/v1/query?query=up")
check "plain HTTP redirects to HTTPS ($redirect)" \
  test "$redirect" == "301 https://$name:$https_port/api/v1/query?query=up"
check "the redirect, followed, answers the query" \
  gcurl -f -L -o /dev/null "http://$name:$http_port/api/v1/query?query=up"

# ---- the query API ---------------------------------------------------------------------------
has_up() { curl -sf "$hub/api/v1/query?query=up" | grep -q '"value"'; }
check "the hub has scraped itself (up has a value)" wait_for 10 has_up
t=$(date +%s)
for q in "up" "count(up)" "rate(gw_tsdb_head_samples_appended_total[10s])" "bad(("; do
  direct=$(curl -s --get "$hub/api/v1/query" --data-urlencode "query=$q" --data-urlencode "time=$t" \
    -w '\n%{http_code}')
  via=$(gcurl --compressed --get "$gw/api/v1/query" --data-urlencode "query=$q" \
    --data-urlencode "time=$t" -w '\n%{http_code}')
  check "/api/v1/query?query=$q answers the same through nginx ($(tail -n1 <<<"$via"))" \
    test -n "$direct" -a "$direct" == "$via"
done
# A large answer comes gzipped (from the hub, or nginx's gzip when the hub did not).
enc=$(gcurl -o /dev/null -D - -H 'Accept-Encoding: gzip' "$gw/metrics" | tr -d '\r' |
  grep -i '^content-encoding:')
check "/metrics comes gzipped through nginx ($enc)" grep -qi gzip <<<"$enc"

# ---- remote_write ----------------------------------------------------------------------------
# A WriteRequest with one sample, protobuf encoded by hand and snappy-compressed with literal
# blocks only (valid snappy; docs/formats/remote-write.md).
python3 - "$tmp/write.bin" "$tmp/big.bin" <<'EOF'
import struct, sys, time
def varint(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
def label(k, v): return ld(1, ld(1, k.encode()) + ld(2, v.encode()))
sample = ld(2, b"\x09" + struct.pack("<d", 42.5) + b"\x10" + varint(int(time.time() * 1000)))
series = label("__name__", "nginx_gateway_test_value") + label("job", "nginx-test") + sample
raw = ld(1, series)
body = varint(len(raw))
for i in range(0, len(raw), 60):
    chunk = raw[i:i + 60]
    body += bytes([(len(chunk) - 1) << 2]) + chunk
open(sys.argv[1], "wb").write(body)
# 2 MiB that is no snappy: past nginx's default 1 MiB body limit, under the hub's 32 MiB.
open(sys.argv[2], "wb").write(b"\xff" * (2 << 20))
EOF
rw_headers=(-H 'Content-Encoding: snappy' -H 'Content-Type: application/x-protobuf'
  -H 'X-Prometheus-Remote-Write-Version: 0.1.0')
code=$(gcurl -o "$tmp/write.out" -w '%{http_code}' "${rw_headers[@]}" --data-binary "@$tmp/write.bin" \
  "$gw/api/v1/write")
check "a remote_write push through nginx is accepted ($code)" test "$code" == 204
pushed() {
  gcurl -f --get "$gw/api/v1/query" --data-urlencode 'query=nginx_gateway_test_value{job="nginx-test"}' |
    grep -q '"42.5"'
}
check "the pushed sample is queryable through nginx" wait_for 5 pushed
direct=$(curl -s -w '\n%{http_code}' "${rw_headers[@]}" --data-binary "@$tmp/big.bin" "$hub/api/v1/write")
via=$(gcurl -w '\n%{http_code}' "${rw_headers[@]}" --data-binary "@$tmp/big.bin" "$gw/api/v1/write")
check "a 2 MiB bad remote_write body gets the hub's own 400 (got $(tail -n1 <<<"$via"); nginx's limit would be 413)" \
  test -n "$direct" -a "$direct" == "$via" -a "$(tail -n1 <<<"$via")" == 400

# ---- the dashboard ---------------------------------------------------------------------------
if [[ -f $repo/web/dist/index.html ]]; then
  gcurl -o "$tmp/index.gz" -D "$tmp/index.headers" -H 'Accept-Encoding: gzip' "$gw/"
  check "the dashboard's index comes gzipped" grep -qi '^content-encoding: *gzip' "$tmp/index.headers"
  index_same() { gzip -dc "$tmp/index.gz" | cmp -s - "$repo/web/dist/index.html"; }
  check "and decompresses to web/dist/index.html" index_same
else
  echo "NOTE: web/dist/index.html missing (make web): dashboard checks skipped"
fi

# ---- Server-Sent Events ----------------------------------------------------------------------
# Two distinct `event: samples` (a second apart at least) must arrive while the stream is open:
# events trickle through one by one instead of waiting for a buffer or the end of the response.
sse_check() { # LABEL CURL_ARGS...
  local label=$1; shift
  local out=$tmp/sse-$label.out hdr=$tmp/sse-$label.headers
  gcurl -N --max-time 12 -D "$hdr" "$@" "$gw/api/v1/stream" >"$out" 2>/dev/null &
  local pid=$!
  sse_pids+=("$pid")
  two_events() { (($(grep -c '^event: samples' "$out") >= 2)); }
  check "SSE ($label): an event: samples arrives through nginx within 5 s" \
    wait_for 5 grep -q '^event: samples' "$out"
  check "SSE ($label): a second one follows on the open stream within 4 s" wait_for 4 two_events
  check "SSE ($label): still streaming (curl has not finished)" kill -0 "$pid"
  check "SSE ($label): the stream starts with retry:" grep -q '^retry: ' <(head -n1 "$out")
  check "SSE ($label): text/event-stream, not gzipped" \
    bash -c "grep -qi '^content-type: *text/event-stream' '$hdr' && ! grep -qi '^content-encoding' '$hdr'"
  stop_pid "$pid"
}
sse_check http2 -H 'Accept-Encoding: gzip'
grep -q '^HTTP/2 200' "$tmp/sse-http2.headers" && pass "SSE (http2) went over HTTP/2" ||
  echo "NOTE: curl did not use HTTP/2 for the stream ($(head -n1 "$tmp/sse-http2.headers"))"
sse_check http1.1 --http1.1 -H 'Accept-Encoding: gzip'

echo "---- $fails failure(s) ----"
((fails == 0))
