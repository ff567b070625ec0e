#!/usr/bin/env bash
# Checks the alert rule pack: promtool check rules (syntax, PromQL, templates) and promtool test
# rules (every alert's firing and silent cases, labels and expanded annotations).
# Usage: deploy/rules/check.sh   (PROMTOOL=/path/to/promtool to pick another binary)
# Exit: 0 pass, 1 fail, 77 promtool not installed (CTest reports the test as skipped).
set -euo pipefail

cd "$(dirname "$0")"
promtool="${PROMTOOL:-$(command -v promtool || true)}"
if [[ -z "$promtool" || ! -x "$promtool" ]]; then
  echo "check.sh: promtool not found (apt-get install prometheus, or set PROMTOOL); skipping" >&2
  exit 77
fi

"$promtool" check rules ./*.rules.yml
"$promtool" test rules tests/*.test.yml
