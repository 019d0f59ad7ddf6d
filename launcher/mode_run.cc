#include "launcher/mode_run.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/clock.h"
#include "common/endpoints.h"
#include "common/trace.h"
#include "launcher/control_client.h"
#include "launcher/fault_event_counter.h"
#include "launcher/fault_log.h"
#include "launcher/progress.h"
#include "launcher/supervisor.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

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

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string tail_of_file(const fs::path& path, size_t max_bytes) {
  std::string text = read_file(path);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// One step of the fault schedule: a control command or a signal for a node.
struct ScheduledAction {
  double at_h = 0;
  std::string node;
  std::optional<v1::ControlRequest> request;  // Else `signal`.
  int signal = 0;
  std::optional<double> restart_after_h;
  std::string by;  // Who scheduled it: "schedule" or "chaos".
};

// The scenario's faults as timed actions, each undo its own action, in time
// order. Faults on nodes this mode does not run (the broker in bilateral
// mode) are left out.
std::vector<ScheduledAction> schedule_for(const Scenario& scenario,
                                          const std::vector<NodeInfo>& nodes) {
  std::vector<ScheduledAction> actions;
  for (const FaultSpec& fault : scenario.faults) {
    if (std::none_of(nodes.begin(), nodes.end(),
                     [&](const NodeInfo& node) { return node.name == fault.node; })) {
      continue;
    }
    ScheduledAction action{
        fault.at_h, fault.node, std::nullopt, 0, fault.restart_after_h, fault.request.issued_by()};
    if (fault.command == "kill" || fault.command == "stop") {
      action.signal = fault.command == "kill" ? SIGKILL : SIGSTOP;
    } else {
      action.request = fault.request;
      action.request->set_at_h(fault.at_h);
    }
    actions.push_back(action);
    if (!fault.for_h) continue;
    ScheduledAction undo{fault.at_h + *fault.for_h, fault.node, std::nullopt, 0, std::nullopt,
                         fault.request.issued_by()};
    if (fault.command == "stop") {
      undo.signal = SIGCONT;
    } else {
      v1::ControlRequest request;
      request.set_issued_by(fault.request.issued_by());
      if (fault.command == "pause") request.mutable_resume();
      if (fault.command == "partition") request.mutable_heal();
      if (fault.command == "link") {
        request.mutable_link()->set_peer(fault.request.link().peer());
        request.mutable_link()->set_reset(true);
      }
      if (fault.command == "queue") {
        request.mutable_queue()->set_name(fault.request.queue().name());
        request.mutable_queue()->set_reset(true);
      }
      request.set_at_h(undo.at_h);
      undo.request = request;
    }
    actions.push_back(undo);
  }
  std::stable_sort(
      actions.begin(), actions.end(),
      [](const ScheduledAction& a, const ScheduledAction& b) { return a.at_h < b.at_h; });
  return actions;
}

class ModeRun {
 public:
  ModeRun(const Scenario& scenario, const ModeRunOptions& options)
      : scenario_(scenario),
        options_(options),
        nodes_(nodes_for(scenario, options.mode)),
        launcher_trace_((options.mode_dir / "launcher.trace.jsonl").string()),
        schedule_(schedule_for(scenario, nodes_)) {}

  ModeOutcome run();

 private:
  // Collects exited nodes: records each exit, decides whether it was asked
  // for, schedules restarts. Returns the nodes not running.
  std::set<std::string> reap();
  // How many deaths of `node` fault commands have asked for so far: crash
  // commands the node traced itself, and SIGKILLs recorded by the launcher
  // and fault tools.
  size_t injected_deaths_of(const std::string& node);
  std::vector<std::string> running_nodes() const;
  std::vector<std::string> spawn_args(const NodeInfo& node) const;
  void spawn(const NodeInfo& node);
  // Spawns the nodes whose restart is due and pings them, without waiting:
  // advance_restarts() starts them once they answer.
  void restart_due_nodes(ControlClient& control);
  // Moves each restarting node on when its reply has come: pinged, then
  // started, then sent its scheduled commands. Never waits, so due faults on
  // other nodes land on time meanwhile.
  void advance_restarts(ControlClient& control);
  // Sends the schedule's control commands (for `only_node`, if not empty)
  // that are still ahead; nodes carry each out at its scenario hour.
  void send_scheduled_commands(ControlClient& control, const std::string& only_node);
  // Sends the scheduled signals that are due and schedules restarts.
  void apply_due_faults();
  // Scenario hour of the next scheduled fault or restart, if any.
  std::optional<double> next_action_h() const;
  void write_nodes_file(bool live) const;
  // Answers requests on the launcher's own control endpoint (restarts).
  void handle_launcher_request();
  void trace_launcher_event(TraceEvent event);
  double now_h() const { return clock_ ? std::max(0.0, clock_->now_h()) : 0; }

  const Scenario& scenario_;
  ModeRunOptions options_;
  std::vector<NodeInfo> nodes_;
  JsonlTraceWriter launcher_trace_;
  Supervisor supervisor_;
  ModeOutcome outcome_;
  std::string socket_dir_;
  std::optional<ScaledWallClock> clock_;
  std::optional<int64_t> epoch_unix_ms_;
  bool stopping_ = false;
  std::map<std::string, size_t> deaths_by_node_;
  FaultEventCounter fault_events_;
  std::map<std::string, double> restart_at_h_by_node_;
  // A restarted node not yet started: the request it has yet to answer.
  struct Restarting {
    bool pinged = true;  // Awaiting the ping's reply, else the start's.
    uint64_t request_id = 0;
    std::chrono::steady_clock::time_point deadline;
  };
  std::map<std::string, Restarting> restarting_;
  std::vector<ScheduledAction> schedule_;
  size_t next_action_ = 0;
  // Declared in this order so the socket closes before its context.
  zmq::context_t context_;
  std::optional<zmq::socket_t> launcher_control_;
};

void ModeRun::handle_launcher_request() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(*launcher_control_, std::back_inserter(parts),
                           zmq::recv_flags::dontwait) ||
      parts.size() != 2) {
    return;
  }
  v1::LauncherRequest request;
  v1::ControlReply reply;
  reply.set_node("launcher");
  reply.set_ok(false);
  if (!request.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    reply.set_error("malformed launcher request");
  } else if (std::none_of(nodes_.begin(), nodes_.end(),
                          [&](const NodeInfo& node) { return node.name == request.node(); })) {
    reply.set_request_id(request.request_id());
    reply.set_error("no node named \"" + request.node() + "\" in the " + options_.mode + " run");
  } else if (!request.has_restart()) {
    reply.set_request_id(request.request_id());
    reply.set_error("launcher request without a command");
  } else {
    reply.set_request_id(request.request_id());
    reply.set_ok(true);
    restart_at_h_by_node_[request.node()] = now_h() + request.restart().after_h();
    reply.mutable_status()->set_now_h(now_h());
  }
  launcher_control_->send(parts[0], zmq::send_flags::sndmore);
  launcher_control_->send(zmq::buffer(reply.SerializeAsString()), zmq::send_flags::none);
}

std::optional<double> ModeRun::next_action_h() const {
  std::optional<double> next;
  if (next_action_ < schedule_.size()) next = schedule_[next_action_].at_h;
  for (const auto& [node, at_h] : restart_at_h_by_node_) {
    if (!next || at_h < *next) next = at_h;
  }
  return next;
}

void ModeRun::send_scheduled_commands(ControlClient& control, const std::string& only_node) {
  auto dead = [this] { return reap(); };
  for (const ScheduledAction& action : schedule_) {
    if (!action.request || action.at_h < now_h()) continue;
    if (!only_node.empty() && action.node != only_node) continue;
    const auto replies = control.broadcast(*action.request, {action.node}, kStartupTimeout, dead);
    const auto reply = replies.find(action.node);
    if (reply == replies.end() || !reply->second.ok()) {
      fmt::print(stderr, "\n{}: scheduled fault on {} not accepted: {}\n", options_.mode,
                 action.node, reply == replies.end() ? "no answer" : reply->second.error());
    }
  }
}

void ModeRun::apply_due_faults() {
  while (next_action_ < schedule_.size() && schedule_[next_action_].at_h <= now_h()) {
    const ScheduledAction& action = schedule_[next_action_++];
    if (!action.request) {
      if (!supervisor_.running(action.node)) {
        fmt::print(stderr, "\n{}: scheduled signal for {} skipped: the node is not running\n",
                   options_.mode, action.node);
        continue;
      }
      record_signal_fault(options_.mode_dir, options_.mode, action.node, action.signal, action.by,
                          now_h());
      kill(supervisor_.pid_of(action.node), action.signal);
    }
    // A crash command was sent ahead; the launcher only restarts.
    if (action.restart_after_h) {
      restart_at_h_by_node_[action.node] = action.at_h + *action.restart_after_h;
    }
  }
}

void ModeRun::trace_launcher_event(TraceEvent event) {
  event.wall_ms = unix_now_ms();
  event.mode = options_.mode;
  launcher_trace_.write(event);
  launcher_trace_.flush();
}

size_t ModeRun::injected_deaths_of(const std::string& node) {
  return fault_events_.count(options_.mode_dir / (node + ".trace.jsonl"), "crash", "") +
         fault_events_.count(options_.mode_dir / "faults.trace.jsonl", "signal KILL", node);
}

std::set<std::string> ModeRun::reap() {
  for (const std::string& name : supervisor_.reap()) {
    const ChildExit exit = *supervisor_.exit_of(name);
    TraceEvent stopped;
    stopped.t_h = std::min(now_h(), scenario_.duration_h);
    stopped.node = name;
    stopped.kind = "node_stopped";
    stopped.reason = exit.describe();
    stopped.peak_rss_kib = exit.peak_rss_kib;
    trace_launcher_event(std::move(stopped));
    if (stopping_ && exit.clean()) continue;

    const size_t deaths = ++deaths_by_node_[name];
    const pid_t pid = supervisor_.pid_of(name);
    if (!stopping_ && injected_deaths_of(name) >= deaths) {
      const std::string message = fmt::format("node {} (pid {}) stopped by an injected fault: {}",
                                              name, pid, exit.describe());
      outcome_.injected_deaths.push_back(message);
      if (!options_.quiet) fmt::print(stderr, "\n{}: {}\n", options_.mode, message);
    } else {
      std::string message =
          fmt::format("node {} (pid {}) died unexpectedly: {}", name, pid, exit.describe());
      const std::string stderr_text = tail_of_file(options_.mode_dir / (name + ".stderr"), 400);
      if (!stderr_text.empty()) message += "; its stderr: " + stderr_text;
      outcome_.failures.push_back(message);
      fmt::print(stderr, "\ntearline run: {}\n", message);
    }
    if (!stopping_ && options_.restart_delay_h && !restart_at_h_by_node_.contains(name)) {
      restart_at_h_by_node_[name] = now_h() + *options_.restart_delay_h;
    }
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

std::vector<std::string> ModeRun::spawn_args(const NodeInfo& node) const {
  const std::string base = (options_.mode_dir / node.name).string();
  return {executable_dir() + "/tearline-" + node.role,
          "--name",
          node.name,
          "--mode",
          options_.mode,
          "--scenario",
          options_.scenario_path,
          "--seed",
          std::to_string(options_.seed),
          "--socket-dir",
          socket_dir_,
          "--trace",
          base + ".trace.jsonl",
          "--log",
          base + ".log"};
}

void ModeRun::spawn(const NodeInfo& node) {
  supervisor_.spawn(node.name, spawn_args(node),
                    (options_.mode_dir / (node.name + ".stderr")).string());
}

void ModeRun::restart_due_nodes(ControlClient& control) {
  for (auto it = restart_at_h_by_node_.begin(); it != restart_at_h_by_node_.end();) {
    if (it->second > now_h()) {
      ++it;
      continue;
    }
    const std::string name = it->first;
    it = restart_at_h_by_node_.erase(it);
    if (supervisor_.running(name)) continue;  // Its crash did not happen.
    const auto node = std::find_if(nodes_.begin(), nodes_.end(),
                                   [&](const NodeInfo& info) { return info.name == name; });
    spawn(*node);
    write_nodes_file(true);
    v1::ControlRequest ping;
    ping.set_issued_by("launcher");
    ping.mutable_ping();
    restarting_[name] = {true, control.send(name, ping),
                         std::chrono::steady_clock::now() + kStartupTimeout};
  }
}

void ModeRun::advance_restarts(ControlClient& control) {
  for (auto it = restarting_.begin(); it != restarting_.end();) {
    const std::string& name = it->first;
    Restarting& restart = it->second;
    if (!supervisor_.running(name)) {  // Died again: reap() has said so.
      it = restarting_.erase(it);
      continue;
    }
    if (std::chrono::steady_clock::now() >= restart.deadline) {
      outcome_.failures.push_back("node " + name + " did not come back after a restart");
      it = restarting_.erase(it);
      continue;
    }
    if (!control.receive(name, restart.request_id)) {
      ++it;
      continue;
    }
    if (restart.pinged) {
      v1::ControlRequest start;
      start.set_issued_by("launcher");
      start.mutable_start()->set_epoch_unix_ms(*epoch_unix_ms_);
      start.mutable_start()->set_ms_per_scenario_hour(options_.ms_per_scenario_hour);
      start.mutable_start()->set_end_h(scenario_.duration_h);
      restart.pinged = false;
      restart.request_id = control.send(name, start);
      ++it;
      continue;
    }
    send_scheduled_commands(control, name);
    if (!options_.quiet) {
      fmt::print(stderr, "\n{}: node {} restarted (pid {})\n", options_.mode, name,
                 supervisor_.pid_of(name));
    }
    it = restarting_.erase(it);
  }
}

void ModeRun::write_nodes_file(bool live) const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeInfo& node : nodes_) {
    nodes.push_back({{"name", node.name},
                     {"role", node.role},
                     {"pid", supervisor_.pid_of(node.name)},
                     {"control", control_endpoint(socket_dir_, node.name)},
                     {"data", data_endpoint(socket_dir_, node.name)}});
  }
  nlohmann::json file = {{"mode", options_.mode},
                         {"live", live},
                         {"launcher_pid", getpid()},
                         {"launcher_control", "ipc://" + socket_dir_ + "/launcher.control"},
                         {"clock", nullptr},
                         {"nodes", nodes}};
  if (epoch_unix_ms_) {
    file["clock"] = {{"epoch_unix_ms", *epoch_unix_ms_},
                     {"ms_per_scenario_hour", options_.ms_per_scenario_hour}};
  }
  // Written whole, then renamed: fault tools read it while the run is live.
  const fs::path partial = options_.mode_dir / "nodes.json.partial";
  std::ofstream(partial.string()) << file.dump(2) << "\n";
  fs::rename(partial, options_.mode_dir / "nodes.json");
}

ModeOutcome ModeRun::run() {
  char socket_template[] = "/tmp/tearline-XXXXXX";
  if (!mkdtemp(socket_template)) throw std::runtime_error("cannot create a socket directory");
  socket_dir_ = socket_template;
  {
    TraceEvent event;
    event.node = "launcher";
    event.kind = "run";
    event.run_json = run_info_json(scenario_, options_.seed, options_.ms_per_scenario_hour);
    trace_launcher_event(std::move(event));
  }

  launcher_control_.emplace(context_, zmq::socket_type::router);
  launcher_control_->set(zmq::sockopt::linger, 0);
  launcher_control_->bind("ipc://" + socket_dir_ + "/launcher.control");
  std::vector<std::string> names;
  for (const NodeInfo& node : nodes_) names.push_back(node.name);
  ControlClient control(context_, names, socket_dir_);
  auto dead = [this] { return reap(); };

  for (const NodeInfo& node : nodes_) spawn(node);
  write_nodes_file(false);

  v1::ControlRequest ping;
  ping.set_issued_by("launcher");
  ping.mutable_ping();
  const auto ready = control.broadcast(ping, names, kStartupTimeout, dead);
  for (const std::string& name : names) {
    if (!ready.count(name) && supervisor_.running(name)) {
      outcome_.failures.push_back(fmt::format("node {} did not answer within {} s of starting",
                                              name, kStartupTimeout.count()));
    }
  }

  if (outcome_.failures.empty()) {
    epoch_unix_ms_ = unix_now_ms() + kStartLeadMs;
    v1::ControlRequest start;
    start.set_issued_by("launcher");
    start.mutable_start()->set_epoch_unix_ms(*epoch_unix_ms_);
    start.mutable_start()->set_ms_per_scenario_hour(options_.ms_per_scenario_hour);
    start.mutable_start()->set_end_h(scenario_.duration_h);
    control.broadcast(start, names, kStartupTimeout, dead);
    clock_.emplace(*epoch_unix_ms_, options_.ms_per_scenario_hour);
    write_nodes_file(true);
    send_scheduled_commands(control, "");

    Progress progress(options_.mode, scenario_.start_unix_s, scenario_.duration_h, !options_.quiet);
    while (clock_->now_h() < scenario_.duration_h && outcome_.failures.empty() &&
           !options_.interrupted()) {
      reap();
      apply_due_faults();
      restart_due_nodes(control);
      advance_restarts(control);
      progress.update(now_h());
      // Until the next scheduled action, progress tick or launcher request.
      auto wait = kProgressTick;
      if (const std::optional<double> next_h = next_action_h()) {
        const auto until_next = std::chrono::milliseconds(
            std::max<int64_t>(0, static_cast<int64_t>(clock_->wall_ms_until(*next_h))));
        wait = std::min<std::chrono::milliseconds>(wait, until_next);
      }
      std::vector<zmq::pollitem_t> items = {{launcher_control_->handle(), 0, ZMQ_POLLIN, 0}};
      // A node's death wakes the loop at once, so it is traced at its hour.
      for (const int fd : supervisor_.exit_fds()) items.push_back({nullptr, fd, ZMQ_POLLIN, 0});
      for (const auto& [name, restart] : restarting_) {
        items.push_back({control.socket(name).handle(), 0, ZMQ_POLLIN, 0});
      }
      try {
        zmq::poll(items, wait);
      } catch (const zmq::error_t& error) {
        if (error.num() != EINTR) throw;
      }
      if (items[0].revents & ZMQ_POLLIN) handle_launcher_request();
    }
    progress.finish(options_.interrupted()      ? "interrupted"
                    : outcome_.failures.empty() ? "scenario complete, stopping nodes"
                                                : "a node failed, stopping the others");
  }

  write_nodes_file(false);
  // Stop in two phases: first nobody sends any more, then everybody records
  // what it still holds, so nothing is in transit between two records.
  v1::ControlRequest freeze;
  freeze.set_issued_by("launcher");
  freeze.mutable_freeze();
  control.broadcast(freeze, running_nodes(), kFreezeTimeout, dead);
  stopping_ = true;
  v1::ControlRequest stop;
  stop.set_issued_by("launcher");
  stop.mutable_stop();
  control.broadcast(stop, running_nodes(), kStopTimeout, dead);
  supervisor_.wait_all(kExitTimeoutMs);
  for (const std::string& name : running_nodes()) {
    outcome_.failures.push_back("node " + name + " did not stop; killed");
  }
  supervisor_.kill_all(SIGKILL);
  supervisor_.wait_all(kExitTimeoutMs);
  reap();

  fs::remove_all(socket_dir_);
  for (const NodeInfo& node : nodes_) {
    const fs::path stderr_path = options_.mode_dir / (node.name + ".stderr");
    std::error_code ignored;
    if (fs::exists(stderr_path) && fs::file_size(stderr_path) == 0) {
      fs::remove(stderr_path, ignored);
    }
  }
  return outcome_;
}

}  // namespace

ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options) {
  std::filesystem::create_directories(options.mode_dir);
  ModeRun run(scenario, options);
  return run.run();
}

}  // namespace tearline
