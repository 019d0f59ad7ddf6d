// What `tearline sweep` is asked to do (its options, parsed by cli/main.cc
// and cli/sweep_cli.h), for the plan and the executors of this folder.
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
  // On Slurm (cli/sweep/sweep_slurm.h) instead of here: --jobs does not apply.
  bool slurm = false;
  std::string partition;       // Empty: the cluster's default.
  unsigned runs_per_task = 1;  // Runs one array task does, one after the other.
  unsigned max_running = 0;    // Array tasks at a time; 0: as Slurm allows.
  bool detach = false;         // Submit, say how to watch and resume, exit 0.
};

}  // namespace tearline
