#include "launcher/mode/mode_run.h"

#include <memory>

#include "base/clock.h"
#include "launcher/in_process_host.h"
#include "launcher/mode/mode_driver.h"
#include "launcher/process_host.h"

namespace tearline {

std::vector<std::pair<std::string, std::string>> nodes_of_mode(const Scenario& scenario,
                                                               const std::string& mode) {
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const AgencySpec& agency : scenario.agencies) nodes.emplace_back(agency.name, "agency");
  if (mode == "coordinated") nodes.emplace_back(scenario.broker.name, "broker");
  for (const UnitSpec& unit : scenario.units) nodes.emplace_back(unit.name, "unit");
  return nodes;
}

std::string standby_of_mode(const Scenario& scenario, const std::string& mode) {
  return mode == "coordinated" ? scenario.broker.standby : "";
}

std::vector<std::string> processes_of_mode(const Scenario& scenario, const std::string& mode) {
  std::vector<std::string> names;
  for (const auto& [name, role] : nodes_of_mode(scenario, mode)) names.push_back(name);
  if (const std::string standby = standby_of_mode(scenario, mode); !standby.empty()) {
    names.push_back(standby);
  }
  return names;
}

namespace {

std::unique_ptr<NodeHost> make_process_host(const Scenario& scenario, const ModeRunOptions& options,
                                            WallClock& clock, ModeRun& run) {
  ProcessHostOptions host{static_cast<const ModeSetup&>(options)};
  host.scenario_nodes = scenario.node_names();
  host.nodes = nodes_of_mode(scenario, options.mode);
  for (const auto& [name, role] : host.nodes) {
    if (scenario.journaled(name)) host.journaled_nodes.insert(name);
  }
  if (const std::string standby = standby_of_mode(scenario, options.mode); !standby.empty()) {
    host.nodes.emplace_back(standby, "broker");
    host.member_of[standby] = scenario.broker.name;
    host.journaled_nodes.insert(standby);
  }
  host.on_launcher_request = [&run](const v1::LauncherRequest& request) {
    return run.answer(request);
  };
  host.interrupted = options.interrupted;
  return std::make_unique<ProcessHost>(std::move(host), clock);
}

}  // namespace

ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options) {
  std::filesystem::create_directories(options.mode_dir);
  WallClock& clock = system_clock();
  ModeRun run(scenario, options, clock, [&](ModeRun& self) -> std::unique_ptr<NodeHost> {
    if (options.in_process) {
      return std::make_unique<InProcessHost>(scenario, options.mode, options.seed, options.mode_dir,
                                             options.keys_dir,
                                             nodes_of_mode(scenario, options.mode), clock);
    }
    return make_process_host(scenario, options, clock, self);
  });
  return run.run();
}

}  // namespace tearline
