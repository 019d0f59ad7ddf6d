#!/usr/bin/env bash
# The live view in headless Chromium: runs scenarios/small.toml, both modes,
# paced (25 ms per scenario hour, about 12 s), with --live 0, opens the page
# through chromedriver while the run goes, and checks (live_page_watch.py)
# that its counters and its handoff maps move, and that when the run ends
# the page shows the report's figures: on the maps and in the counters every
# handoff's in, out, losses (by reason, in the counters) and in flight, and
# each plot's state. Installs Debian's chromium and chromedriver
# via scripts/setup --with-chromium when missing; fails (never skips) if
# that is impossible.
# Usage: live_chromium_test.sh TEARLINE_BINARY
set -euo pipefail

tearline=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
run_pid=
cleanup() {
  [[ -n "$run_pid" ]] && kill "$run_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=tests/chromium.sh
source "$source_dir/tests/chromium.sh"
if ! command -v chromedriver >/dev/null; then
  echo "FAIL: chromedriver is not installed (scripts/setup --with-chromium installs it)" >&2
  exit 1
fi

(cd "$source_dir" && exec "$tearline" run small --live 0 --scale 25 --out "$work/run" --quiet) \
  2>"$work/run.err" &
run_pid=$!
# The launcher names its page before the first mode starts.
url=
for ((i = 0; i < 200; i++)); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/run.err" || true)
  [[ -n "$url" ]] && break
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$work/run.err" >&2
  echo "FAIL: tearline run --live 0 did not print its page's address" >&2
  exit 1
fi
echo "live view at $url"

status=0
python3 "$source_dir/tests/live_page_watch.py" "$url" "$work/run" "$work/profile" || status=1
run_status=0
wait "$run_pid" || run_status=$?
run_pid=
if [[ $run_status -ne 0 ]]; then
  cat "$work/run.err" >&2
  echo "FAIL: tearline run --live exited $run_status" >&2
  status=1
fi
[[ $status -eq 0 ]] && echo "PASS: the live page's maps and counters moved with the run and ended at the report's figures"
exit $status
