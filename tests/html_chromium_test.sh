#!/usr/bin/env bash
# Renders the recorded run's HTML page (`tearline trace --html`) in headless
# Chromium and checks the rendered DOM holds one arrow element per transfer in
# each mode's sequence diagram. The expected counts are the Mermaid export's
# transfer arrows ("->>" lines) per mode section of the same trace ids, an
# independent exporter. Installs Debian's chromium via scripts/setup
# --with-chromium when missing; fails (never skips) if that is impossible.
# Usage: html_chromium_test.sh TEARLINE_BINARY
set -euo pipefail

tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
run="$source_dir/tests/data/recorded-run"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$source_dir/scripts/setup" --with-chromium >"$work/setup.log" 2>&1 ||
   ! command -v chromium >/dev/null; then
  cat "$work/setup.log" >&2
  echo "FAIL: chromium is not installed and scripts/setup --with-chromium could not install it" >&2
  exit 1
fi

"$tearline" trace "$run" --html "$work/report.html" --mermaid "$work/report.mermaid.md"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --dump-dom "file://$work/report.html" \
  >"$work/dom.html" 2>"$work/chromium.log" || {
  cat "$work/chromium.log" >&2
  echo "FAIL: chromium could not render $work/report.html" >&2
  exit 1
}

status=0
for mode in bilateral coordinated; do
  # Mermaid: the "->>" arrows between "%% mode: <mode>" and the next section.
  expected=$(awk -v mode="$mode" '/^%% mode: /{on = ($3 == mode)} on && /->>/' \
    "$work/report.mermaid.md" | wc -l)
  # Rendered DOM: the <line class="arrow"> elements of that mode's sequence svg.
  rendered=$(awk -v mode="$mode" '
    /<svg[^>]*class="sequence"/ {on = index($0, "data-mode=\"" mode "\"") > 0}
    on { n += gsub(/<line class="arrow"/, "") }
    /<\/svg>/ {on = 0}
    END {print n + 0}' "$work/dom.html")
  lost=$(grep -c 'class="arrow lost"' "$work/dom.html" || true)
  echo "$mode: $rendered arrows rendered, $expected transfers expected (lost arrows: $lost)"
  if ((expected == 0 || rendered != expected)); then
    echo "FAIL: $mode: rendered $rendered arrows, expected $expected" >&2
    status=1
  fi
done
exit $status
