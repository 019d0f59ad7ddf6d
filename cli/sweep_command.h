// `tearline sweep`: a parameter study. Every point of a grid of scenario
// parameters (sweep/sweep_grid.h) times a set of seeds, each a `tearline
// run` at --scale 0, some at a time, into one sweep folder; the results in
// sweep.csv and sweep.json (sweep/sweep_results.h). An interrupted sweep
// run again with the same command resumes where it stopped. The plan
// (cli/sweep_plan.h) runs here (cli/sweep_local.h), one run at a time done
// by cli/sweep_run.h.
#pragma once

#include <string>
#include <vector>

namespace tearline {

struct SweepOptions {
  std::string scenario;           // A path, or a name under scenarios/.
  std::vector<std::string> sets;  // "PATH=VALUES", one per parameter.
  std::string seeds;              // "1-20"; empty: the scenario's seed.
  std::string mode = "both";
  unsigned jobs = 2;        // Runs at a time.
  std::string out_dir;      // Empty: runs/sweep-<scenario>-<time>.
  bool in_process = false;  // Each run as the reference run (same answers, faster).
  // Keep each run's mode folders (traces, journals, logs); by default a
  // finished run keeps its report and scenario only (a manchester run's
  // traces are about 65 MB).
  bool keep_traces = false;
  bool quiet = false;  // No progress and no summary.
  // The sweep folder readable by the group too (launcher/file_modes.h).
  bool group_readable = false;
};

// Exit codes: 0 every run completed with exit 0; 1 a run failed (its row
// says how; the results are written all the same), or the sweep folder
// cannot be written (the message names the file and why); 2 bad usage, a bad
// scenario, parameter or seed, or a folder that holds another sweep; 130
// interrupted (run the same command again to resume).
int sweep_command(const SweepOptions& options);

}  // namespace tearline
