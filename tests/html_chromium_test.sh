#!/usr/bin/env bash
# report.html in headless Chromium, as a reader sees it:
#
# 1. A fresh in-process run of manchester-2017 (seed 1): its first screen
#    says, for bilateral Manchester, that agency.us sanitised its copy for
#    agency.uk with the trust and threshold report.json gives, what became
#    of that copy (as report.json's copies say) and how many warnings arrived
#    too thin; for St Petersburg, how many copies agency.ru withheld. Every
#    figure is read from report.json, not written here.
# 2. That page and the page `tearline trace --html` makes of the checked-in
#    faulty recording: each handoff map's numbers (in, out, lost, in flight)
#    equal report.json's handoffs, and in every picture (maps, timelines,
#    histograms) no two labels' boxes overlap (getBoundingClientRect), none
#    is clipped and every font is at least 12 px.
#
# Installs Debian's chromium via scripts/setup --with-chromium when missing;
# fails (never skips) if that is impossible.
# Usage: html_chromium_test.sh TEARLINE_BINARY
set -euo pipefail

tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/chromium.sh
source "$source_dir/tests/chromium.sh"

status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}

# Renders $1 (report.html) with the measuring script into $2 (check.txt).
measure() {
  local page=$1 check=$2
  awk -v script="$source_dir/tests/report_page_measure.js" '
    /<\/body>/ { print "<script>"; while ((getline line < script) > 0) print line; print "</script>" }
    { print }' "$page" >"$page.measured.html"
  render_dom "$page.measured.html" "$page.dom.html"
  sed -n '/<pre id="page-check">/,/<\/pre>/p' "$page.dom.html" |
    sed 's/<[^>]*>//g; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g' >"$check"
}

# The maps' numbers against report.json $2, and the labels, of check $1.
check_pictures() {
  local check=$1 report=$2 name=$3
  jq -r '.modes | to_entries[] | .key as $mode | .value.handoffs[] |
    ["map", $mode, .name, .in, .out, .lost_total, .in_flight] | map(tostring) | join(" ")' \
    "$report" | sort >"$check.expected-map"
  grep '^map ' "$check" | sort >"$check.rendered-map" || true
  local entries problems
  entries=$(wc -l <"$check.expected-map")
  if ! diff "$check.expected-map" "$check.rendered-map" >&2; then
    fail "$name: the maps' numbers differ from report.json's handoffs"
  fi
  problems=$(grep -cE '^(overlap|small|clipped): ' "$check" || true)
  echo "$name: $entries map entries equal report.json's handoffs;" \
    "$(grep -o 'measured [0-9]* labels in [0-9]* pictures' "$check") - $problems problems"
  if ! grep -q 'measured [1-9][0-9]* labels' "$check" || ((entries == 0)); then
    fail "$name: nothing measured: $(head -c 2000 "$check")"
  fi
  if ((problems != 0)); then
    grep -E '^(overlap|small|clipped): ' "$check" | head -40 >&2
    fail "$name: $problems labels overlap, are clipped or smaller than 12 px"
  fi
}

# What the first screen says of plot $2 in mode $3, from check $1.
words_of() { grep -F "words $2 $3: " "$1" | head -1; }

# Whether text $1 holds $2; fails naming $3 otherwise.
says() {
  if [[ $1 != *"$2"* ]]; then
    fail "$3: the page does not say \"$2\"; it says: $1"
  else
    echo "$3: says \"$2\""
  fi
}

# 1. A real run.
run="$work/manchester"
"$tearline" run manchester-2017 --in-process --scale 0 --seed 1 --quiet --out "$run" >/dev/null
measure "$run/report.html" "$run/check.txt"
check_pictures "$run/check.txt" "$run/report.json" manchester-2017
report="$run/report.json"
manchester=plot.manchester-2017-05-22
stpetersburg=plot.stpetersburg-2017-04-03
plot() { jq --arg id "$2" ".modes.$1.plots[] | select(.id == \$id)" "$report"; }

words=$(words_of "$run/check.txt" "$manchester" bilateral)
# The sanitising at agency.us for agency.uk, with the policy's why.
decision=$(plot bilateral "$manchester" |
  jq -c '.degraded_at[] | select(.node == "agency.us" and .for == "agency.uk")')
[[ -n $decision ]] || fail "report.json: no sanitising at agency.us for agency.uk"
count=$(jq -r .count <<<"$decision")
trust=$(jq -r .trust <<<"$decision")
full=$(jq -r .full_trust_min <<<"$decision")
copies=$([[ $count == 1 ]] && echo "1 copy" || echo "$count copies")
says "$words" "agency.us sanitised $copies for agency.uk" "bilateral Manchester"
says "$words" "it trusts agency.uk at $trust, under the $full" "bilateral Manchester"
# What became of that copy: where report.json's copies say it ended.
copy=$(plot bilateral "$manchester" | jq -c '[.copies[] | select(.parent != "" and
  (.hops[0].handoff == "sharing@agency.us") and (any(.hops[]; .node == "agency.uk")))][0]')
fate=$(jq -r .fate <<<"$copy")
last=$(jq -r '.hops[-1].handoff' <<<"$copy")
case $fate in
  in_flight) says "$words" "still waiting in $last when the run ended" "bilateral Manchester" ;;
  delivered) says "$words" "reached $last" "bilateral Manchester" ;;
  *) says "$words" "$last" "bilateral Manchester" ;;
esac
# The too-thin arrivals.
thin=$(plot bilateral "$manchester" | jq '[.warnings_not_actionable[] | select(.actionable | not)] | length')
((thin > 0)) || fail "report.json: no too-thin warning in bilateral Manchester"
says "$words" "$thin warnings reached unit.manchester" "bilateral Manchester"
says "$words" "too thin to act on" "bilateral Manchester"
# St Petersburg: the withheld copies, partner by partner.
words=$(words_of "$run/check.txt" "$stpetersburg" bilateral)
while read -r partner withheld; do
  copies=$([[ $withheld == 1 ]] && echo "1 copy" || echo "$withheld copies")
  says "$words" "agency.ru withheld $copies from $partner" "bilateral St Petersburg"
done < <(plot bilateral "$stpetersburg" | jq -r '.withheld_at[] | "\(.for) \(.count)"')
total=$(plot bilateral "$stpetersburg" | jq '[.withheld_at[].count] | add')
((total > 0)) || fail "report.json: nothing withheld in bilateral St Petersburg"
# Coordinated Manchester: averted, with report.json's lead time.
words=$(words_of "$run/check.txt" "$manchester" coordinated)
says "$words" "averted" "coordinated Manchester"
[[ $(plot coordinated "$manchester" | jq .averted) == true ]] ||
  fail "report.json: coordinated Manchester not averted"

# 2. The page `tearline trace --html` makes of a faulty recording.
out="$work/faulty"
mkdir -p "$out"
"$tearline" trace "$source_dir/tests/data/recorded-faulty-run" --html "$out/report.html" 2>/dev/null
"$tearline" report "$source_dir/tests/data/recorded-faulty-run" --json >"$out/report.json" 2>/dev/null
measure "$out/report.html" "$out/check.txt"
check_pictures "$out/check.txt" "$out/report.json" recorded-faulty-run
exit $status
