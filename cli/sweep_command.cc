#include "cli/sweep_command.h"

#include "cli/sweep_local.h"
#include "cli/sweep_plan.h"
#include "cli/sweep_run.h"

namespace tearline {

int sweep_command(const SweepOptions& options) {
  const PlanOrExit made = make_plan(options);
  if (!made.plan) return made.exit_code;
  if (const int code = run_locally(*made.plan, options); code != 0) return code;
  return conclude(*made.plan, options.quiet, /*write_results=*/true);
}

}  // namespace tearline
