#!/usr/bin/env bash
# An insider in another language (tests/python_insider.py: pyzmq, protoc's
# classes, PyNaCl) holding members' stolen keys from <run>/keys/: what one
# member's key may not say is refused and traced with both identities, and
# the run's answer is a clean run's; a report it signs by PROTOCOL.md's
# canonical encoding alone verifies (so the text is enough to implement it).
# Exit 77 (skipped) where Debian's python3 lacks pyzmq, protobuf or nacl.
set -euo pipefail
tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
if ! "$python" -c 'import zmq, google.protobuf, nacl.signing' 2>/dev/null; then
  echo "SKIPPED: $python lacks python3-zmq, python3-protobuf or python3-nacl (scripts/setup installs them)"
  exit 77
fi
work=$(mktemp -d)
launcher=
cleanup() {
  [[ -n $launcher ]] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*"; exit 1; }

protoc --python_out="$work" -I "$source_dir/proto" "$source_dir"/proto/tearline/v1/*.proto
"$tearline" keys small "$work/keys" >/dev/null
run() {  # run NAME SCALE: a coordinated run of small with the shared keys
  "$tearline" run small --mode coordinated --scale "$2" --keys "$work/keys" --out "$work/$1" \
    --quiet 2>"$work/$1.err"
}
await_live() {  # bounded: 30 s
  for _ in $(seq 300); do
    jq -e .live "$work/$1/coordinated/nodes.json" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the run $1 did not come up"
}
answer() {  # what a run answers, without wall-clock figures
  jq -S '.modes.coordinated | {messages, lost_by_reason, exposure,
    plots: [.plots[] | {id, averted, first_actionable_at_h, first_actionable_msg, path}]}' \
    "$work/$1/report.json"
}

attacked() {  # attacked NAME: a paced run the insider attacks with ATTACK NAME; sets $status
  run "$1" 20 &
  launcher=$!
  await_live "$1"
  "$python" "$source_dir/tests/python_insider.py" "$work/$1" "$1" --proto-out "$work"
  status=0
  wait "$launcher" || status=$?
  launcher=
}

run reference 0 || fail "the reference run failed: $(cat "$work/reference.err")"

attacked refused
((status == 0)) || fail "the attacked run exited $status: $(cat "$work/refused.err")"
[[ $(answer refused) == "$(answer reference)" ]] || fail "the attacked run's answer differs"
traces=$work/refused/coordinated
if grep -l '"py-' "$traces"/*.trace.jsonl; then fail "an insider's message was taken in"; fi
rejected() {  # rejected NODE PEER CLAIMED REASON: that rejection is traced once
  local count
  count=$(jq -c "select(.kind == \"rejected\" and .peer == \"$2\" and .claimed == \"$3\" and .reason == \"$4\")" \
    "$traces/$1.trace.jsonl" | wc -l)
  ((count == 1)) || fail "$1 traced $count times: $4 from $2 claiming $3"
}
rejected broker unit.south agency.bb rejected:not-its-role
rejected unit.north broker agency.bb rejected:bad-signature
rejected agency.bb agency.aa agency.aa rejected:not-in-this-mode

# Two stolen keys (the centre's and agency.bb's signing key) make a warning
# that verifies: unit.north takes it in, and the run names it as a message
# no node created.
attacked signed
((status == 1)) || fail "the run with a forged, validly signed report exited $status"
grep -q "messages that no node created: py-signed" "$work/signed.err" ||
  fail "the run did not name py-signed: $(cat "$work/signed.err")"
jq -c 'select(.kind == "received" and .msg == "py-signed")' \
  "$work/signed/coordinated/unit.north.trace.jsonl" | grep -q . ||
  fail "unit.north did not take in the report Python signed: the encodings differ"
echo "python insider: 3 attempts refused and traced; a report signed in Python verified"
