#!/usr/bin/env bash
# `tearline sweep --slurm` without sbatch on PATH says so (exit 2); and on
# a single-node Slurm cluster of its own
# (scripts/slurm-cluster, port 16917, all its state in a temporary folder,
# stopped and removed on every exit): the small scenario, 2 values of a
# partner's trust x 2 seeds, coordinated, 2 runs a task, through Slurm and
# here; the two sweep.csv must be the same bytes. Then: the same --slurm
# command again submits nothing and exits 0 with the same CSV; a sweep
# interrupted (SIGINT) once its jobs are queued exits 130 with its jobs
# cancelled, and the same command with --detach submits only the runs
# without a result, prints the job ids and exits 0; run again, it waits for
# those jobs and ends with the same CSV; a task cancelled from outside is
# named, exit 1. Prints both sweeps' wall times.
# Exit 77 (skipped), with the reason, without root or without Slurm.
# Usage: slurm_sweep_test.sh TEARLINE_BINARY
set -euo pipefail

if [[ $# -ne 1 || $1 == --help ]]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -eq 1 ]] && exit 0 || exit 2
fi
tearline=$(realpath "$1")
source_dir=$(cd "$(dirname "$0")/.." && pwd)
# Without sbatch on PATH, root or not: a clear error, exit 2, nothing made.
status=0
said=$(cd "$source_dir" && PATH=/nonexistent "$tearline" sweep small --slurm --out /nonexistent/sweep 2>&1) ||
  status=$?
if [[ $status -ne 2 || $said != *"no Slurm here: scripts/setup --with-slurm"* ]]; then
  echo "FAILED: without sbatch: exit $status, '$said'" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: needs root (slurmd starts job steps as their user)"
  exit 77
fi
for program in slurmctld slurmd munged sbatch squeue; do
  if ! command -v "$program" >/dev/null; then
    echo "SKIPPED: no $program (scripts/setup --with-slurm)"
    exit 77
  fi
done

work=$(mktemp -d)
cluster=$work/cluster
sweep_pid=
cleanup() {
  [[ -n $sweep_pid ]] && kill "$sweep_pid" 2>/dev/null && wait "$sweep_pid" 2>/dev/null
  if ! "$source_dir/scripts/slurm-cluster" stop "$cluster" >/dev/null 2>&1; then
    # A start that failed half way leaves daemons with no config to stop by.
    for pid_file in "$cluster"/slurmctld.pid "$cluster"/slurmd.pid "$cluster"/munge/munged.pid; do
      [[ -f $pid_file ]] && kill "$(cat "$pid_file")" 2>/dev/null
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
now() { date +%s.%N; }
began=$(now)
SLURM_CLUSTER_PORT=16917 timeout 60 "$source_dir/scripts/slurm-cluster" start "$cluster"
eval "$("$source_dir/scripts/slurm-cluster" env "$cluster")"
cd "$source_dir"

# start_queued NAME: a sweep into $work/NAME, one task at a time, in the
# background (its stderr in $work/NAME.err) until its jobs are recorded:
# sets sweep_pid, array and collector. end_queued: waits for it, sets status.
start_queued() {
  timeout 120 "$tearline" sweep "${plan[@]}" "${slurm[@]}" --max-running 1 --out "$work/$1" \
    2>"$work/$1.err" &
  sweep_pid=$!
  for _ in $(seq 100); do
    [[ -s $work/$1/slurm/s0/jobs ]] && break
    sleep 0.1
  done
  [[ -s $work/$1/slurm/s0/jobs ]] || fail "$1: no jobs recorded after 10 s"
  read -r array collector <"$work/$1/slurm/s0/jobs"
}
end_queued() {
  status=0
  wait "$sweep_pid" || status=$?
  sweep_pid=
}

plan=(small --set 'agency[0].partner[0].trust=0.3,0.9' --seeds 1-2 --mode coordinated)
slurm=(--slurm --runs-per-task 2)

local_began=$(now)
timeout 120 "$tearline" sweep "${plan[@]}" --quiet --out "$work/local"
local_s=$(echo "$(now) - $local_began" | bc)

slurm_began=$(now)
timeout 120 "$tearline" sweep "${plan[@]}" "${slurm[@]}" --out "$work/slurm" >/dev/null
slurm_s=$(echo "$(now) - $slurm_began" | bc)
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || fail "sweep.csv through Slurm differs"
[[ -f $work/slurm/slurm/s0/collected ]] || fail "the collector job did not mark its work done"

# Resuming a finished sweep submits nothing.
timeout 60 "$tearline" sweep "${plan[@]}" "${slurm[@]}" --out "$work/slurm" >/dev/null ||
  fail "resuming a finished sweep exited $?"
[[ ! -e $work/slurm/slurm/s1 ]] || fail "resuming a finished sweep submitted again"
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || fail "sweep.csv changed on resume"

# Ctrl-C once the jobs are queued: exit 130, the jobs cancelled.
start_queued cut
kill -INT "$sweep_pid"
end_queued
[[ $status -eq 130 ]] || fail "an interrupted sweep exited $status, not 130: $(cat "$work/cut.err")"
grep -q "cancelled Slurm jobs" "$work/cut.err" || fail "the interrupted sweep did not say it cancelled: $(cat "$work/cut.err")"
if squeue --noheader --user=0 --format=%F | grep -qx -e "$array" -e "$collector"; then
  fail "jobs $array, $collector still queued after Ctrl-C"
fi

# --detach submits only the runs without a result; the same command waits.
done_before=$(find "$work/cut/runs" -name sweep-exit | wc -l)
timeout 60 "$tearline" sweep "${plan[@]}" "${slurm[@]}" --detach --out "$work/cut" >"$work/detach.out"
grep -q "scancel" "$work/detach.out" || fail "--detach did not say how to cancel"
submitted=$(tr ' ' '\n' <"$work/cut/slurm/s1/batches" | grep -c .)
((submitted == 4 - done_before)) || fail "--detach submitted $submitted runs, $done_before were done"
timeout 120 "$tearline" sweep "${plan[@]}" "${slurm[@]}" --out "$work/cut" 2>"$work/wait.err" >/dev/null
grep -q "queued; waiting" "$work/wait.err" || fail "the resumed sweep did not wait for the queued jobs"
cmp "$work/local/sweep.csv" "$work/cut/sweep.csv" || fail "sweep.csv after Ctrl-C and resume differs"

# A task cancelled from outside is a failed task, named; exit 1.
start_queued failed
scancel "${array}_1"
end_queued
[[ $status -eq 1 ]] || fail "a sweep with a cancelled task exited $status, not 1"
grep -q "task 1 of Slurm job $array failed" "$work/failed.err" ||
  fail "the cancelled task was not named: $(cat "$work/failed.err")"

printf 'slurm sweep: 4 runs in %.2f s through Slurm, %.2f s here (ratio %.1f), the same sweep.csv; test %.1f s\n' \
  "$slurm_s" "$local_s" "$(echo "$slurm_s / $local_s" | bc -l)" "$(echo "$(now) - $began" | bc)"
