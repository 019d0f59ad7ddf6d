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
#include <thread>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/clock.h"
#include "common/endpoints.h"
#include "common/link_layer.h"
#include "common/trace.h"
#include "launcher/control_client.h"
#include "launcher/fault_event_counter.h"
#include "launcher/fault_log.h"
#include "launcher/fault_schedule.h"
#include "launcher/progress.h"
#include "launcher/run_info.h"
#include "launcher/supervisor.h"
#include "sync/time_authority.h"

namespace tearline {

std::vector<std::pair<std::string, std::string>> nodes_of_mode(const Scenario& scenario,
                                                               const std::string& mode) {
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const AgencySpec& agency : scenario.agencies) nodes.emplace_back(agency.name, "agency");
  if (mode == "coordinated") nodes.emplace_back(scenario.broker.name, "broker");
  for (const UnitSpec& unit : scenario.units) nodes.emplace_back(unit.name, "unit");
  return nodes;
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartupTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kExitTimeoutMs = 5000;
// A round still waiting after this long is named on stderr (a node stopped
// from outside stalls the run: scenario time waits for it).
constexpr auto kStallNotice = std::chrono::seconds(5);
constexpr auto kPollStep = std::chrono::milliseconds(50);

std::string executable_dir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

std::string tail_of_file(const fs::path& path, size_t max_bytes) {
  std::ifstream in(path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

class ModeRun {
 public:
  ModeRun(const Scenario& scenario, const ModeRunOptions& options)
      : scenario_(scenario),
        options_(options),
        nodes_(nodes_of_mode(scenario, options.mode)),
        names_(names_of(nodes_)),
        authority_(
            names_,
            [&](const std::string& from, const std::string& to) {
              return least_transit_h(scenario, from, to);
            },
            scenario.duration_h),
        launcher_trace_((options.mode_dir / "launcher.trace.jsonl").string()),
        schedule_(schedule_for(scenario, names_)) {}

  ModeOutcome run();

 private:
  static std::vector<std::string> names_of(
      const std::vector<std::pair<std::string, std::string>>& nodes) {
    std::vector<std::string> names;
    for (const auto& [name, role] : nodes) names.push_back(name);
    return names;
  }

  // Spawns, pings and starts `node` at begin_h; false if it did not come up.
  bool bring_up(ControlClient& control, const std::string& node, double begin_h);
  // One round of grants, answered by every granted node still alive.
  void run_round(ControlClient& control, std::map<std::string, v1::Grant> grants);
  // Carries out what the schedule and restarts hold for at_h.
  void act_at(ControlClient& control, double at_h);
  void send_ahead_commands(ControlClient& control, const std::string& only_node, double from_h);
  // Collects exited nodes: records each exit, tells the time authority,
  // decides whether it was asked for, schedules restarts.
  void reap();
  size_t injected_deaths_of(const std::string& node);
  std::optional<double> next_action_h() const;
  // Waits until the wall clock allows scenario hour t_h (pacing), answering
  // the launcher's control endpoint meanwhile.
  void pace(double t_h);
  void handle_launcher_request();
  void write_nodes_file(bool live) const;
  void trace_launcher_event(TraceEvent event);
  std::vector<std::string> running_nodes() const;

  const Scenario& scenario_;
  ModeRunOptions options_;
  std::vector<std::pair<std::string, std::string>> nodes_;
  std::vector<std::string> names_;
  TimeAuthority authority_;
  JsonlTraceWriter launcher_trace_;
  Supervisor supervisor_;
  ModeOutcome outcome_;
  std::string socket_dir_;
  std::vector<ScheduledAction> schedule_;
  size_t next_action_ = 0;
  std::map<std::string, double> restart_at_h_;
  // Deaths the launcher caused, by node: their scenario hour.
  std::map<std::string, double> death_at_h_;
  std::map<std::string, size_t> deaths_by_node_;
  std::map<std::string, uint64_t> peak_rss_kib_;
  FaultEventCounter fault_events_;
  Clock::time_point began_ = Clock::now();
  Clock::time_point paced_from_;
  bool stopping_ = false;
  zmq::context_t context_;
  std::optional<zmq::socket_t> launcher_control_;
};

void ModeRun::trace_launcher_event(TraceEvent event) {
  event.wall_ms = unix_now_ms();
  event.mode = options_.mode;
  launcher_trace_.write(event);
  launcher_trace_.flush();
}

std::vector<std::string> ModeRun::running_nodes() const {
  std::vector<std::string> names;
  for (const std::string& name : names_) {
    if (supervisor_.running(name)) names.push_back(name);
  }
  return names;
}

size_t ModeRun::injected_deaths_of(const std::string& node) {
  return fault_events_.count(options_.mode_dir / (node + ".trace.jsonl"), "crash", "") +
         fault_events_.count(options_.mode_dir / "faults.trace.jsonl", "signal KILL", node);
}

void ModeRun::reap() {
  std::vector<std::string> exited = supervisor_.reap();
  std::sort(exited.begin(), exited.end());  // The same order whichever exited first.
  for (const std::string& name : exited) {
    const ChildExit exit = *supervisor_.exit_of(name);
    peak_rss_kib_[name] = std::max(peak_rss_kib_[name], exit.peak_rss_kib);
    const auto known = death_at_h_.find(name);
    const bool caused = known != death_at_h_.end();
    const double at_h = caused ? known->second : authority_.reached_h(name);
    if (caused) death_at_h_.erase(known);
    if (!caused && !stopping_) authority_.died(name, at_h);
    TraceEvent stopped;
    stopped.t_h = std::min(at_h, scenario_.duration_h);
    stopped.node = name;
    stopped.kind = "node_stopped";
    stopped.reason = exit.describe();
    trace_launcher_event(std::move(stopped));
    if (stopping_ && exit.clean()) continue;

    const size_t deaths = ++deaths_by_node_[name];
    const pid_t pid = supervisor_.pid_of(name);
    if (!stopping_ && (caused || injected_deaths_of(name) >= deaths)) {
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
    if (!stopping_ && options_.restart_delay_h && !restart_at_h_.contains(name)) {
      restart_at_h_[name] = at_h + *options_.restart_delay_h;
      authority_.will_start(name, restart_at_h_[name]);
    }
  }
}

bool ModeRun::bring_up(ControlClient& control, const std::string& node, double begin_h) {
  const auto role = std::find_if(nodes_.begin(), nodes_.end(),
                                 [&](const auto& entry) { return entry.first == node; });
  const std::string base = (options_.mode_dir / node).string();
  supervisor_.spawn(
      node,
      {executable_dir() + "/tearline-" + role->second, "--name", node, "--mode", options_.mode,
       "--scenario", options_.scenario_path, "--seed", std::to_string(options_.seed),
       "--socket-dir", socket_dir_, "--trace", base + ".trace.jsonl", "--log", base + ".log"},
      base + ".stderr");
  auto dead = [this] {
    reap();
    std::set<std::string> gone;
    for (const std::string& name : names_) {
      if (!supervisor_.running(name)) gone.insert(name);
    }
    return gone;
  };
  v1::ControlRequest ping;
  ping.set_issued_by("launcher");
  ping.mutable_ping();
  if (!control.broadcast(ping, {node}, kStartupTimeout, dead).contains(node)) return false;
  const uint32_t incarnation = authority_.incarnation(node) + 1;
  v1::ControlRequest start;
  start.set_issued_by("launcher");
  start.mutable_start()->set_begin_h(begin_h);
  start.mutable_start()->set_end_h(scenario_.duration_h);
  start.mutable_start()->set_incarnation(incarnation);
  const auto replies = control.broadcast(start, {node}, kStartupTimeout, dead);
  if (!replies.contains(node) || !replies.at(node).ok()) return false;
  authority_.started(node, begin_h, incarnation);
  return true;
}

void ModeRun::send_ahead_commands(ControlClient& control, const std::string& only_node,
                                  double from_h) {
  auto dead = [] { return std::set<std::string>{}; };
  for (const ScheduledAction& action : schedule_) {
    if (action.kind != ScheduledAction::Kind::kCommandAhead || action.at_h < from_h) continue;
    if (!only_node.empty() && action.node != only_node) continue;
    const auto replies = control.broadcast(*action.request, {action.node}, kStartupTimeout, dead);
    const auto reply = replies.find(action.node);
    if (reply == replies.end() || !reply->second.ok()) {
      fmt::print(stderr, "\n{}: scheduled fault on {} not accepted: {}\n", options_.mode,
                 action.node, reply == replies.end() ? "no answer" : reply->second.error());
    }
  }
}

std::optional<double> ModeRun::next_action_h() const {
  std::optional<double> next;
  for (size_t i = next_action_; i < schedule_.size(); ++i) {
    if (schedule_[i].kind != ScheduledAction::Kind::kCommandAhead) {
      next = schedule_[i].at_h;
      break;
    }
  }
  for (const auto& [node, at_h] : restart_at_h_) {
    if (!next || at_h < *next) next = at_h;
  }
  return next;
}

void ModeRun::act_at(ControlClient& control, double at_h) {
  for (; next_action_ < schedule_.size() && schedule_[next_action_].at_h <= at_h; ++next_action_) {
    const ScheduledAction& action = schedule_[next_action_];
    if (action.kind == ScheduledAction::Kind::kCommandAhead) continue;
    if (!supervisor_.running(action.node)) {
      fmt::print(stderr, "\n{}: scheduled fault on {} skipped: the node is not running\n",
                 options_.mode, action.node);
      continue;
    }
    if (action.kind == ScheduledAction::Kind::kCrash) {
      death_at_h_[action.node] = action.at_h;
      authority_.died(action.node, action.at_h);
      control.send(action.node, *action.request);
    } else {
      record_signal_fault(options_.mode_dir, options_.mode, action.node, action.signal, action.by,
                          action.at_h);
      if (action.signal == SIGKILL) {
        death_at_h_[action.node] = action.at_h;
        authority_.died(action.node, action.at_h);
      } else if (action.signal == SIGSTOP) {
        authority_.held(action.node, action.continue_at_h);
      } else if (action.signal == SIGCONT) {
        authority_.released(action.node, action.at_h);
      }
      kill(supervisor_.pid_of(action.node), action.signal);
    }
    if (action.restart_after_h) {
      restart_at_h_[action.node] = action.at_h + *action.restart_after_h;
      authority_.will_start(action.node, restart_at_h_[action.node]);
    }
  }
  for (auto it = restart_at_h_.begin(); it != restart_at_h_.end();) {
    if (it->second > at_h) {
      ++it;
      continue;
    }
    const std::string node = it->first;
    const double begin_h = it->second;
    it = restart_at_h_.erase(it);
    // A death the launcher caused is awaited, so the old process is gone.
    while (supervisor_.running(node) && death_at_h_.contains(node)) {
      supervisor_.wait_all(kPollStep.count());
      reap();
    }
    if (supervisor_.running(node)) continue;  // Its death did not happen.
    if (!bring_up(control, node, begin_h)) {
      outcome_.failures.push_back("node " + node + " did not come back after a restart");
      continue;
    }
    write_nodes_file(true);
    send_ahead_commands(control, node, begin_h);
    if (!options_.quiet) {
      fmt::print(stderr, "\n{}: node {} restarted at {:.1f} h (pid {})\n", options_.mode, node,
                 begin_h, supervisor_.pid_of(node));
    }
  }
}

void ModeRun::run_round(ControlClient& control, std::map<std::string, v1::Grant> grants) {
  std::map<std::string, uint64_t> awaiting;
  for (auto& [node, grant] : grants) {
    v1::ControlRequest request;
    request.set_issued_by("launcher");
    *request.mutable_grant() = std::move(grant);
    awaiting[node] = control.send(node, request);
  }
  const Clock::time_point began = Clock::now();
  bool noticed = false;
  bool check_exits = true;
  while (!awaiting.empty() && !options_.interrupted()) {
    if (check_exits) {
      reap();
      std::erase_if(awaiting, [&](const auto& entry) { return !supervisor_.running(entry.first); });
    }
    std::vector<zmq::pollitem_t> items;
    std::vector<std::string> order;
    for (const auto& [node, request_id] : awaiting) {
      items.push_back({control.socket(node).handle(), 0, ZMQ_POLLIN, 0});
      order.push_back(node);
    }
    for (const int fd : supervisor_.exit_fds()) items.push_back({nullptr, fd, ZMQ_POLLIN, 0});
    items.push_back({launcher_control_->handle(), 0, ZMQ_POLLIN, 0});
    try {
      zmq::poll(items, kPollStep);
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;
    }
    if (items.back().revents & ZMQ_POLLIN) handle_launcher_request();
    // Exits are collected when a pidfd says so, or at least every poll step.
    check_exits = std::any_of(items.begin() + static_cast<long>(order.size()), items.end() - 1,
                              [](const zmq::pollitem_t& item) { return item.revents != 0; }) ||
                  std::none_of(items.begin(), items.end(),
                               [](const zmq::pollitem_t& item) { return item.revents != 0; });
    for (size_t i = 0; i < order.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      const std::optional<v1::ControlReply> reply =
          control.receive(order[i], awaiting.at(order[i]));
      if (!reply) continue;
      if (reply->ok()) {
        authority_.report(order[i], reply->round_report());
      } else {
        outcome_.failures.push_back("node " + order[i] + " refused a grant: " + reply->error());
      }
      awaiting.erase(order[i]);
    }
    if (!noticed && !awaiting.empty() && Clock::now() - began > kStallNotice) {
      noticed = true;
      std::vector<std::string> names;
      for (const auto& [node, request_id] : awaiting) names.push_back(node);
      fmt::print(stderr, "\n{}: waiting for {} (stopped from outside?); scenario time waits\n",
                 options_.mode, fmt::join(names, ", "));
    }
  }
}

void ModeRun::pace(double t_h) {
  if (options_.ms_per_scenario_hour <= 0) return;
  const auto due =
      paced_from_ +
      std::chrono::microseconds(static_cast<int64_t>(t_h * options_.ms_per_scenario_hour * 1000));
  while (Clock::now() < due && !options_.interrupted()) {
    std::vector<zmq::pollitem_t> items = {{launcher_control_->handle(), 0, ZMQ_POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
    try {
      zmq::poll(items, std::clamp(left, std::chrono::milliseconds(0), kPollStep));
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;  // A signal (Ctrl-C) is checked above.
      continue;
    }
    if (items[0].revents & ZMQ_POLLIN) handle_launcher_request();
  }
}

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
  const double now_h = authority_.floor_h();
  if (!request.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    reply.set_error("malformed launcher request");
  } else if (!request.has_now() &&
             std::find(names_.begin(), names_.end(), request.node()) == names_.end()) {
    reply.set_request_id(request.request_id());
    reply.set_error("no node named \"" + request.node() + "\" in the " + options_.mode + " run");
  } else if (request.has_now()) {
    reply.set_request_id(request.request_id());
    reply.set_ok(true);
    reply.mutable_status()->set_now_h(now_h);
  } else if (!request.has_restart()) {
    reply.set_request_id(request.request_id());
    reply.set_error("launcher request without a command");
  } else if (!std::isfinite(request.restart().after_h()) || request.restart().after_h() < 0 ||
             request.restart().after_h() > scenario_.duration_h) {
    reply.set_request_id(request.request_id());
    reply.set_error("after_h must be between 0 and the scenario's duration");
  } else {
    reply.set_request_id(request.request_id());
    reply.set_ok(true);
    restart_at_h_[request.node()] = now_h + request.restart().after_h();
    authority_.will_start(request.node(), restart_at_h_[request.node()]);
    reply.mutable_status()->set_now_h(now_h);
  }
  launcher_control_->send(parts[0], zmq::send_flags::sndmore);
  launcher_control_->send(zmq::buffer(reply.SerializeAsString()), zmq::send_flags::none);
}

void ModeRun::write_nodes_file(bool live) const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [name, role] : nodes_) {
    nlohmann::json node = {{"name", name},
                           {"role", role},
                           {"pid", supervisor_.pid_of(name)},
                           {"control", control_endpoint(socket_dir_, name)},
                           {"data", data_endpoint(socket_dir_, name)}};
    if (const std::optional<ChildExit> exit = supervisor_.exit_of(name)) {
      node["exit"] = exit->describe();
    }
    // The largest of its lives, when one has ended.
    if (peak_rss_kib_.contains(name)) node["peak_rss_kib"] = peak_rss_kib_.at(name);
    nodes.push_back(node);
  }
  nlohmann::json file = {
      {"mode", options_.mode},
      {"live", live},
      {"launcher_pid", getpid()},
      {"launcher_control", "ipc://" + socket_dir_ + "/launcher.control"},
      {"ms_per_scenario_hour", options_.ms_per_scenario_hour},
      {"sync",
       {{"rounds", authority_.rounds()},
        {"wall_s", std::chrono::duration<double>(Clock::now() - began_).count()}}},
      {"nodes", nodes}};
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
    event.run_json = run_info_json(scenario_, options_.seed);
    trace_launcher_event(std::move(event));
  }
  launcher_control_.emplace(context_, zmq::socket_type::router);
  launcher_control_->set(zmq::sockopt::linger, 0);
  launcher_control_->bind("ipc://" + socket_dir_ + "/launcher.control");
  ControlClient control(context_, names_, socket_dir_);

  for (const std::string& name : names_) {
    if (!bring_up(control, name, 0)) {
      outcome_.failures.push_back(fmt::format("node {} did not answer within {} s of starting",
                                              name, kStartupTimeout.count()));
    }
  }
  if (outcome_.failures.empty()) {
    write_nodes_file(true);
    send_ahead_commands(control, "", 0);
    paced_from_ = Clock::now();
    Progress progress(options_.mode, scenario_.start_unix_s, scenario_.duration_h, !options_.quiet);
    const double end_h = scenario_.duration_h;
    while (outcome_.failures.empty() && !options_.interrupted()) {
      reap();
      const double cap_h = std::min(end_h, next_action_h().value_or(end_h));
      if (authority_.all_reached(cap_h)) {
        if (cap_h >= end_h) break;
        act_at(control, cap_h);
        continue;
      }
      pace(authority_.floor_h());
      std::map<std::string, v1::Grant> grants = authority_.next_round(cap_h);
      if (grants.empty()) {
        outcome_.failures.push_back(fmt::format(
            "scenario time is stuck at {} h: no node can advance (a bug)", authority_.floor_h()));
        break;
      }
      run_round(control, std::move(grants));
      progress.update(authority_.floor_h());
    }
    progress.finish(options_.interrupted()      ? "interrupted"
                    : outcome_.failures.empty() ? "scenario complete, stopping nodes"
                                                : "a node failed, stopping the others");
  }

  // Every node records what it still holds; a node held by SIGSTOP is let go
  // first so it can.
  stopping_ = true;
  supervisor_.kill_all(SIGCONT);
  v1::ControlRequest stop;
  stop.set_issued_by("launcher");
  stop.mutable_stop();
  control.broadcast(stop, running_nodes(), kStopTimeout, [this] {
    supervisor_.wait_all(0);  // Collects exits; reap() records them in name order below.
    std::set<std::string> gone;
    for (const std::string& name : names_) {
      if (!supervisor_.running(name)) gone.insert(name);
    }
    return gone;
  });
  supervisor_.wait_all(kExitTimeoutMs);
  for (const std::string& name : running_nodes()) {
    outcome_.failures.push_back("node " + name + " did not stop; killed");
  }
  supervisor_.kill_all(SIGKILL);
  supervisor_.wait_all(kExitTimeoutMs);
  reap();
  write_nodes_file(false);

  fs::remove_all(socket_dir_);
  for (const std::string& name : names_) {
    const fs::path stderr_path = options_.mode_dir / (name + ".stderr");
    std::error_code ignored;
    if (fs::exists(stderr_path) && fs::file_size(stderr_path) == 0) {
      fs::remove(stderr_path, ignored);
    }
  }
  outcome_.rounds = authority_.rounds();
  outcome_.wall_s = std::chrono::duration<double>(Clock::now() - began_).count();
  return outcome_;
}

}  // namespace

ModeOutcome run_mode(const Scenario& scenario, const ModeRunOptions& options) {
  std::filesystem::create_directories(options.mode_dir);
  ModeRun run(scenario, options);
  return run.run();
}

}  // namespace tearline
