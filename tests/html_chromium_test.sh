#!/usr/bin/env bash
# Renders the recorded run's HTML page (`tearline trace --html`) in headless
# Chromium and checks the rendered DOM holds one arrow element per transfer in
# each mode's sequence diagram. The expected counts are the Mermaid export's
# transfer arrows ("->>" lines) per mode section of the same trace ids, an
# independent exporter. Then checks the rendered geometry of the diagrams'
# labels, measured by the browser in a copy of the page with a script added:
# no two overlap, and none is clipped by its diagram's edges. Installs Debian's chromium via scripts/setup
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

# Renders page $1 headless and writes its DOM, after scripts ran, to $2.
render_dom() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$1" >"$2" 2>"$work/chromium.log" || {
    cat "$work/chromium.log" >&2
    echo "FAIL: chromium could not render $1" >&2
    exit 1
  }
}

"$tearline" trace "$run" --html "$work/report.html" --mermaid "$work/report.mermaid.md"
render_dom "$work/report.html" "$work/dom.html"

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
# The page has no script of its own; the copy measures every label's box.
sed 's|</body>|<script>\
const problems = [];\
for (const svg of document.querySelectorAll("svg.sequence")) {\
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;\
  const boxes = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBBox()]);\
  for (const [text, b] of boxes) {\
    if (b.x < 0 \|\| b.y < 0 \|\| b.x + b.width > width \|\| b.y + b.height > height)\
      problems.push("clipped: " + text);\
  }\
  for (let i = 0; i < boxes.length; ++i) {\
    for (let j = i + 1; j < boxes.length; ++j) {\
      const [a, p] = boxes[i], [c, q] = boxes[j];\
      if (p.x < q.x + q.width \&\& q.x < p.x + p.width \&\& p.y < q.y + q.height \&\& q.y < p.y + p.height)\
        problems.push("overlap: " + a + " / " + c);\
    }\
  }\
  problems.push("measured " + boxes.length + " labels");\
}\
const out = document.createElement("pre");\
out.id = "label-check";\
out.textContent = problems.join("\\n");\
document.body.appendChild(out);\
</script></body>|' "$work/report.html" >"$work/measured.html"
render_dom "$work/measured.html" "$work/measured-dom.html"
check=$(sed -n '/<pre id="label-check">/,/<\/pre>/p' "$work/measured-dom.html")
measured=$(grep -o 'measured [0-9]* labels' <<<"$check" | wc -l)
problems=$(grep -cE '(clipped|overlap): ' <<<"$check" || true)
echo "labels: $(grep -o 'measured [0-9]* labels' <<<"$check" | tr '\n' ' ')- $problems problems"
if ((measured != 2)); then
  echo "FAIL: expected label measurements of 2 diagrams, got: $check" >&2
  status=1
fi
if ((problems != 0)); then
  grep -E '(clipped|overlap): ' <<<"$check" >&2
  echo "FAIL: $problems labels overlap or are clipped" >&2
  status=1
fi
exit $status
