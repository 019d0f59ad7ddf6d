// One mode of a run: start every node of the mode (as processes, or in this
// process for the reference run), drive scenario time by the time
// authority's grants (sync/), paced against the wall clock, carry out the
// fault schedule at exact scenario hours, restart nodes, stop them, and
// record each node's end in <mode>/launcher.trace.jsonl.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "launcher/node_host.h"
#include "scenario/scenario.h"

namespace tearline {

struct ModeRunOptions : ModeSetup {
  // Pace: scenario time advances no faster than this many wall milliseconds
  // per scenario hour; 0 runs as fast as the processes allow.
  double ms_per_scenario_hour = 0;
  bool quiet = false;
  // Start a node that died again this many scenario hours later; none: never.
  std::optional<double> restart_delay_h;
  // The reference run: the nodes as NodeCores in this process, not as
  // processes (launcher/in_process_host.h).
  bool in_process = false;
  // Polled while the scenario runs; true ends it early: every node is
  // brought to the furthest hour any was granted, then stopped there.
  std::function<bool()> interrupted;
};

struct ModeOutcome {
  // What makes the run fail: nodes that died unexpectedly or misbehaved.
  std::vector<std::string> failures;
  // Deaths that fault commands asked for (crash, kill).
  std::vector<std::string> injected_deaths;
  // Unexpected deaths that --restart-after-h answered with a restart: they
  // do not fail the run.
  std::vector<std::string> restarted_deaths;
  // Synchronisation rounds the time authority granted, and the wall time
  // the mode took.
  uint64_t rounds = 0;
  double wall_s = 0;
};

// Runs the mode on the machine's clock, its nodes in processes or, for the
// reference run, in this one (ModeRun in mode_driver.h does the work).
ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options);

// The nodes of `mode` as (name, role) pairs: agencies, the broker in
// coordinated mode, units.
std::vector<std::pair<std::string, std::string>> nodes_of_mode(const Scenario& scenario,
                                                               const std::string& mode);
// The centre's standby member, where `mode` runs one; empty otherwise.
std::string standby_of_mode(const Scenario& scenario, const std::string& mode);
// Every process of `mode`: its nodes, and the centre's standby.
std::vector<std::string> processes_of_mode(const Scenario& scenario, const std::string& mode);

}  // namespace tearline
