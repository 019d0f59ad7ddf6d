// The command line of `tearline sweep`'s Slurm options and of the hidden
// subcommands a sweep's Slurm jobs run (cli/sweep/sweep_jobs.h), added to the
// `tearline` command's parser by main.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli/sweep_command.h"

namespace tearline {

void add_slurm_sweep_options(CLI::App& sweep_app, SweepOptions& options);

// The hidden subcommands, and what they were given.
struct SweepJobsCli {
  CLI::App* task_app = nullptr;
  CLI::App* collect_app = nullptr;
  std::string dir;
  unsigned submission = 0;
  unsigned task = 0;
  bool keep_traces = false;
};
std::unique_ptr<SweepJobsCli> add_sweep_jobs(CLI::App& app);

// The exit code of the hidden subcommand that was parsed; nullopt when
// none was.
std::optional<int> run_sweep_job(const SweepJobsCli& jobs);

}  // namespace tearline
