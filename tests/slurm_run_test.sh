#!/usr/bin/env bash
# `tearline run --slurm` in a real (single-node) Slurm cluster: the small
# scenario's nodes as job steps inside `salloc`, over tcp:// with CURVE, give
# the report the same keys give on one machine over ipc://, without faults
# and with a chaos schedule (its SIGKILLs and SIGSTOPs go through Slurm);
# no step is left once the run is over. Needs root (slurmd starts steps as
# their user) and Slurm (scripts/setup --with-slurm): exits 77, skipped,
# with the reason, without them.
set -euo pipefail
usage="usage: tests/slurm_run_test.sh TEARLINE

Starts a single-node Slurm cluster in a temporary folder (slurmctld on
port 17017: SLURM_CLUSTER_PORT), runs the small scenario with --slurm inside
salloc and over ipc://, compares the reports, stops and removes the
cluster. Exit 0 passed, 1 failed, 2 bad usage, 77 skipped."
[[ "${1:-}" == "--help" ]] && { echo "$usage"; exit 0; }
[[ $# -eq 1 && -x "$1" ]] || { echo "$usage" >&2; exit 2; }
tearline=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)

[[ $(id -u) -eq 0 ]] || { echo "SKIPPED: needs root (slurmd starts job steps as their user)"; exit 77; }
for program in munged slurmctld slurmd salloc srun squeue jq; do
  command -v "$program" >/dev/null ||
    { echo "SKIPPED: no $program (scripts/setup --with-slurm)"; exit 77; }
done

work=$(mktemp -d /tmp/tearline-slurm-run.XXXXXX)
export SLURM_CLUSTER_PORT=17017
cleanup() {
  timeout 60 "$root/scripts/slurm-cluster" stop "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

timeout 60 "$root/scripts/slurm-cluster" start "$work/cluster"
eval "$("$root/scripts/slurm-cluster" env "$work/cluster")"
"$tearline" keys small "$work/keys" 2>/dev/null

# Inside the allocation: the runs, then no step of theirs may be left.
cat >"$work/in-allocation.sh" <<'INSIDE'
set -euo pipefail
tearline=$1 work=$2
for run in plain chaos; do
  options=(--quiet --no-html --keys "$work/keys")
  [[ $run == chaos ]] && options+=(--chaos 3)
  start=$(date +%s%N)
  "$tearline" run small --slurm "${options[@]}" --out "$work/slurm-$run"
  echo "slurm $run: $((($(date +%s%N) - start) / 1000000)) ms"
done
# A step ends shortly after its srun (Slurm clears it): at most 10 s.
for _ in $(seq 50); do
  [[ -z $(squeue --steps --noheader --jobs="$SLURM_JOB_ID" --format=%j | grep '^tearline-' || true) ]] && exit 0
  sleep 0.2
done
echo "steps left behind:"; squeue --steps --jobs="$SLURM_JOB_ID"
exit 1
INSIDE
timeout 150 salloc -N1 --quiet --time=5 bash "$work/in-allocation.sh" "$tearline" "$work" ||
  fail "the --slurm runs"

for run in plain chaos; do
  options=(--quiet --no-html --keys "$work/keys")
  [[ $run == chaos ]] && options+=(--chaos 3)
  start=$(date +%s%N)
  timeout 120 "$tearline" run small "${options[@]}" --out "$work/ipc-$run" || fail "the ipc $run run"
  echo "ipc $run: $((($(date +%s%N) - start) / 1000000)) ms"
done

grep -q 'tcp://127.0.0.1:' "$work/slurm-plain/hosts.toml" || fail "no tcp:// endpoints in hosts.toml"
grep -q "'srun', '--overlap'" "$work/slurm-plain/hosts.toml" || fail "no srun wrappers in hosts.toml"
[[ $(stat -c %a "$work/slurm-plain/hosts.toml") == 600 ]] || fail "hosts.toml is not private"
# The report less its wall-clock parts (as scripts/behaviour-snapshot).
normalised() {
  jq -S 'walk(if type == "object" then with_entries(select((.key | test("wall")) or .key == "nodes" or .key == "run_dir" | not)) else . end)' "$1/report.json"
}
for run in plain chaos; do
  diff <(normalised "$work/slurm-$run") <(normalised "$work/ipc-$run") >"$work/$run.diff" ||
    { head -40 "$work/$run.diff" >&2; fail "the $run reports differ"; }
done
[[ -z $(squeue --steps --noheader) ]] || fail "steps left after the allocation"
echo "PASSED"
