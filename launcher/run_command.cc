#include "launcher/run_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/endpoints.h"
#include "common/scenario.h"
#include "common/trace.h"
#include "launcher/control_client.h"
#include "launcher/progress.h"
#include "launcher/report/report.h"
#include "launcher/supervisor.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

constexpr auto kStartupTimeout = std::chrono::seconds(10);
constexpr auto kFreezeTimeout = std::chrono::seconds(5);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kExitTimeoutMs = 5000;
// Scenario hour 0 lies this far ahead of the Start command, so every node
// has its clock before the scenario begins.
constexpr int64_t kStartLeadMs = 200;
constexpr auto kProgressTick = std::chrono::milliseconds(50);

struct NodeInfo {
  std::string name;
  std::string role;  // "agency", "broker", "unit".
};

std::string executable_dir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

std::vector<NodeInfo> nodes_for(const Scenario& scenario, const std::string& mode) {
  std::vector<NodeInfo> nodes;
  for (const AgencySpec& agency : scenario.agencies) nodes.push_back({agency.name, "agency"});
  if (mode == "coordinated") nodes.push_back({scenario.broker.name, "broker"});
  for (const UnitSpec& unit : scenario.units) nodes.push_back({unit.name, "unit"});
  return nodes;
}

std::string run_info_json(const Scenario& scenario, uint64_t seed, double ms_per_h) {
  nlohmann::json run;
  run["scenario"] = scenario.name;
  run["seed"] = seed;
  run["ms_per_scenario_hour"] = ms_per_h;
  run["duration_h"] = scenario.duration_h;
  run["start_iso"] = scenario.start_iso;
  run["plots"] = nlohmann::json::array();
  for (const PlotSpec& plot : scenario.plots) {
    nlohmann::json trace_ids = nlohmann::json::array();
    for (const ReportSpec& report : scenario.reports) {
      if (report.plot == plot.id) trace_ids.push_back(report.id);
    }
    run["plots"].push_back({{"id", plot.id},
                            {"area", plot.area},
                            {"attack_h", plot.attack_h},
                            {"trace_ids", trace_ids}});
  }
  run["units"] = nlohmann::json::array();
  for (const UnitSpec& unit : scenario.units) {
    run["units"].push_back({{"name", unit.name},
                            {"area", unit.area},
                            {"response_h", unit.response_h},
                            {"agency", unit.agency}});
  }
  run["agencies"] = nlohmann::json::array();
  for (const AgencySpec& agency : scenario.agencies) run["agencies"].push_back(agency.name);
  return run.dump();
}

std::string tail_of_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

struct ModeOutcome {
  std::vector<std::string> failures;  // Nodes that died or misbehaved.
};

class ModeRun {
 public:
  ModeRun(const Scenario& scenario, std::string scenario_path, std::string mode, uint64_t seed,
          double ms_per_h, fs::path mode_dir, bool quiet)
      : scenario_(scenario),
        scenario_path_(std::move(scenario_path)),
        mode_(std::move(mode)),
        seed_(seed),
        ms_per_h_(ms_per_h),
        mode_dir_(std::move(mode_dir)),
        quiet_(quiet),
        nodes_(nodes_for(scenario, mode_)) {}

  ModeOutcome run();

 private:
  std::set<std::string> dead_nodes();
  std::vector<std::string> running_nodes() const;
  void spawn_all(const std::string& socket_dir);
  // nodes.json: each node's pid and endpoints, and the scenario clock once
  // it has started, for `tearline fault` and other tools.
  // `live`: the scenario clock runs and nodes take commands.
  void write_nodes_file(const std::string& socket_dir, std::optional<int64_t> epoch_unix_ms,
                        bool live) const;
  void record_exits(TraceSink& launcher_trace, double end_h);

  const Scenario& scenario_;
  std::string scenario_path_;
  std::string mode_;
  uint64_t seed_;
  double ms_per_h_;
  fs::path mode_dir_;
  bool quiet_;
  std::vector<NodeInfo> nodes_;
  Supervisor supervisor_;
  ModeOutcome outcome_;
  bool expecting_exit_ = false;
};

std::set<std::string> ModeRun::dead_nodes() {
  for (const std::string& name : supervisor_.reap()) {
    const ChildExit exit = *supervisor_.exit_of(name);
    if (expecting_exit_ && exit.clean()) continue;
    std::string message = fmt::format("node {} (pid {}) died unexpectedly: {}", name,
                                      supervisor_.pid_of(name), exit.describe());
    const std::string stderr_text = tail_of_file((mode_dir_ / (name + ".stderr")).string(), 400);
    if (!stderr_text.empty()) message += "; its stderr: " + stderr_text;
    outcome_.failures.push_back(message);
    fmt::print(stderr, "\ntearline run: {}\n", message);
  }
  std::set<std::string> dead;
  for (const NodeInfo& node : nodes_) {
    if (!supervisor_.running(node.name)) dead.insert(node.name);
  }
  return dead;
}

std::vector<std::string> ModeRun::running_nodes() const {
  std::vector<std::string> names;
  for (const NodeInfo& node : nodes_) {
    if (supervisor_.running(node.name)) names.push_back(node.name);
  }
  return names;
}

void ModeRun::spawn_all(const std::string& socket_dir) {
  const std::string bin = executable_dir();
  for (const NodeInfo& node : nodes_) {
    const std::string base = (mode_dir_ / node.name).string();
    supervisor_.spawn(
        node.name,
        {bin + "/tearline-" + node.role, "--name", node.name, "--mode", mode_, "--scenario",
         scenario_path_, "--seed", std::to_string(seed_), "--socket-dir", socket_dir, "--trace",
         base + ".trace.jsonl", "--log", base + ".log"},
        base + ".stderr");
  }
}

void ModeRun::write_nodes_file(const std::string& socket_dir, std::optional<int64_t> epoch_unix_ms,
                               bool live) const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeInfo& node : nodes_) {
    nodes.push_back({{"name", node.name},
                     {"role", node.role},
                     {"pid", supervisor_.pid_of(node.name)},
                     {"control", control_endpoint(socket_dir, node.name)},
                     {"data", data_endpoint(socket_dir, node.name)}});
  }
  nlohmann::json file = {{"mode", mode_},
                         {"live", live},
                         {"launcher_pid", getpid()},
                         {"clock", nullptr},
                         {"nodes", nodes}};
  if (epoch_unix_ms) {
    file["clock"] = {{"epoch_unix_ms", *epoch_unix_ms}, {"ms_per_scenario_hour", ms_per_h_}};
  }
  // Written whole, then renamed: fault tools read it while the run is live.
  const fs::path path = mode_dir_ / "nodes.json";
  const fs::path partial = mode_dir_ / "nodes.json.partial";
  std::ofstream(partial.string()) << file.dump(2) << "\n";
  fs::rename(partial, path);
}

void ModeRun::record_exits(TraceSink& launcher_trace, double end_h) {
  for (const NodeInfo& node : nodes_) {
    const auto exit = supervisor_.exit_of(node.name);
    TraceEvent event;
    event.wall_ms = unix_now_ms();
    event.t_h = end_h;
    event.node = node.name;
    event.mode = mode_;
    event.kind = "node_stopped";
    event.reason = exit ? exit.value().describe() : "still running";
    event.peak_rss_kib = exit ? exit->peak_rss_kib : 0;
    launcher_trace.write(event);
  }
}

ModeOutcome ModeRun::run() {
  fs::create_directories(mode_dir_);
  char socket_template[] = "/tmp/tearline-XXXXXX";
  if (!mkdtemp(socket_template)) throw std::runtime_error("cannot create a socket directory");
  const std::string socket_dir = socket_template;

  JsonlTraceWriter launcher_trace((mode_dir_ / "launcher.trace.jsonl").string());
  {
    TraceEvent event;
    event.wall_ms = unix_now_ms();
    event.node = "launcher";
    event.mode = mode_;
    event.kind = "run";
    event.run_json = run_info_json(scenario_, seed_, ms_per_h_);
    launcher_trace.write(event);
  }

  zmq::context_t context;
  std::vector<std::string> names;
  for (const NodeInfo& node : nodes_) names.push_back(node.name);
  ControlClient control(context, names, socket_dir);
  auto dead = [this] { return dead_nodes(); };

  spawn_all(socket_dir);
  write_nodes_file(socket_dir, std::nullopt, false);

  v1::ControlRequest ping;
  ping.mutable_ping();
  auto ready = control.broadcast(ping, names, kStartupTimeout, dead);
  for (const std::string& name : names) {
    if (!ready.count(name) && supervisor_.running(name)) {
      outcome_.failures.push_back("node " + name + " did not answer within " +
                                  std::to_string(kStartupTimeout.count()) + " s of starting");
    }
  }

  double end_h = 0;
  std::optional<int64_t> epoch_unix_ms;
  if (outcome_.failures.empty()) {
    const int64_t epoch_ms = unix_now_ms() + kStartLeadMs;
    v1::ControlRequest start;
    start.mutable_start()->set_epoch_unix_ms(epoch_ms);
    start.mutable_start()->set_ms_per_scenario_hour(ms_per_h_);
    start.mutable_start()->set_end_h(scenario_.duration_h);
    control.broadcast(start, names, kStartupTimeout, dead);
    epoch_unix_ms = epoch_ms;
    write_nodes_file(socket_dir, epoch_unix_ms, true);

    const ScaledWallClock clock(epoch_ms, ms_per_h_);
    Progress progress(mode_, scenario_.start_unix_s, scenario_.duration_h, !quiet_);
    while (clock.now_h() < scenario_.duration_h && outcome_.failures.empty() && !g_interrupted) {
      dead_nodes();
      progress.update(std::max(0.0, clock.now_h()));
      std::this_thread::sleep_for(kProgressTick);  // A timer tick for progress, not a sync.
    }
    end_h = std::clamp(clock.now_h(), 0.0, scenario_.duration_h);
    progress.finish(g_interrupted               ? "interrupted"
                    : outcome_.failures.empty() ? "scenario complete, stopping nodes"
                                                : "a node failed, stopping the others");
  }

  write_nodes_file(socket_dir, epoch_unix_ms, false);
  // Stop in two phases: first nobody sends any more, then everybody records
  // what it still holds, so nothing is in transit between two records.
  v1::ControlRequest freeze;
  freeze.mutable_freeze();
  control.broadcast(freeze, running_nodes(), kFreezeTimeout, dead);
  expecting_exit_ = true;
  v1::ControlRequest stop;
  stop.mutable_stop();
  const auto stopped = control.broadcast(stop, running_nodes(), kStopTimeout, dead);
  supervisor_.wait_all(kExitTimeoutMs);
  for (const std::string& name : running_nodes()) {
    outcome_.failures.push_back("node " + name + " did not stop; killed");
  }
  supervisor_.kill_all(SIGKILL);
  supervisor_.wait_all(kExitTimeoutMs);
  dead_nodes();
  record_exits(launcher_trace, end_h);
  launcher_trace.flush();

  fs::remove_all(socket_dir);
  for (const NodeInfo& node : nodes_) {
    const fs::path stderr_path = mode_dir_ / (node.name + ".stderr");
    std::error_code ignored;
    if (fs::exists(stderr_path) && fs::file_size(stderr_path) == 0)
      fs::remove(stderr_path, ignored);
  }
  return outcome_;
}

std::string default_run_dir(const std::string& scenario_name, uint64_t seed) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  return fmt::format("runs/{}-{}-seed{}", scenario_name, stamp, seed);
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

int run_command(const RunOptions& options) {
  Scenario scenario;
  const std::string scenario_path = resolve_scenario_path(options.scenario);
  try {
    scenario = load_scenario(scenario_path);
  } catch (const ScenarioError& error) {
    fmt::print(stderr, "tearline run: {}\n", error.what());
    return 2;
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
  fs::create_directories(run_dir);
  fs::copy_file(scenario_path, run_dir / "scenario.toml", fs::copy_options::overwrite_existing);
  const std::string run_scenario_path = fs::absolute(run_dir / "scenario.toml").string();

  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);

  std::vector<std::string> modes = {options.mode};
  if (options.mode == "both") modes = {"bilateral", "coordinated"};
  if (!options.quiet) {
    fmt::print(stderr, "tearline run: {} (seed {}, {} ms per scenario hour) into {}\n",
               scenario.name, seed, ms_per_h, run_dir.string());
  }
  std::vector<std::string> failures;
  for (const std::string& mode : modes) {
    if (g_interrupted) break;
    ModeRun mode_run(scenario, run_scenario_path, mode, seed, ms_per_h, run_dir / mode,
                     options.quiet);
    for (std::string& failure : mode_run.run().failures) failures.push_back(mode + ": " + failure);
  }

  std::vector<std::string> warnings;
  nlohmann::json report;
  try {
    report = build_report(run_dir.string(), &warnings);
  } catch (const ReportError& error) {
    fmt::print(stderr, "tearline run: no report: {}\n", error.what());
    return 1;
  }
  for (const std::string& warning : warnings) fmt::print(stderr, "tearline run: {}\n", warning);
  const std::string text = render_text(report);
  std::ofstream((run_dir / "report.json").string()) << report.dump(2) << "\n";
  std::ofstream((run_dir / "report.txt").string()) << text;
  if (!options.quiet) fmt::print("{}", text);

  int unaccounted = 0;
  for (const auto& [mode, mode_report] : report["modes"].items()) {
    const int count = mode_report["messages"]["unaccounted"].get<int>();
    if (count > 0) failures.push_back(fmt::format("{}: {} messages unaccounted", mode, count));
    unaccounted += count;
  }
  std::fflush(stdout);
  fmt::print(stderr, "tearline run: run directory {}\n", run_dir.string());
  if (g_interrupted) {
    fmt::print(stderr, "tearline run: interrupted\n");
    return 130;
  }
  for (const std::string& failure : failures)
    fmt::print(stderr, "tearline run: FAILED: {}\n", failure);
  return failures.empty() ? 0 : 1;
}

}  // namespace tearline
