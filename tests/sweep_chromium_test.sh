#!/usr/bin/env bash
# Runs a small sweep (the small scenario, 2 values of a partner's trust x 3
# seeds, both modes, in process), renders its sweep.html in headless
# Chromium, and checks that the rendered DOM holds one "averted" chart per
# plot and parameter, and that each of its markers (mode, value) carries
# the runs and the runs averted that sweep.csv gives, counted here with awk.
# Installs Debian's chromium via scripts/setup --with-chromium when missing;
# fails (never skips) if that is impossible.
# Usage: sweep_chromium_test.sh TEARLINE_BINARY
set -euo pipefail

tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/chromium.sh
source "$source_dir/tests/chromium.sh"

(cd "$source_dir" && "$tearline" sweep small --set 'agency[0].partner[0].trust=0.3,0.9' \
  --seeds 1-3 --in-process --quiet --out "$work/sweep")
render_dom "$work/sweep/sweep.html" "$work/dom.html"

status=0
charts=$(grep -o '<svg class="averted"' "$work/dom.html" | wc -l)
if [[ $charts -ne 1 ]]; then
  echo "FAIL: $charts averted charts rendered, expected 1 (one plot, one parameter)" >&2
  status=1
fi
# sweep.csv columns: point,trust,seed,mode,run,exit,<plot>.averted,...
for mode in bilateral coordinated; do
  for value in 0.3 0.9; do
    expected=$(awk -F, -v mode="$mode" -v value="$value" \
      'NR > 1 && $4 == mode && $2 == value {runs++; averted += $7} END {print averted + 0, runs + 0}' \
      "$work/sweep/sweep.csv")
    marker=$(grep -o "data-mode=\"$mode\" data-value=\"$value\" data-averted=\"[0-9]*\" data-runs=\"[0-9]*\"" \
      "$work/dom.html" | sed -E 's/.*data-averted="([0-9]+)" data-runs="([0-9]+)"/\1 \2/')
    if [[ "$marker" != "$expected" ]]; then
      echo "FAIL: $mode, trust $value: the page shows averted/runs '$marker', sweep.csv '$expected'" >&2
      status=1
    fi
  done
done
[[ $status -eq 0 ]] && echo "sweep.html: 4 markers match sweep.csv"
exit $status
