# Shared by the fault scripts: where `tearline` is, and the live run's nodes.
# Sourced, not run.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tearline="$root/build/bin/tearline"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Checks that `tearline` is built and RUN_DIR is a live run; sets live_nodes_json.
require_live_run() {
  local run_dir=$1
  [[ -x "$tearline" ]] || die "build/bin/tearline is not built; run scripts/build first"
  [[ -d "$run_dir" ]] || die "$run_dir is not a run directory"
  live_nodes_json=""
  local file
  for file in "$run_dir"/*/nodes.json; do
    [[ -f "$file" ]] || continue
    if [[ $(jq -r '.live' "$file") == "true" ]] && kill -0 "$(jq -r '.launcher_pid' "$file")" 2>/dev/null; then
      live_nodes_json=$file
    fi
  done
  [[ -n "$live_nodes_json" ]] || die "the run in $run_dir is not live: no launcher is running it"
}

# The node names of the live run, one a line.
live_nodes() { jq -r '.nodes[].name' "$live_nodes_json"; }
