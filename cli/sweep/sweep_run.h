// One run of a sweep, done the same wherever it runs (cli/sweep/sweep_local.h on
// this machine, a Slurm task of cli/sweep/sweep_jobs.h elsewhere): `tearline run`
// of its point and seed as a child, its output in <run>.log, its exit code
// in <run>/sweep-exit once it has ended. A run folder without sweep-exit did
// not finish and is run again. And the results of a sweep's finished runs.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "cli/sweep/sweep_options.h"
#include "cli/sweep/sweep_plan.h"
#include "tearline/v1/sweep_results.pb.h"

namespace tearline {

// Starts `tearline run` for `run` (mode, in process or not, and the file
// modes from `options`), in a fresh run folder: an unfinished one is
// removed first. Throws std::runtime_error when it cannot.
pid_t start_run(const std::filesystem::path& sweep_dir, const sweep::RunSpec& run,
                const SweepOptions& options);

// Records the end of `run` with `exit_code`, then (unless `keep_traces`)
// removes its mode folders: its report is what the sweep reads. Throws
// std::runtime_error naming the file when it cannot.
void record_end(const std::filesystem::path& sweep_dir, const sweep::RunSpec& run, int exit_code,
                bool keep_traces);

// The exit code of a finished run; nullopt while it has not finished.
std::optional<int> exit_of_finished(const std::filesystem::path& run_dir);

// The exit code of a child's wait status, as a shell gives it.
int exit_code_of(int wait_status);

// How many of the plan's runs have finished.
size_t runs_finished(const SweepPlan& plan);

// The results of every finished run, and how many of them failed.
struct SweepOutcome {
  v1::SweepResults results;
  int failed_runs = 0;
};
SweepOutcome outcome_of(const SweepPlan& plan);

// The end of a sweep whose runs all have a result: writes the results
// (unless a Slurm job wrote them), prints the summary (unless `quiet`).
// Returns 0, or 1 when a run failed or the results cannot be written.
int conclude(const SweepPlan& plan, bool quiet, bool write_results);

// Ctrl-C and SIGTERM set a flag instead of ending the process; the
// children (which get SIGINT from the terminal too) are told by the caller.
void catch_interrupts();
bool interrupted();

}  // namespace tearline
