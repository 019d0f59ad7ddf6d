#!/usr/bin/env bash
# Every script in scripts/faults/ against a live run of the small scenario:
# each succeeds, the run still accounts for every message, and each fails
# clearly once the run is over.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tearline="$1"
work=$(mktemp -d)
trap 'kill "$launcher" 2>/dev/null || true; rm -rf "$work"' EXIT
run="$work/run"
faults="$root/scripts/faults"

"$tearline" run small --mode coordinated --scale 60 --out "$run" --quiet >"$work/out" 2>&1 &
launcher=$!
for _ in $(seq 1 300); do  # Up to 30 s for the run to go live.
  [[ -f "$run/coordinated/nodes.json" && $(jq -r .live "$run/coordinated/nodes.json") == true ]] && break
  sleep 0.1
done
[[ $(jq -r .live "$run/coordinated/nodes.json") == true ]] || { echo "run never went live"; exit 1; }

for script in crash-restart-broker partition-agency slow-liaison stall-database flaky-links \
  sigkill sigstop sigcont; do
  help=$("$faults/$script" --help)
  [[ $help == "usage: scripts/faults/$script"* ]] || { echo "$script --help: $help"; exit 1; }
done
"$faults/partition-agency" "$run" agency.aa 0.2
"$faults/slow-liaison" "$run" agency.bb agency.aa 24 2
"$faults/stall-database" "$run" agency.bb
"$faults/flaky-links" "$run" 0.3 0.1 0.1
"$faults/sigstop" "$run" unit.south
"$faults/sigcont" "$run" unit.south
"$faults/sigkill" "$run" unit.north
# Last: while the broker restarts it refuses commands ("not started").
"$faults/crash-restart-broker" "$run" 6

wait "$launcher" && status=0 || status=$?
# A SIGKILL by a fault tool is a fault asked for, not a failure of the run.
[[ $status == 0 ]] || { echo "launcher exit $status"; cat "$work/out"; exit 1; }
unaccounted=$(jq '.modes.coordinated.messages.unaccounted' "$run/report.json")
[[ $unaccounted == 0 ]] || { echo "unaccounted $unaccounted"; exit 1; }
faults_seen=$(jq '.modes.coordinated.faults | length' "$run/report.json")
[[ $faults_seen -ge 8 ]] || { echo "only $faults_seen faults in the report"; exit 1; }
if "$faults/sigkill" "$run" broker 2>"$work/err"; then echo "sigkill after the run succeeded"; exit 1; fi
grep -q "is not live" "$work/err" || { cat "$work/err"; exit 1; }
echo "fault scripts: 8 passed, 0 failed"
