// `tearline sweep`: a parameter study. Every point of a grid of scenario
// parameters (sweep/sweep_grid.h) times a set of seeds, each a `tearline
// run` at --scale 0, some at a time, into one sweep folder; the results in
// sweep.csv and sweep.json (sweep/sweep_results.h). An interrupted sweep
// run again with the same command resumes where it stopped. The plan
// (cli/sweep/sweep_plan.h) runs here (cli/sweep/sweep_local.h) or on Slurm
// (cli/sweep/sweep_slurm.h), one run at a time done the same (cli/sweep/sweep_run.h).
#pragma once

#include "cli/sweep/sweep_options.h"

namespace tearline {

// Exit codes: 0 every run completed with exit 0; 1 a run failed (its row
// says how; the results are written all the same), or the sweep folder
// cannot be written (the message names the file and why); 2 bad usage, a bad
// scenario, parameter or seed, or a folder that holds another sweep; 130
// interrupted (run the same command again to resume). With --slurm: 2 also
// without sbatch; 1 also when Slurm fails or a task cannot do its work.
int sweep_command(const SweepOptions& options);

}  // namespace tearline
