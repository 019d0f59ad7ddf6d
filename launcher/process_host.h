// Nodes as separate processes (tearline-agency, -broker, -unit) in a
// temporary socket folder, each driven over its control channel (on this
// host) or its control endpoint (through a wrapper, a hosts file's); the
// launcher's own control endpoint answers live requests (`tearline fault`).
// No process outlives the launcher (Supervisor).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>
#include <zmq.hpp>

#include "base/clock.h"
#include "launcher/control_client.h"
#include "launcher/node_host.h"
#include "launcher/supervisor.h"
#include "scenario/endpoints.h"
#include "security/keys.h"
#include "security/zap_handler.h"

namespace tearline {

struct ProcessHostOptions : ModeSetup {
  // Every node of the scenario, both modes' (a hosts file lists them all).
  std::vector<std::string> scenario_nodes;
  // Nodes that keep a journal, <mode_dir>/<name>.journal.
  std::set<std::string> journaled_nodes;
  // (name, role) of every process of the mode: its nodes and a centre's
  // standby.
  std::vector<std::pair<std::string, std::string>> nodes;
  // A standby's process name -> the node it is a member of.
  std::map<std::string, std::string> member_of;
  // Answers a request on the launcher's control endpoint.
  std::function<v1::ControlReply(const v1::LauncherRequest&)> on_launcher_request;
  // Polled while waiting for a round: once true, nodes stopped from outside
  // are continued, and the round is given up on after 10 s.
  std::function<bool()> interrupted;
};

// The command that starts `process` (a node, or a centre's member) as
// `role`: `wrapper` (the hosts file's, e.g. ssh), then the node executable
// in `executable_dir` with its files in the mode's folder (its part of the
// scenario and the roster in parts/), and where it finds its peers
// (`socket_dir`, or the hosts file).
std::vector<std::string> node_command_line(const ProcessHostOptions& options,
                                           std::vector<std::string> wrapper,
                                           const std::string& socket_dir,
                                           const std::string& executable_dir,
                                           const std::string& process, const std::string& role);

// True if `status` says its node received at least the frames `due` lists,
// each from the peer incarnation it names.
bool received_all(const std::vector<v1::FrameCount>& due, const v1::NodeStatus& status);

class ProcessHost final : public NodeHost {
 public:
  // Creates the socket folder, binds the launcher's control endpoint (CURVE:
  // the operator's key only) and starts every node's process. Throws
  // std::runtime_error (or KeyError) if it cannot. Its timeouts are
  // measured on `clock`.
  ProcessHost(ProcessHostOptions options, WallClock& clock);
  // Removes the socket folder and empty stderr files.
  ~ProcessHost() override;

  bool start(const std::string& node, const v1::Start& start, std::string* error) override;
  void set_host(const std::string& node, const std::string& member) override {
    hosts_[node] = member;
  }
  bool launch_passive(const std::string& member, std::string* error) override;
  bool await_copy(const std::string& node, const std::string& member, std::string* error) override;
  std::map<std::string, v1::RoundReport> run_round(std::map<std::string, v1::Grant> grants,
                                                   std::vector<std::string>* failures) override;
  bool command(const std::string& node, const v1::ControlRequest& request,
               std::string* error) override;
  bool await_frames_delivered(const std::map<std::string, std::vector<v1::FrameCount>>& due,
                              std::string* error) override;
  void signal(const std::string& node, int signal) override;
  void await_end(const std::string& node) override;
  std::vector<NodeExit> collect_exits() override;
  bool running(const std::string& node) const override { return supervisor_.running(node); }
  void stop_all(std::vector<std::string>* failures) override;
  void idle(std::chrono::milliseconds timeout) override;
  void publish(bool live, const nlohmann::json& extra) override;
  std::string stderr_tail(const std::string& node) const override;

 private:
  // True if `process` is started here, without a wrapper: the launcher
  // reaches it over a control channel (runtime/control_channel.h).
  bool has_channel(const std::string& process) const;
  void spawn(const std::string& process, const std::string& role);
  // Spawns `process` unless it runs, and waits until it answers.
  bool launch(const std::string& process, std::string* error);
  // The process that hosts `node` now, and the node a process serves.
  std::string process_of(const std::string& node) const;
  std::string node_of(const std::string& process) const;
  // Polls `items` plus the launcher's endpoint and the exit descriptors;
  // answers live requests. True if a node may have exited (an exit
  // descriptor fired, or nothing happened until the timeout).
  bool poll(std::vector<zmq::pollitem_t> items, std::chrono::milliseconds timeout,
            std::vector<zmq::pollitem_t>* result);
  void handle_launcher_request();
  // Nodes not running now (collecting exits without reporting them).
  std::set<std::string> ended();
  // Tells every awaited node (node -> grant request id) of each node in
  // `gone` not yet in *told, so that none waits for frames a dead process
  // never sent (PeerGone).
  void tell_of_deaths(const std::set<std::string>& gone,
                      const std::map<std::string, uint64_t>& awaiting, std::set<std::string>* told);
  std::vector<std::string> running_nodes() const;
  // Signals those of `processes` that run as Slurm steps through Slurm
  // (launcher/slurm/slurm_steps.h: srun passes SIGSTOP on to nobody).
  void signal_steps(const std::vector<std::string>& processes, int signal);
  bool runs_as_steps() const;

  ProcessHostOptions options_;
  WallClock& clock_;
  std::string socket_dir_;  // Empty with a hosts file.
  Endpoints endpoints_;
  Supervisor supervisor_{clock_};
  std::map<std::string, std::string> hosts_;  // Node -> its process, where set.
  MemberKey key_;                             // The launcher's.
  PublicKeys public_keys_;
  // Declared in this order so the sockets close before the ZAP handler
  // stops, and all before their context.
  zmq::context_t context_;
  std::optional<ZapHandler> zap_;
  std::optional<zmq::socket_t> launcher_control_;
  std::optional<ControlClient> control_;
};

}  // namespace tearline
