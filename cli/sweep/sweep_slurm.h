// `tearline sweep --slurm`: the plan's runs without a result as one Slurm
// job array, --runs-per-task runs a task (`tearline sweep-task`,
// cli/sweep/sweep_jobs.h), at most --max-running tasks at a time, and a job that
// writes the results once every task has succeeded (afterok: `tearline
// sweep-collect`). It shows progress from the folder (runs done) and from
// squeue (tasks pending and running) and waits for the collector, or
// --detach-es. The same command resumes: it waits for this sweep's jobs
// still queued (their ids are in the folder), or submits only the runs
// without a result. Ctrl-C cancels the sweep's jobs.
#pragma once

#include "cli/sweep/sweep_options.h"
#include "cli/sweep/sweep_plan.h"

namespace tearline {

// Exit codes as sweep_command's; 1 also when Slurm fails or a task could
// not do its work (its log is named).
int sweep_on_slurm(const SweepPlan& plan, const SweepOptions& options);

}  // namespace tearline
