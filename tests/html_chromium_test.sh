#!/usr/bin/env bash
# Renders the HTML page (`tearline trace --html`) of each checked-in recording
# in headless Chromium and checks the rendered DOM holds one arrow element per
# transfer, and one crossed arrow per lost transfer, in each mode's sequence
# diagram. The expected counts are the Mermaid export's arrows ("->>" and
# "-x" lines) per mode section of the same trace ids, an independent
# exporter. Then checks the rendered geometry of the diagrams' labels,
# measured by the browser in a copy of the page with a script added: no two
# overlap, and none is clipped by its diagram's edges.
#
# Then the new report.html (traces/pages), made by REPORT_PAGE_BINARY from
# the report fixtures of tests/data/reports/pictures: in the rendered DOM,
# each handoff map's numbers (in, out, lost, in flight) equal report.json's
# handoffs, and in every picture (maps, timelines, histograms) no two labels'
# boxes overlap (getBoundingClientRect), none is clipped and every font is at
# least 12 px.
#
# Installs Debian's chromium via scripts/setup --with-chromium when missing;
# fails (never skips) if that is impossible.
# Usage: html_chromium_test.sh TEARLINE_BINARY REPORT_PAGE_BINARY
set -euo pipefail

tearline=$1
report_page=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/chromium.sh
source "$source_dir/tests/chromium.sh"

# Counts the elements matching awk regex $2 in mode $1's sequence svg of
# rendered DOM $3.
count_in_svg() {
  awk -v mode="$1" -v pattern="$2" '
    /<svg[^>]*class="sequence"/ {on = index($0, "data-mode=\"" mode "\"") > 0}
    on { n += gsub(pattern, "") }
    /<\/svg>/ {on = 0}
    END {print n + 0}' "$3"
}

# Counts the Mermaid lines matching regex $2 in mode $1's section of $3.
count_in_mermaid() {
  awk -v mode="$1" -v pattern="$2" '/^%% mode: /{on = ($3 == mode)} on && $0 ~ pattern' "$3" |
    wc -l
}

status=0
for run in recorded-run recorded-faulty-run; do
  out="$work/$run"
  mkdir -p "$out"
  "$tearline" trace "$source_dir/tests/data/$run" --html "$out/report.html" \
    --mermaid "$out/report.mermaid.md" 2>/dev/null
  render_dom "$out/report.html" "$out/dom.html"
  for mode in bilateral coordinated; do
    expected=$(count_in_mermaid "$mode" '->>' "$out/report.mermaid.md")
    expected_lost=$(count_in_mermaid "$mode" '-x' "$out/report.mermaid.md")
    rendered=$(count_in_svg "$mode" '<line class="arrow"' "$out/dom.html")
    rendered_lost=$(count_in_svg "$mode" '<line class="arrow lost"' "$out/dom.html")
    echo "$run $mode: $rendered arrows and $rendered_lost lost rendered," \
      "$expected and $expected_lost expected"
    if ((expected == 0 || rendered != expected || rendered_lost != expected_lost)); then
      echo "FAIL: $run $mode: rendered $rendered arrows and $rendered_lost lost," \
        "expected $expected and $expected_lost" >&2
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
  </script></body>|' "$out/report.html" >"$out/measured.html"
  render_dom "$out/measured.html" "$out/measured-dom.html"
  check=$(sed -n '/<pre id="label-check">/,/<\/pre>/p' "$out/measured-dom.html")
  measured=$(grep -o 'measured [0-9]* labels' <<<"$check" | wc -l)
  problems=$(grep -cE '(clipped|overlap): ' <<<"$check" || true)
  echo "$run labels: $(grep -o 'measured [0-9]* labels' <<<"$check" | tr '\n' ' ')- $problems problems"
  if ((measured != 2)); then
    echo "FAIL: $run: expected label measurements of 2 diagrams, got: $check" >&2
    status=1
  fi
  if ((problems != 0)); then
    grep -E '(clipped|overlap): ' <<<"$check" >&2
    echo "FAIL: $run: $problems labels overlap or are clipped" >&2
    status=1
  fi
done

# The new report.html of each report fixture with the facts it draws.
for fixture in "$source_dir"/tests/data/reports/pictures/*.report.json; do
  name=$(basename "$fixture" .report.json)
  out="$work/page-$name"
  mkdir -p "$out"
  "$report_page" "$fixture" --words >"$out/report.html"
  awk -v script="$source_dir/tests/report_page_measure.js" '
    /<\/body>/ { print "<script>"; while ((getline line < script) > 0) print line; print "</script>" }
    { print }' "$out/report.html" >"$out/measured.html"
  render_dom "$out/measured.html" "$out/dom.html"
  sed -n '/<pre id="page-check">/,/<\/pre>/p' "$out/dom.html" |
    sed 's/<[^>]*>//g; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g' >"$out/check.txt"
  # The map's numbers, as report.json has them.
  jq -r '.modes | to_entries[] | .key as $mode | .value.handoffs[] |
    ["map", $mode, .name, .in, .out, .lost_total, .in_flight] | map(tostring) | join(" ")' \
    "$fixture" | sort >"$out/expected-map.txt"
  grep '^map ' "$out/check.txt" | sort >"$out/rendered-map.txt" || true
  entries=$(wc -l <"$out/expected-map.txt")
  if ! diff "$out/expected-map.txt" "$out/rendered-map.txt" >"$out/map.diff"; then
    cat "$out/map.diff" >&2
    echo "FAIL: $name: the maps' numbers differ from report.json's handoffs" >&2
    status=1
  fi
  problems=$(grep -cE '^(overlap|small|clipped): ' "$out/check.txt" || true)
  echo "$name: $entries map entries equal report.json's handoffs;" \
    "$(grep -o 'measured [0-9]* labels in [0-9]* pictures' "$out/check.txt") - $problems problems"
  if ! grep -q 'measured [1-9][0-9]* labels' "$out/check.txt" || ((entries == 0)); then
    echo "FAIL: $name: nothing measured: $(head -c 2000 "$out/check.txt")" >&2
    status=1
  fi
  if ((problems != 0)); then
    grep -E '^(overlap|small|clipped): ' "$out/check.txt" | head -40 >&2
    echo "FAIL: $name: $problems labels overlap, are clipped or smaller than 12 px" >&2
    status=1
  fi
done
exit $status
