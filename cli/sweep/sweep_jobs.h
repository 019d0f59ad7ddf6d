// What a sweep's Slurm jobs run (cli/sweep/sweep_slurm.h submits them), as
// hidden subcommands of `tearline`:
//
//   tearline sweep-task DIR --submission N --task I [--keep-traces]
//       runs task I's batch of runs, one after the other, each as the local
//       sweep runs one (cli/sweep/sweep_run.h), writing its sweep-exit
//   tearline sweep-collect DIR --submission N
//       writes sweep.csv, sweep.json and sweep.html from every finished run
//       (the local sweep's code), then DIR/slurm/s<N>/collected
//
// A submission's files are in DIR/slurm/s<N>/: `batches` (line I: the
// indices into the plan's runs of task I's batch), the two sbatch scripts,
// the jobs' logs and `jobs` (their ids). A run that fails is a result (its
// exit code in its row), not a failed task: a task fails (exit 1) only when
// it cannot do its work, and names why in its log.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tearline {

std::filesystem::path submission_dir(const std::filesystem::path& sweep_dir, unsigned submission);

// The `batches` file's text, and its batches read back, each index checked
// against the plan's `runs`; nullopt with `error` set when it is not one.
std::string batches_text(const std::vector<std::vector<size_t>>& batches);
std::optional<std::vector<std::vector<size_t>>> read_batches(const std::filesystem::path& file,
                                                             size_t runs, std::string& error);

// Written by sweep-collect once the results are written.
inline constexpr const char* kCollectedFile = "collected";
// A batches file larger than this is not one tearline wrote.
inline constexpr size_t kBatchesMaxBytes = size_t{64} << 20;

// Exit 0 its work done (whatever its runs' exit codes), 1 it could not do
// it, 130 cancelled (its run unfinished: it runs again on resume).
int sweep_task_command(const std::string& dir, unsigned submission, unsigned task,
                       bool keep_traces);
// Exit 0 the results written, 1 they could not be.
int sweep_collect_command(const std::string& dir, unsigned submission);

}  // namespace tearline
