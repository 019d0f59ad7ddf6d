#include "cli/run_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <zmq.hpp>

#include "analysis/explain/text_report.h"
#include "analysis/pages/report_page.h"
#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "base/clock.h"
#include "base/whole_file.h"
#include "cli/live_server.h"
#include "launcher/chaos.h"
#include "launcher/file_modes.h"
#include "launcher/mode/mode_run.h"
#include "launcher/progress.h"
#include "launcher/resource_limits.h"
#include "launcher/slurm/slurm_allocation.h"
#include "launcher/supervisor.h"
#include "scenario/endpoints.h"
#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"
#include "security/keys.h"
#include "trace/trace.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

std::string default_run_dir(const std::string& scenario_name, uint64_t seed) {
  return fmt::format("runs/{}-{}-seed{}", scenario_name, folder_stamp(system_clock()), seed);
}

// report.html, best effort: a failure is a warning, not a failed run.
// Returns whether it was written.
bool write_html_report(const fs::path& run_dir, const v1::RunReport& report) {
  const fs::path path = run_dir / "report.html";
  try {
    const std::string error = write_whole_file(path, pages::report_page(report));
    if (error.empty()) return true;
    fmt::print(stderr, "tearline run: warning: {}\n", error);
  } catch (const std::exception& error) {
    fmt::print(stderr, "tearline run: warning: no {}: {}\n", path.string(), error.what());
  }
  return false;
}

// The hosts file of a run in `allocation`, written privately into the run
// folder; its path. Throws SlurmError, or std::runtime_error if it cannot
// be written.
std::string write_slurm_hosts_file(const fs::path& run_dir, const Scenario& scenario,
                                   const SlurmAllocation& allocation, PortRange ports,
                                   bool group_readable) {
  const fs::path path = fs::absolute(run_dir / "hosts.toml");
  const std::string text =
      slurm_hosts_file(allocation, scenario.process_names(), scenario.broker.name,
                       scenario.broker.standby, ports, static_cast<int>(getpid()));
  if (const std::string error = write_whole_file(path, text); !error.empty()) {
    throw std::runtime_error(error);
  }
  if (const std::error_code error = make_private(path, group_readable)) {
    throw fs::filesystem_error("cannot restrict who reads it", path, error);
  }
  return path.string();
}

}  // namespace

std::string resolve_scenario_path(const std::string& scenario) {
  if (fs::exists(scenario)) return scenario;
  for (const fs::path& dir : {fs::path("scenarios"), fs::path(TEARLINE_SCENARIO_DIR)}) {
    const fs::path candidate = dir / (scenario + ".toml");
    if (fs::exists(candidate)) return candidate.string();
  }
  return scenario;  // load_scenario names it in its error.
}

int keys_command(const std::string& scenario_name, const std::string& dir) {
  try {
    const Scenario scenario = load_scenario(resolve_scenario_path(scenario_name));
    write_key_set(dir, scenario.node_names());
  } catch (const ScenarioError& error) {
    fmt::print(stderr, "tearline keys: {}\n", error.what());
    return 2;
  } catch (const KeyError& error) {
    fmt::print(stderr, "tearline keys: {}\n", error.what());
    return 2;
  }
  fmt::print(stderr, "tearline keys: key set in {} (secret: keep it private)\n", dir);
  return 0;
}

int run_command(const RunOptions& options) {
  Scenario scenario;
  const std::string scenario_path = resolve_scenario_path(options.scenario);
  std::string scenario_text;  // As the run folder keeps it: an overlay resolved.
  try {
    scenario = load_scenario(scenario_path);
    scenario_text = scenario_text_as_run(scenario_path);
  } catch (const ScenarioError& error) {
    fmt::print(stderr, "tearline run: {}\n", error.what());
    return 2;
  }
  std::optional<SlurmAllocation> allocation;
  PortRange ports;
  if (options.slurm) {
    if (!options.hosts_file.empty() || options.in_process) {
      fmt::print(stderr, "tearline run: --slurm places the nodes: no --hosts, no --in-process\n");
      return 2;
    }
    try {
      ports = parse_port_range(options.slurm_ports);
      allocation = read_slurm_allocation();
    } catch (const SlurmError& error) {
      fmt::print(stderr, "tearline run: {}\n", error.what());
      return 2;
    }
  }
  if (!options.hosts_file.empty()) {
    try {
      Endpoints::from_hosts_file(options.hosts_file, scenario.process_names());
    } catch (const EndpointsError& error) {
      fmt::print(stderr, "tearline run: {}\n", error.what());
      return 2;
    }
  }
  if (!options.in_process) {
    if (const std::string error = raise_limits_for_run(scenario.process_names().size());
        !error.empty()) {
      fmt::print(stderr, "tearline run: {}\n", error);
      return 1;
    }
  }
  const uint64_t seed = options.seed.value_or(scenario.seed);
  const double ms_per_h = options.ms_per_scenario_hour.value_or(scenario.ms_per_scenario_hour);
  const fs::path run_dir =
      options.out_dir.empty() ? default_run_dir(scenario.name, seed) : options.out_dir;
  // Traces are appended to, so an earlier run's files would mix into this one.
  if (fs::exists(run_dir) && !fs::is_empty(run_dir)) {
    fmt::print(stderr, "tearline run: {} is not empty; give --out a new or empty directory\n",
               run_dir.string());
    return 2;
  }
  std::vector<std::string> modes = {options.mode};
  if (options.mode == "both") modes = {"bilateral", "coordinated"};
  std::unique_ptr<LiveServer> live;
  if (options.live_port) {
    try {
      live = std::make_unique<LiveServer>(
          LiveServerOptions{fs::absolute(run_dir), modes, scenario.name, seed, *options.live_port});
    } catch (const LiveServerError& error) {
      fmt::print(stderr, "tearline run: {}\n", error.what());
      return 2;
    }
    fmt::print(stderr, "tearline run: live view at {}\n", live->url());
  }
  std::string hosts_file = options.hosts_file.empty() ? "" : fs::absolute(options.hosts_file);
  // Before anything is created: the nodes inherit it.
  create_private_files(options.group_readable);
  try {
    fs::create_directories(run_dir);
    if (const std::error_code error = make_private(run_dir, options.group_readable)) {
      throw fs::filesystem_error("cannot restrict who reads it", run_dir, error);
    }
    if (const std::string error = write_whole_file(run_dir / "scenario.toml", scenario_text);
        !error.empty()) {
      throw std::runtime_error(error);
    }
    if (const std::error_code error =
            make_private(run_dir / "scenario.toml", options.group_readable)) {
      throw fs::filesystem_error("cannot restrict who reads it", run_dir / "scenario.toml", error);
    }
    if (options.chaos_seed) {
      const std::vector<FaultSpec> chaos = chaos_schedule(scenario, *options.chaos_seed);
      scenario.faults.insert(scenario.faults.end(), chaos.begin(), chaos.end());
      const std::string error =
          write_whole_file(run_dir / "chaos.txt",
                           "# Faults drawn by --chaos " + std::to_string(*options.chaos_seed) +
                               " (scenario hours)\n" + describe_schedule(chaos));
      if (!error.empty()) throw std::runtime_error(error);
    }
    if (allocation) {
      hosts_file =
          write_slurm_hosts_file(run_dir, scenario, *allocation, ports, options.group_readable);
    }
  } catch (const SlurmError& error) {
    fmt::print(stderr, "tearline run: {}\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "tearline run: cannot use {} as the run directory: {}\n", run_dir.string(),
               error.what());
    return 2;
  }
  const std::string run_scenario_path = fs::absolute(run_dir / "scenario.toml").string();
  fs::path keys_dir = options.keys_dir;
  try {
    if (keys_dir.empty()) {
      keys_dir = run_dir / "keys";
      write_key_set(keys_dir, scenario.node_names());
    } else {
      check_key_set(keys_dir, scenario.node_names());
    }
    keys_dir = fs::absolute(keys_dir);
  } catch (const KeyError& error) {
    fmt::print(stderr, "tearline run: {}\n", error.what());
    return 2;
  }

  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);

  if (!options.quiet) {
    fmt::print(stderr, "tearline run: {} (seed {}, {} ms per scenario hour) into {}\n",
               scenario.name, seed, ms_per_h, run_dir.string());
  }
  std::vector<std::string> failures;
  for (const std::string& mode : modes) {
    if (g_interrupted) break;
    ModeRunOptions mode_options;
    mode_options.mode = mode;
    mode_options.scenario_path = run_scenario_path;
    mode_options.seed = seed;
    mode_options.ms_per_scenario_hour = ms_per_h;
    mode_options.mode_dir = run_dir / mode;
    mode_options.keys_dir = keys_dir;
    mode_options.hosts_file = hosts_file;
    mode_options.quiet = options.quiet;
    mode_options.restart_delay_h = options.restart_delay_h;
    mode_options.in_process = options.in_process;
    mode_options.journal_sync = options.journal_sync.value_or(!hosts_file.empty());
    mode_options.control_channel = options.control_channel;
    mode_options.interrupted = [] { return g_interrupted != 0; };
    if (live) live->mode_started(mode);
    try {
      for (std::string& failure : run_mode(scenario, mode_options).failures) {
        failures.push_back(mode + ": " + failure);
      }
    } catch (const std::exception& error) {
      // A file-system failure mid-run (a full disk, the run folder removed):
      // the mode's nodes are stopped; the report covers what was written.
      fmt::print(stderr, "\ntearline run: {}: {}\n", mode, error.what());
      failures.push_back(mode + ": " + error.what());
    }
    if (live) live->mode_finished(mode);
  }

  std::vector<std::string> warnings;
  v1::RunReport report;
  try {
    report = build_report(run_dir.string(), &warnings);
  } catch (const std::exception& error) {
    fmt::print(stderr, "tearline run: no report: {}\n", error.what());
    for (const std::string& failure : failures)
      fmt::print(stderr, "tearline run: FAILED: {}\n", failure);
    if (live) live->finish(fmt::format("no report: {}", error.what()), nullptr);
    return g_interrupted ? 130 : 1;
  }
  for (const std::string& warning : warnings) fmt::print(stderr, "tearline run: {}\n", warning);
  const std::string text = explain::render_text(report);
  for (const auto& [name, content] :
       {std::pair{"report.json", report::to_json(report)}, std::pair{"report.txt", text}}) {
    if (const std::string error = write_whole_file(run_dir / name, content); !error.empty()) {
      failures.push_back(error);
    }
  }
  const bool html_written = !options.no_html && write_html_report(run_dir, report);
  if (!options.quiet) fmt::print("{}", text);

  int unaccounted = 0;
  for (const auto& [mode, mode_report] : report.modes()) {
    const int count = static_cast<int>(mode_report.messages().unaccounted());
    if (count > 0) failures.push_back(fmt::format("{}: {} messages unaccounted", mode, count));
    unaccounted += count;
    if (const int forged = static_cast<int>(mode_report.messages().never_created()); forged > 0) {
      // A message no node created came into the run: a forgery, or a bug.
      constexpr size_t kListed = 10;
      std::vector<std::string> ids;
      for (const v1::UnaccountedMessage& message : mode_report.unaccounted_messages()) {
        if (message.reason() == "never created" && ids.size() < kListed) {
          ids.push_back(message.msg());
        }
      }
      failures.push_back(fmt::format("{}: {} messages that no node created: {}{}", mode, forged,
                                     fmt::join(ids, ", "),
                                     forged > static_cast<int>(kListed) ? ", ..." : ""));
    }
  }
  std::fflush(stdout);
  fmt::print(stderr, "tearline run: run directory {0} ({1}traces: tearline trace {0} summary)\n",
             run_dir.string(),
             html_written ? fmt::format("diagrams: {}/report.html; ", run_dir.string()) : "");
  if (g_interrupted) {
    fmt::print(stderr, "tearline run: interrupted\n");
    if (live) live->finish("interrupted.", &report);
    return 130;
  }
  for (const std::string& failure : failures)
    fmt::print(stderr, "tearline run: FAILED: {}\n", failure);
  if (live) {
    live->finish(failures.empty() ? "completed, every message accounted for."
                                  : fmt::format("FAILED: {}.", fmt::join(failures, "; ")),
                 &report);
  }
  return failures.empty() ? 0 : 1;
}

}  // namespace tearline
