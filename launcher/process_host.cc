#include "launcher/process_host.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <zmq_addon.hpp>

#include "base/whole_file.h"
#include "launcher/parts/node_parts.h"
#include "launcher/process_host_timing.h"
#include "launcher/slurm/slurm_steps.h"
#include "runtime/control_channel.h"
#include "scenario/endpoints.h"
#include "security/curve.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

std::string executable_dir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

// Socket folders are named after their launcher's pid; one whose launcher
// is gone (killed, so it could not remove it) is removed by the next run.
void remove_orphaned_socket_dirs() {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/tmp", error)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    if (std::sscanf(name.c_str(), "tearline-%d-", &pid) != 1 || pid <= 0) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), error);
  }
}

}  // namespace

ProcessHost::ProcessHost(ProcessHostOptions options, WallClock& clock)
    : options_(std::move(options)), clock_(clock) {
  std::vector<std::string> names;
  for (const auto& [name, role] : options_.nodes) names.push_back(name);
  if (!options_.hosts_file.empty()) {
    endpoints_ = Endpoints::from_hosts_file(options_.hosts_file, options_.scenario_nodes);
  } else {
    remove_orphaned_socket_dirs();
    std::string socket_template = fmt::format("/tmp/tearline-{}-XXXXXX", getpid());
    if (!mkdtemp(socket_template.data())) {
      throw std::runtime_error(std::string("cannot create a socket directory in /tmp: ") +
                               std::strerror(errno));
    }
    socket_dir_ = socket_template;
    endpoints_ = Endpoints::in_folder(socket_dir_, names);
  }
  // A control socket per process, beyond ZeroMQ's default limit of 1,023.
  constexpr int kOwnSockets = 8;  // The launcher's endpoint, ZAP.
  context_.set(zmq::ctxopt::max_sockets, static_cast<int>(names.size()) + kOwnSockets);
  key_ = load_member_key(member_key_path(options_.keys_dir, kLauncherMember));
  public_keys_ = load_public_keys(public_keys_path(options_.keys_dir));
  zap_.emplace(context_, public_keys_, ZapPolicy{{kLauncherDomain, {kOperatorMember}}}, nullptr);
  launcher_control_.emplace(context_, zmq::socket_type::router);
  make_curve_server(*launcher_control_, key_, kLauncherDomain);
  launcher_control_->set(zmq::sockopt::linger, 0);
  launcher_control_->set(zmq::sockopt::maxmsgsize, int64_t{64 * 1024});
  launcher_control_->bind(endpoints_.launcher_control());
  // A node started here, as a child of this process, is reached over its
  // control channel (made at spawn); one started through a wrapper or on
  // another host over its CURVE control socket.
  std::vector<std::string> over_sockets;
  for (const std::string& name : names) {
    if (!has_channel(name)) over_sockets.push_back(name);
  }
  control_.emplace(context_, over_sockets, endpoints_, key_, public_keys_, clock_,
                   options_.member_of);
  std::set<std::string> nodes;  // A centre's two members are one node.
  for (const auto& [process, role] : options_.nodes) nodes.insert(node_of(process));
  write_node_parts(options_.mode_dir, options_.scenario_path, nodes, public_keys_);
  // Every process starts at once; start() then only waits for each.
  for (const auto& [name, role] : options_.nodes) spawn(name, role);
}

std::string ProcessHost::process_of(const std::string& node) const {
  const auto host = hosts_.find(node);
  return host == hosts_.end() ? node : host->second;
}

std::string ProcessHost::node_of(const std::string& process) const {
  const auto member = options_.member_of.find(process);
  return member == options_.member_of.end() ? process : member->second;
}

bool ProcessHost::has_channel(const std::string& process) const {
  return options_.control_channel && options_.hosts_file.empty() &&
         endpoints_.of(process).wrapper.empty();
}

void ProcessHost::spawn(const std::string& process, const std::string& role) {
  std::vector<std::string> command = node_command_line(
      options_, endpoints_.of(process).wrapper, socket_dir_, executable_dir(), process, role);
  const std::string stderr_path = (options_.mode_dir / (process + ".stderr")).string();
  if (!has_channel(process)) {
    supervisor_.spawn(process, command, stderr_path);
    return;
  }
  // The node's end goes to the child alone, and is closed here once it has it.
  auto [launcher_end, node_end] = ControlChannel::make_pair();
  command.insert(command.end(), {"--control-fd", std::to_string(node_end.fd())});
  supervisor_.spawn(process, command, stderr_path, node_end.fd());
  control_->attach(process, std::move(launcher_end));
}

std::vector<std::string> node_command_line(const ProcessHostOptions& options,
                                           std::vector<std::string> wrapper,
                                           const std::string& socket_dir,
                                           const std::string& executable_dir,
                                           const std::string& process, const std::string& role) {
  const std::string base = (options.mode_dir / process).string();
  const auto member = options.member_of.find(process);
  const std::string node = member == options.member_of.end() ? process : member->second;
  std::vector<std::string> command = std::move(wrapper);
  for (const std::string& word :
       {executable_dir + "/tearline-" + role, std::string("--name"), node, std::string("--member"),
        process, std::string("--mode"), options.mode, std::string("--scenario"),
        part_path(options.mode_dir, node).string(), std::string("--roster"),
        roster_path(options.mode_dir, role).string(), std::string("--seed"),
        std::to_string(options.seed), std::string("--keys"), options.keys_dir.string(),
        std::string("--trace"), base + ".trace.jsonl", std::string("--log"), base + ".log"}) {
    command.push_back(word);
  }
  if (options.journaled_nodes.contains(process)) {
    command.insert(command.end(), {"--journal", base + ".journal"});
    if (!options.journal_sync) command.push_back("--no-journal-sync");
  }
  if (options.hosts_file.empty()) {
    command.insert(command.end(), {"--socket-dir", socket_dir});
  } else {
    command.insert(command.end(), {"--hosts", options.hosts_file});
  }
  return command;
}

ProcessHost::~ProcessHost() {
  std::error_code ignored;
  if (!socket_dir_.empty()) fs::remove_all(socket_dir_, ignored);
  fs::remove_all(parts_dir(options_.mode_dir), ignored);
  for (const auto& [name, role] : options_.nodes) {
    const fs::path stderr_path = options_.mode_dir / (name + ".stderr");
    if (fs::exists(stderr_path, ignored) && fs::file_size(stderr_path, ignored) == 0) {
      fs::remove(stderr_path, ignored);
    }
  }
}

std::string ProcessHost::stderr_tail(const std::string& node) const {
  constexpr size_t kTailBytesMax = 400;
  std::ifstream in(options_.mode_dir / (node + ".stderr"));
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.size() > kTailBytesMax) text = "..." + text.substr(text.size() - kTailBytesMax);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::set<std::string> ProcessHost::ended() {
  supervisor_.wait_all(0);  // Collects exits; collect_exits() reports them.
  std::set<std::string> gone;
  for (const auto& [name, role] : options_.nodes) {
    if (!supervisor_.running(name)) gone.insert(name);
  }
  return gone;
}

std::vector<std::string> ProcessHost::running_nodes() const {
  std::vector<std::string> names;
  for (const auto& [name, role] : options_.nodes) {
    if (supervisor_.running(name)) names.push_back(name);
  }
  return names;
}

bool ProcessHost::launch(const std::string& process, std::string* error) {
  if (!supervisor_.running(process)) {  // A restart: its first process started with the others.
    const auto role = std::find_if(options_.nodes.begin(), options_.nodes.end(),
                                   [&](const auto& entry) { return entry.first == process; });
    spawn(process, role->second);
  }
  const auto dead = [this] { return ended(); };
  v1::ControlRequest ping;
  ping.set_issued_by("launcher");
  ping.mutable_ping();
  if (!control_->broadcast(ping, {process}, kStartupTimeout, dead).contains(process)) {
    *error = fmt::format("node {} did not answer within {} s of starting", process,
                         kStartupTimeout.count());
    return false;
  }
  return true;
}

bool ProcessHost::launch_passive(const std::string& member, std::string* error) {
  return launch(member, error);
}

bool ProcessHost::start(const std::string& node, const v1::Start& start, std::string* error) {
  const std::string process = process_of(node);
  if (!launch(process, error)) return false;
  v1::ControlRequest request;
  request.set_issued_by("launcher");
  *request.mutable_start() = start;
  return command(node, request, error);
}

bool ProcessHost::command(const std::string& node, const v1::ControlRequest& request,
                          std::string* error) {
  const std::string process = process_of(node);
  const auto replies =
      control_->broadcast(request, {process}, kStartupTimeout, [this] { return ended(); });
  const auto reply = replies.find(process);
  if (reply == replies.end()) return *error = "no answer from " + process, false;
  if (!reply->second.ok()) return *error = reply->second.error(), false;
  return true;
}

bool ProcessHost::poll(std::vector<zmq::pollitem_t> items, std::chrono::milliseconds timeout,
                       std::vector<zmq::pollitem_t>* result) {
  const size_t own = items.size();
  for (const int fd : supervisor_.exit_fds()) items.push_back({nullptr, fd, ZMQ_POLLIN, 0});
  items.push_back({launcher_control_->handle(), 0, ZMQ_POLLIN, 0});
  int ready = 0;
  try {
    ready = zmq::poll(items, timeout);
  } catch (const zmq::error_t& error) {
    if (error.num() != EINTR) throw;  // A signal (Ctrl-C): the caller checks.
  }
  if (items.back().revents & ZMQ_POLLIN) handle_launcher_request();
  const bool exited = std::any_of(items.begin() + static_cast<std::ptrdiff_t>(own), items.end() - 1,
                                  [](const auto& item) { return item.revents; });
  items.resize(own);
  *result = std::move(items);
  return exited || ready == 0;
}

void ProcessHost::signal(const std::string& node, int signal) {
  // Never a pid that is not a running child's (kill(-1) would signal every
  // process of the user; a reaped pid may be someone else's).
  if (!supervisor_.running(node)) return;
  if (endpoints_.of(node).slurm_step.empty()) {
    kill(supervisor_.pid_of(node), signal);
    return;
  }
  signal_steps({node}, signal);
}

void ProcessHost::signal_steps(const std::vector<std::string>& processes, int signal) {
  std::map<std::string, std::vector<std::string>> steps_of_job;
  for (const std::string& process : processes) {
    const NodeEndpoints& where = endpoints_.of(process);
    if (!where.slurm_step.empty()) steps_of_job[where.slurm_job].push_back(where.slurm_step);
  }
  for (const auto& [job, steps] : steps_of_job) {
    if (const std::string error = signal_slurm_steps(job, steps, signal); !error.empty()) {
      fmt::print(stderr, "\n{}: {}\n", options_.mode, error);
    }
  }
}

void ProcessHost::await_end(const std::string& node) {
  // A node told to crash ends at once; one that does not (stuck) is killed,
  // so the launcher never waits for it unboundedly.
  const WallClock::Time give_up = clock_.now() + std::chrono::milliseconds(kExitTimeoutMs);
  while (supervisor_.running(node) && clock_.now() < give_up) {
    supervisor_.wait_all(kPollStep.count());
  }
  if (!supervisor_.running(node)) return;
  signal(node, SIGKILL);
  kill(supervisor_.pid_of(node), SIGKILL);  // Its srun too, if a Slurm step: ends the wait.
  while (supervisor_.running(node)) supervisor_.wait_all(kPollStep.count());
}

std::vector<NodeExit> ProcessHost::collect_exits() {
  if (!supervisor_.may_have_exited()) return {};
  std::vector<NodeExit> exits;
  for (const std::string& name : supervisor_.reap()) {
    ChildExit exit = *supervisor_.exit_of(name);
    if (!endpoints_.of(name).slurm_step.empty() && exit.signal == 0) {
      if (const int task_signal = task_signal_of_srun_exit(exit.exit_code)) {
        exit = {.exit_code = -1, .signal = task_signal};
      }
    }
    exits.push_back({name, exit.describe(), exit.clean()});
  }
  // The same order whichever exited first.
  std::sort(exits.begin(), exits.end(),
            [](const NodeExit& a, const NodeExit& b) { return a.node < b.node; });
  return exits;
}

void ProcessHost::stop_all(std::vector<std::string>* failures) {
  // A node held by SIGSTOP is let go first, so it can record what it holds.
  supervisor_.kill_all(SIGCONT);
  if (runs_as_steps()) signal_steps(running_nodes(), SIGCONT);
  v1::ControlRequest stop;
  stop.set_issued_by("launcher");
  stop.mutable_stop();
  control_->broadcast(stop, running_nodes(), kStopTimeout, [this] { return ended(); });
  supervisor_.wait_all(kExitTimeoutMs);
  for (const std::string& name : running_nodes()) {
    failures->push_back("node " + name + " did not stop; killed");
  }
  // Through Slurm first: a step's task need not end with its srun.
  if (runs_as_steps() && !running_nodes().empty()) signal_steps(running_nodes(), SIGKILL);
  supervisor_.kill_all(SIGKILL);
  supervisor_.wait_all(kExitTimeoutMs);
}

bool ProcessHost::runs_as_steps() const {
  return std::any_of(options_.nodes.begin(), options_.nodes.end(), [this](const auto& node) {
    return !endpoints_.of(node.first).slurm_step.empty();
  });
}

void ProcessHost::idle(std::chrono::milliseconds timeout) {
  std::vector<zmq::pollitem_t> items;
  poll({}, std::min(timeout, kPollStep), &items);
}

void ProcessHost::handle_launcher_request() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(*launcher_control_, std::back_inserter(parts),
                           zmq::recv_flags::dontwait) ||
      parts.size() != 2) {
    return;
  }
  v1::LauncherRequest request;
  v1::ControlReply reply;
  if (!request.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) {
    reply.set_node("launcher");
    reply.set_error("malformed launcher request");
  } else {
    reply = options_.on_launcher_request(request);
  }
  launcher_control_->send(parts[0], zmq::send_flags::sndmore);
  launcher_control_->send(zmq::buffer(reply.SerializeAsString()), zmq::send_flags::none);
}

void ProcessHost::publish(bool live, const nlohmann::json& extra) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [name, role] : options_.nodes) {
    nlohmann::json node = {{"name", name},
                           {"role", role},
                           {"pid", supervisor_.pid_of(name)},
                           {"control", endpoints_.of(name).control},
                           {"data", endpoints_.of(name).data},
                           {"public_key", public_keys_.of(node_of(name))}};
    if (!endpoints_.of(name).slurm_step.empty()) {
      node["slurm_job"] = endpoints_.of(name).slurm_job;
      node["slurm_step"] = endpoints_.of(name).slurm_step;
    }
    if (node_of(name) != name) node["member_of"] = node_of(name);
    if (process_of(name) != name) node["hosted_by"] = process_of(name);
    if (const std::optional<ChildExit> exit = supervisor_.exit_of(name)) {
      node["exit"] = exit->describe();
    }
    if (const uint64_t peak_kib = control_->peak_rss_kib(name)) node["peak_rss_kib"] = peak_kib;
    nodes.push_back(node);
  }
  nlohmann::json file = {{"mode", options_.mode},
                         {"live", live},
                         {"launcher_pid", getpid()},
                         {"launcher_control", endpoints_.launcher_control()},
                         {"launcher_public_key", key_.curve_public_z85},
                         {"keys_dir", fs::absolute(options_.keys_dir).string()},
                         {"nodes", nodes}};
  file.update(extra);
  // Written whole, then renamed: fault tools read it while the run is live.
  if (const std::string error =
          write_whole_file(options_.mode_dir / "nodes.json", file.dump(2) + "\n");
      !error.empty()) {
    throw std::runtime_error(error);
  }
}

}  // namespace tearline
