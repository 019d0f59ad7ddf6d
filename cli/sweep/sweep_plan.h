// A sweep's plan: its scenario, grid, seeds and modes, and the runs they
// make. `make_plan` checks it and writes it into the sweep folder
// (sweep-plan.json and points/p<K>.toml) before any run starts; `read_plan`
// reads it back there, for the commands Slurm runs (cli/sweep/sweep_jobs.h),
// which may run on another host of a file system the cluster shares.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep/sweep_options.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_results.h"

namespace tearline {

struct SweepPlan {
  std::filesystem::path dir;  // The sweep folder.
  std::string scenario_name;
  std::vector<sweep::Parameter> parameters;
  std::vector<uint64_t> seeds;
  std::string mode;                // "both", "bilateral" or "coordinated".
  std::vector<std::string> modes;  // The modes `mode` runs.
  bool in_process = false;
  std::vector<sweep::RunSpec> runs;  // Every (point, seed), points first.
};

// Checks the scenario at `scenario_path` (options.scenario found), the
// parameters and seeds (every point applied and loaded), then writes the plan into the sweep
// folder, or finds the same plan there (a resumed sweep). Returns the plan, or the exit code (2:
// bad usage, scenario, parameter or folder) once the error is printed.
struct PlanOrExit {
  std::optional<SweepPlan> plan;
  int exit_code = 0;
};
PlanOrExit make_plan(const SweepOptions& options, const std::string& scenario_path);

// The plan written into `dir` by make_plan; nullopt with `error` set when
// it is missing or is not one make_plan wrote (every field is checked).
std::optional<SweepPlan> read_plan(const std::filesystem::path& dir, std::string& error);

// A sweep plan file larger than this is not one tearline wrote (it holds
// the scenario's text, a grid of at most sweep::kPointsMax points and
// sweep::kSeedsMax seeds).
inline constexpr size_t kPlanMaxBytes = size_t{64} << 20;

}  // namespace tearline
