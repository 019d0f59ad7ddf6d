#include "cli/sweep_command.h"

#include <fmt/format.h>

#include "cli/run_command.h"
#include "cli/sweep/slurm_client.h"
#include "cli/sweep/sweep_local.h"
#include "cli/sweep/sweep_plan.h"
#include "cli/sweep/sweep_run.h"
#include "cli/sweep/sweep_slurm.h"

namespace tearline {

int sweep_command(const SweepOptions& options) {
  if (options.slurm && !slurm::on_path("sbatch")) {
    fmt::print(stderr, "tearline sweep: no Slurm here: scripts/setup --with-slurm\n");
    return 2;
  }
  const PlanOrExit made = make_plan(options, resolve_scenario_path(options.scenario));
  if (!made.plan) return made.exit_code;
  if (options.slurm) return sweep_on_slurm(*made.plan, options);
  if (const int code = run_locally(*made.plan, options); code != 0) return code;
  return conclude(*made.plan, options.quiet, /*write_results=*/true);
}

}  // namespace tearline
