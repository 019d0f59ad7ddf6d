// One mode of a run: start every node of the mode as a process, play the
// scenario clock, carry out restarts, stop the nodes in two phases, and
// record each process exit in <mode>/launcher.trace.jsonl.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/scenario.h"

namespace tearline {

struct ModeRunOptions {
  std::string mode;           // "bilateral" or "coordinated".
  std::string scenario_path;  // The scenario as run, passed to the nodes.
  uint64_t seed = 1;
  double ms_per_scenario_hour = 10;
  std::filesystem::path mode_dir;
  bool quiet = false;
  // Start a node that died again this many scenario hours later; none: never.
  std::optional<double> restart_delay_h;
  // Polled while the scenario runs; true ends it early.
  std::function<bool()> interrupted;
};

struct ModeOutcome {
  // What makes the run fail: nodes that died unexpectedly or misbehaved.
  std::vector<std::string> failures;
  // Deaths that fault commands asked for (crash, kill).
  std::vector<std::string> injected_deaths;
};

ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options);

}  // namespace tearline
