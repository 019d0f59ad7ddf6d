#include "launcher/in_process_host.h"

#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "base/whole_file.h"
#include "runtime/make_role.h"
#include "security/keys.h"

namespace tearline {

namespace fs = std::filesystem;

InProcessHost::InProcessHost(const Scenario& scenario, std::string mode, uint64_t seed,
                             fs::path mode_dir, fs::path keys_dir,
                             std::vector<std::pair<std::string, std::string>> nodes,
                             WallClock& clock)
    : scenario_(scenario),
      clock_(clock),
      mode_(std::move(mode)),
      seed_(seed),
      mode_dir_(std::move(mode_dir)),
      keys_dir_(std::move(keys_dir)),
      roles_(std::move(nodes)) {}

InProcessHost::~InProcessHost() = default;

bool InProcessHost::start(const std::string& node, const v1::Start& start, std::string* error) {
  const auto role = std::find_if(roles_.begin(), roles_.end(),
                                 [&](const auto& entry) { return entry.first == node; });
  try {
    std::shared_ptr<spdlog::logger>& log = logs_[node];
    if (!log) {
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(
          (mode_dir_ / (node + ".log")).string(), true);
      log = std::make_shared<spdlog::logger>(node, sink);
      log->flush_on(spdlog::level::info);
    }
    const auto host = hosts_.find(node);
    const std::string process = host == hosts_.end() ? node : host->second;
    passive_.erase(process);
    Node& entry = nodes_[node];
    entry.process = process;
    const std::string trace_path = (mode_dir_ / (process + ".trace.jsonl")).string();
    entry.trace = std::make_unique<JsonlTraceWriter>(trace_path);
    entry.outbox = std::make_unique<Outbox>(node, frames_);
    const std::string role_name = role->second;
    const MemberKey key = load_member_key(member_key_path(keys_dir_, node));
    if (!origins_) {
      origins_.emplace(load_public_keys(public_keys_path(keys_dir_)).signing_by_name());
    }
    entry.core = std::make_unique<NodeCore>(
        NodeIdentity{node, mode_, seed_}, scenario_,
        [&](const Random& random) {
          return make_role(role_name, scenario_, node, mode_, random, key.secret,
                           ReportSigner(node, key.signing_seed));
        },
        *entry.trace, *entry.outbox, *origins_, log);
    const NodeIdentity identity{node, mode_, seed_};
    if (scenario_.journaled(node)) {
      const std::string journal_path = (mode_dir_ / (process + ".journal")).string();
      // A standby taking over: its copy is what the member before it wrote.
      const auto before = last_journal_.find(node);
      if (start.has_died_at_h() && before != last_journal_.end() &&
          before->second != journal_path) {
        fs::copy_file(before->second, journal_path, fs::copy_options::overwrite_existing);
      }
      last_journal_[node] = journal_path;
      entry.journal = std::make_unique<NodeJournal>(journal_path, identity, process,
                                                    /*durable=*/false);
      entry.journal->start(*entry.core, *entry.trace, trace_path, start, kLauncherMember);
    } else {
      entry.core->start(start.begin_h(), start.incarnation(), start.end_h(), kLauncherMember);
      entry.trace->flush();
    }
  } catch (const std::exception& failure) {
    nodes_.erase(node);
    *error = "node " + node + " could not start: " + failure.what();
    return false;
  }
  return true;
}

std::map<std::string, v1::RoundReport> InProcessHost::run_round(
    std::map<std::string, v1::Grant> grants, std::vector<std::string>*) {
  std::map<std::string, v1::RoundReport> reports;
  for (const auto& [name, grant] : grants) {
    const auto node = nodes_.find(name);
    if (node == nodes_.end()) continue;
    if (node->second.journal) node->second.journal->record_window(grant);
    reports[name] = node->second.core->run_window(grant);
    make_durable(node->second);
  }
  // Frames reach their receivers before anyone's next window, as over
  // ZeroMQ; a receiver that is not running loses them with its process.
  for (auto& [from, to, frame] : frames_) {
    const auto node = nodes_.find(to);
    if (node == nodes_.end() || !node->second.core->take_frame(from, frame)) continue;
    if (node->second.journal) node->second.journal->record_frame(from, frame);
  }
  frames_.clear();
  return reports;
}

bool InProcessHost::command(const std::string& node, const v1::ControlRequest& request,
                            std::string* error) {
  const auto found = nodes_.find(node);
  if (found == nodes_.end()) return *error = "node " + node + " is not running", false;
  // Streams between a centre's members: a standby's copy is taken when it
  // takes over (start()).
  if (request.has_replicate() || request.has_peer_gone()) return true;
  const bool done = found->second.core->apply_fault(request, kLauncherMember, error);
  if (found->second.journal) found->second.journal->record_fault(request, kLauncherMember);
  make_durable(found->second);
  if (found->second.core->crash_requested()) end(node, "signal:KILL", false);
  return done;
}

std::map<std::string, InProcessHost::Node>::iterator InProcessHost::hosted_by(
    const std::string& process) {
  return std::find_if(nodes_.begin(), nodes_.end(),
                      [&](const auto& entry) { return entry.second.process == process; });
}

bool InProcessHost::running(const std::string& process) const {
  return passive_.contains(process) ||
         std::any_of(nodes_.begin(), nodes_.end(),
                     [&](const auto& entry) { return entry.second.process == process; });
}

void InProcessHost::make_durable(Node& node) {
  if (node.journal) {
    node.journal->commit(*node.trace);
  } else {
    node.trace->flush();
  }
}

void InProcessHost::signal(const std::string& process, int signal) {
  // A held node simply gets no grants (the time authority's doing).
  if (signal != SIGKILL) return;
  if (const auto hosted = hosted_by(process); hosted != nodes_.end()) {
    end(hosted->first, "signal:KILL", false);
  } else if (passive_.erase(process) > 0) {
    exits_.push_back({process, "signal:KILL", false});
  }
}

void InProcessHost::end(const std::string& node, std::string reason, bool clean) {
  const std::string process = nodes_.at(node).process;
  nodes_.erase(node);  // Its trace was flushed after its last window or command.
  exits_.push_back({process, std::move(reason), clean});
}

std::vector<NodeExit> InProcessHost::collect_exits() {
  std::vector<NodeExit> exits;
  exits.swap(exits_);
  std::sort(exits.begin(), exits.end(),
            [](const NodeExit& a, const NodeExit& b) { return a.node < b.node; });
  return exits;
}

void InProcessHost::stop_all(std::vector<std::string>*) {
  std::vector<std::string> names;
  for (const auto& [name, node] : nodes_) names.push_back(name);
  for (const std::string& name : names) {
    Node& node = nodes_.at(name);
    node.core->stop(kLauncherMember);
    node.trace->flush();
    end(name, "exit:0", true);
  }
  for (const std::string& process : passive_) exits_.push_back({process, "exit:0", true});
  passive_.clear();
}

void InProcessHost::idle(std::chrono::milliseconds timeout) {
  clock_.wait(timeout);  // Pacing only: nothing to wait for.
}

void InProcessHost::publish(bool live, const nlohmann::json& extra) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [name, role] : roles_) nodes.push_back({{"name", name}, {"role", role}});
  nlohmann::json file = {{"mode", mode_}, {"live", live}, {"in_process", true}, {"nodes", nodes}};
  file.update(extra);
  if (const std::string error = write_whole_file(mode_dir_ / "nodes.json", file.dump(2) + "\n");
      !error.empty()) {
    throw std::runtime_error(error);
  }
}

}  // namespace tearline
