// The runs of `tearline explain`: each a `tearline run --in-process` child
// of this process, started and ended as a sweep's run is
// (cli/sweep/sweep_run.h: the scenario in <dir>/points/p<K>.toml, the run
// in <dir>/<run.dir>, its output in <run.dir>.log, its traces removed once
// it ends), at most `jobs` at a time, each stopped (SIGKILL) once it has
// run `timeout_s` seconds of wall time, with a progress line on stderr.
// Ctrl-C and SIGTERM stop them all.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_results.h"

namespace tearline {

struct RunEnd {
  int exit_code = 0;
  bool timed_out = false;
};

struct ExplainRunsOptions {
  std::string mode;  // "bilateral" or "coordinated".
  unsigned jobs = 1;
  double timeout_s = 600;
  bool show_progress = true;
};

// Each run's end, in the order of `runs`, once every started run has
// ended; `exit_code` 130 when interrupted, 1 when the folder failed a run
// (the reason printed; no further run started), else 0.
struct ExplainRuns {
  std::vector<RunEnd> ends;
  int exit_code = 0;
};
ExplainRuns run_explain_runs(const std::filesystem::path& dir,
                             const std::vector<sweep::RunSpec>& runs,
                             const ExplainRunsOptions& options);

}  // namespace tearline
