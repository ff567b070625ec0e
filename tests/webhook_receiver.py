#!/usr/bin/env python3
"""A tiny webhook receiver for tests/alerting_cluster_test.sh.

    webhook_receiver.py HOST PORT DIR

Listens on HOST:PORT (PORT 0: any free port) and appends the body of every POST, as one line of
compact JSON (the raw body when it is not JSON), to DIR/<first path segment>.jsonl: a POST to
/hub goes to DIR/hub.jsonl, to /alertmanager to DIR/alertmanager.jsonl, to / to DIR/root.jsonl.
Answers 200 with an empty body. Writes the port it listens on to DIR/port once it is ready.
"""
import http.server
import json
import os
import re
import sys
import threading


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            try:
                line = json.dumps(json.loads(body), separators=(",", ":"))
            except ValueError:
                line = body.decode("utf-8", "replace").replace("\n", " ")
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", self.path.strip("/").split("/")[0].split("?")[0]) or "root"
            with lock, open(os.path.join(out, name + ".jsonl"), "a") as f:
                f.write(line + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *args):  # one line per request on stderr
            sys.stderr.write("webhook_receiver: %s %s\n" % (self.address_string(), fmt % args))

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    with open(os.path.join(out, "port.tmp"), "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
