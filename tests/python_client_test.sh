#!/usr/bin/env bash
# The Python example (proto/examples/python/tearline_status.py) joins a live
# run with the operator key the launcher issued and gets every node's status.
# Exit 77 (skipped) where Debian's python3 lacks pyzmq or protobuf.
set -euo pipefail
tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
if ! "$python" -c 'import zmq, google.protobuf' 2>/dev/null; then
  echo "SKIPPED: $python lacks python3-zmq or python3-protobuf (scripts/setup installs them)"
  exit 77
fi
work=$(mktemp -d)
launcher=
cleanup() {
  [[ -n $launcher ]] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

protoc --python_out="$work" -I "$source_dir/proto" "$source_dir"/proto/tearline/v1/*.proto
"$tearline" run small --mode coordinated --scale 40 --out "$work/run" --quiet 2>"$work/run.err" &
launcher=$!
for _ in $(seq 300); do
  [[ -f $work/run/coordinated/nodes.json ]] && jq -e .live "$work/run/coordinated/nodes.json" >/dev/null 2>&1 && break
  sleep 0.1
done
"$python" "$source_dir/proto/examples/python/tearline_status.py" "$work/run" --proto-out "$work" | tee "$work/status.out"
answered=$(grep -c "scenario hour" "$work/status.out")
[[ $answered -eq 5 ]] || { echo "FAILED: $answered of 5 nodes answered"; exit 1; }
wait "$launcher"
status=$?
launcher=
[[ $status -eq 0 ]] || { echo "FAILED: the run exited $status"; cat "$work/run.err"; exit 1; }
# The operator's status queries change nothing: no fault was traced.
if grep -l '"kind":"fault"' "$work"/run/coordinated/*.trace.jsonl; then
  echo "FAILED: a status query was traced as a fault"; exit 1
fi
echo "python client joined the run: $answered nodes answered"
