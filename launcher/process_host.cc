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

#include "scenario/endpoints.h"
#include "base/whole_file.h"
#include "security/curve.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartupTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kExitTimeoutMs = 5000;
// A round still waiting after this long is named on stderr: a node stopped
// from outside stalls the run, since scenario time waits for it.
constexpr auto kStallNotice = std::chrono::seconds(5);
constexpr auto kPollStep = std::chrono::milliseconds(50);

std::string executable_dir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

}  // namespace

namespace {

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

ProcessHost::ProcessHost(ProcessHostOptions options) : options_(std::move(options)) {
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
  control_.emplace(context_, names, endpoints_, key_, public_keys_, options_.member_of);
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

void ProcessHost::spawn(const std::string& process, const std::string& role) {
  const std::string base = (options_.mode_dir / process).string();
  std::vector<std::string> command = endpoints_.of(process).wrapper;
  for (const std::string& word :
       {executable_dir() + "/tearline-" + role, std::string("--name"), node_of(process),
        std::string("--member"), process, std::string("--mode"), options_.mode,
        std::string("--scenario"), options_.scenario_path, std::string("--seed"),
        std::to_string(options_.seed), std::string("--keys"), options_.keys_dir.string(),
        std::string("--trace"), base + ".trace.jsonl", std::string("--log"), base + ".log"}) {
    command.push_back(word);
  }
  if (options_.journaled_nodes.contains(process)) {
    command.insert(command.end(), {"--journal", base + ".journal"});
  }
  if (options_.hosts_file.empty()) {
    command.insert(command.end(), {"--socket-dir", socket_dir_});
  } else {
    command.insert(command.end(), {"--hosts", options_.hosts_file});
  }
  supervisor_.spawn(process, command, base + ".stderr");
}

ProcessHost::~ProcessHost() {
  std::error_code ignored;
  if (!socket_dir_.empty()) fs::remove_all(socket_dir_, ignored);
  for (const auto& [name, role] : options_.nodes) {
    const fs::path stderr_path = options_.mode_dir / (name + ".stderr");
    if (fs::exists(stderr_path, ignored) && fs::file_size(stderr_path, ignored) == 0) {
      fs::remove(stderr_path, ignored);
    }
  }
}

std::string ProcessHost::stderr_tail(const std::string& node) const {
  constexpr size_t kMaxBytes = 400;
  std::ifstream in(options_.mode_dir / (node + ".stderr"));
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.size() > kMaxBytes) text = "..." + text.substr(text.size() - kMaxBytes);
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

bool ProcessHost::await_copy(const std::string& node, const std::string& member,
                             std::string* error) {
  constexpr auto kPatience = std::chrono::seconds(5);
  const std::string active = process_of(node);
  v1::ControlRequest status;
  status.set_issued_by("launcher");
  status.mutable_status();
  const auto deadline = Clock::now() + kPatience;
  while (true) {
    // One after the other: the active member's answer waits until the copy
    // holds what it had written, so the passive one's then says so.
    const auto dead = [this] { return ended(); };
    const auto written_reply = control_->broadcast(status, {active}, kStartupTimeout, dead);
    const auto copied_reply = control_->broadcast(status, {member}, kStartupTimeout, dead);
    if (!written_reply.contains(active) || !copied_reply.contains(member)) {
      return *error = "the active or the passive member ended", false;
    }
    const uint64_t written = written_reply.at(active).status().journal_bytes();
    const uint64_t copied = copied_reply.at(member).status().journal_bytes();
    if (copied >= written) return true;
    if (Clock::now() >= deadline) {
      *error = fmt::format("{} holds {} of the {} journal bytes {} wrote after {} s", member,
                           copied, written, active, kPatience.count());
      return false;
    }
    idle(std::chrono::milliseconds(1));
  }
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

bool ProcessHost::await_frames_delivered(
    const std::map<std::string, std::vector<v1::FrameCount>>& due, std::string* error) {
  constexpr auto kPatience = std::chrono::seconds(5);
  constexpr auto kRetry = std::chrono::milliseconds(1);
  std::vector<std::string> waiting;  // Processes.
  std::map<std::string, const std::vector<v1::FrameCount>*> due_of;
  for (const auto& [node, counts] : due) {
    waiting.push_back(process_of(node));
    due_of[process_of(node)] = &counts;
  }
  v1::ControlRequest status;
  status.set_issued_by("launcher");
  status.mutable_status();
  const auto deadline = Clock::now() + kPatience;
  while (true) {
    const auto replies =
        control_->broadcast(status, waiting, kStartupTimeout, [this] { return ended(); });
    std::vector<std::string> still;
    for (const std::string& node : waiting) {
      const auto reply = replies.find(node);
      if (reply == replies.end()) continue;  // It died: it waits for nothing.
      const auto& received = reply->second.status().frames_received();
      for (const v1::FrameCount& wanted : *due_of.at(node)) {
        const auto has = std::find_if(received.begin(), received.end(), [&](const auto& count) {
          return count.peer() == wanted.peer() &&
                 count.peer_incarnation() == wanted.peer_incarnation();
        });
        if (has == received.end() || has->frames() < wanted.frames()) {
          still.push_back(node);
          break;
        }
      }
    }
    if (still.empty()) return true;
    if (Clock::now() >= deadline) {
      *error = fmt::format("{} did not receive every frame due within {} s", fmt::join(still, ", "),
                           kPatience.count());
      return false;
    }
    waiting = std::move(still);
    idle(kRetry);
  }
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

std::map<std::string, v1::RoundReport> ProcessHost::run_round(
    std::map<std::string, v1::Grant> grants, std::vector<std::string>* failures) {
  std::map<std::string, uint64_t> awaiting;
  for (auto& [node, grant] : grants) {  // Awaited by process.
    v1::ControlRequest request;
    request.set_issued_by("launcher");
    *request.mutable_grant() = std::move(grant);
    awaiting[process_of(node)] = control_->send(process_of(node), request);
  }
  std::map<std::string, v1::RoundReport> reports;
  const Clock::time_point began = Clock::now();
  bool noticed = false;
  std::set<std::string> told;  // Deaths the awaited nodes were told of.
  std::vector<zmq::pollitem_t> items;
  bool look_for_exits = supervisor_.may_have_exited();
  // Interrupted (Ctrl-C), the round is still finished, so that every node
  // can be brought to one stop hour; a node stopped from outside is
  // continued for it, and one that does not answer is given up on.
  std::optional<Clock::time_point> give_up;
  while (!awaiting.empty()) {
    if (!give_up && options_.interrupted()) {
      give_up = Clock::now() + kStopTimeout;
      for (const auto& [process, request_id] : awaiting) signal(process, SIGCONT);
    }
    if (give_up && Clock::now() >= *give_up) {
      for (const auto& [process, request_id] : awaiting) {
        failures->push_back(
            fmt::format("node {} did not answer its grant within {} s of the interrupt", process,
                        kStopTimeout.count()));
      }
      break;
    }
    // A node that answered and then died still answered: its reply is read
    // before its death drops it from the wait.
    const std::set<std::string> gone = look_for_exits ? ended() : std::set<std::string>{};
    tell_of_deaths(gone, awaiting, &told);
    for (auto it = awaiting.begin(); it != awaiting.end();) {
      if (!gone.contains(it->first)) {
        ++it;
        continue;
      }
      if (const auto reply = control_->receive(it->first, it->second); reply && reply->ok()) {
        reports[node_of(it->first)] = reply->round_report();
      }
      it = awaiting.erase(it);
    }
    std::vector<std::string> order;
    items.clear();
    for (const auto& [node, request_id] : awaiting) {
      items.push_back({control_->socket(node).handle(), 0, ZMQ_POLLIN, 0});
      order.push_back(node);
    }
    // Exits are looked for when a pidfd says so, or after a quiet step.
    look_for_exits = poll(std::move(items), kPollStep, &items);
    for (size_t i = 0; i < order.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      const std::optional<v1::ControlReply> reply =
          control_->receive(order[i], awaiting.at(order[i]));
      if (!reply) continue;
      if (reply->ok()) {
        reports[node_of(order[i])] = reply->round_report();
      } else {
        failures->push_back("node " + order[i] + " refused a grant: " + reply->error());
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
  return reports;
}

void ProcessHost::tell_of_deaths(const std::set<std::string>& gone,
                                 const std::map<std::string, uint64_t>& awaiting,
                                 std::set<std::string>* told) {
  for (const std::string& dead : gone) {
    if (!told->insert(dead).second) continue;
    v1::ControlRequest request;
    request.set_issued_by("launcher");
    const std::string active = process_of(node_of(dead));
    if (active != dead) {
      // A centre's passive member: its active member, which may hold its
      // answer until the copy has grown, stops waiting for it. (Its name
      // may be the centre's: nobody else is told.)
      request.mutable_peer_gone()->set_node(dead);
      if (!gone.contains(active)) control_->send(active, request);
      continue;
    }
    request.mutable_peer_gone()->set_node(node_of(dead));
    for (const auto& [node, request_id] : awaiting) {
      if (!gone.contains(node)) control_->send(node, request);
    }
  }
}

void ProcessHost::signal(const std::string& node, int signal) {
  // Never a pid that is not a running child's (kill(-1) would signal every
  // process of the user; a reaped pid may be someone else's).
  if (supervisor_.running(node)) kill(supervisor_.pid_of(node), signal);
}

void ProcessHost::await_end(const std::string& node) {
  // A node told to crash ends at once; one that does not (stuck) is killed,
  // so the launcher never waits for it unboundedly.
  const Clock::time_point give_up = Clock::now() + std::chrono::milliseconds(kExitTimeoutMs);
  while (supervisor_.running(node) && Clock::now() < give_up) {
    supervisor_.wait_all(kPollStep.count());
  }
  if (!supervisor_.running(node)) return;
  kill(supervisor_.pid_of(node), SIGKILL);
  while (supervisor_.running(node)) supervisor_.wait_all(kPollStep.count());
}

std::vector<NodeExit> ProcessHost::collect_exits() {
  if (!supervisor_.may_have_exited()) return {};
  std::vector<NodeExit> exits;
  for (const std::string& name : supervisor_.reap()) {
    const ChildExit exit = *supervisor_.exit_of(name);
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
  v1::ControlRequest stop;
  stop.set_issued_by("launcher");
  stop.mutable_stop();
  control_->broadcast(stop, running_nodes(), kStopTimeout, [this] { return ended(); });
  supervisor_.wait_all(kExitTimeoutMs);
  for (const std::string& name : running_nodes()) {
    failures->push_back("node " + name + " did not stop; killed");
  }
  supervisor_.kill_all(SIGKILL);
  supervisor_.wait_all(kExitTimeoutMs);
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
