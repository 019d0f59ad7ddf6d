// `tearline sweep`'s local executor: the plan's runs without a result, at
// most --jobs at a time as children of this process (cli/sweep/sweep_run.h),
// with a progress line; Ctrl-C stops them (they run again on resume).
#pragma once

#include "cli/sweep/sweep_options.h"
#include "cli/sweep/sweep_plan.h"

namespace tearline {

// 0 once every run has a result; otherwise the sweep's exit code (130
// interrupted, 1 the sweep folder failed a run), its reason printed.
int run_locally(const SweepPlan& plan, const SweepOptions& options);

}  // namespace tearline
