// Where the nodes of a mode live, as the mode's driver (mode/mode_driver.h) sees
// them: separate processes over ZeroMQ (process_host.h) or NodeCores in the
// launcher's own process (in_process_host.h, the reference run). The driver
// decides everything that matters to the answer (grants, the fault schedule,
// restarts); a host only carries it out.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tearline/v1/control.pb.h"

namespace tearline {

// What a mode is run with, as the mode's driver (ModeRunOptions) and the
// process host (ProcessHostOptions) both take it.
struct ModeSetup {
  std::string mode;           // "bilateral" or "coordinated".
  std::string scenario_path;  // The scenario as run, passed to the nodes.
  uint64_t seed = 1;
  std::filesystem::path mode_dir;
  // The run's key set (security/keys.h): the nodes read theirs, the
  // launcher its own, from here.
  std::filesystem::path keys_dir;
  // Where the nodes listen and how they are started (scenario/endpoints.h);
  // empty: ipc:// in a socket folder on this machine.
  std::string hosts_file;
  // Journaled nodes make each commit durable against a crash of the machine
  // (fdatasync); false: against the death of their process only.
  bool journal_sync = true;
  // The launcher reaches the nodes it starts itself over a socketpair each
  // (runtime/control_channel.h) rather than their CURVE control socket.
  bool control_channel = true;
};

// A node's process that ended, as its host saw it.
struct NodeExit {
  std::string node;    // The process's name: the node's, or a standby's.
  std::string reason;  // "exit:0", "signal:KILL", ...
  bool clean = false;  // Exited 0 of its own accord.
};

class NodeHost {
 public:
  virtual ~NodeHost() = default;

  // Starts `node` as `start` says (its hours, its incarnation and, on a
  // restart, when it died) in the process that hosts it (set_host); false
  // with *error if it did not come up.
  virtual bool start(const std::string& node, const v1::Start& start, std::string* error) = 0;

  // A centre with a hot standby (docs/DURABILITY.md, "Hot standby") has two
  // member processes. Grants, commands and starts for `node` go to the
  // process `member` from now.
  virtual void set_host(const std::string& node, const std::string& member) = 0;
  // Starts the process `member` (if it is not running) as a passive member,
  // which takes nothing but the active one's journal; false with *error if
  // it did not come up.
  virtual bool launch_passive(const std::string& member, std::string* error) = 0;
  // Waits until the passive `member` holds as much of `node`'s journal as
  // the active one wrote. Bounded; false with *error if it did not.
  virtual bool await_copy(const std::string& node, const std::string& member,
                          std::string* error) = 0;
  // Delivers each grant and returns the reports of the nodes that answered
  // (a node that died meanwhile gives none; collect_exits() says so).
  // Failures to answer properly go to *failures.
  virtual std::map<std::string, v1::RoundReport> run_round(std::map<std::string, v1::Grant> grants,
                                                           std::vector<std::string>* failures) = 0;
  // Has `node` carry out a fault command; false with *error if refused.
  virtual bool command(const std::string& node, const v1::ControlRequest& request,
                       std::string* error) = 0;
  // Waits until each node in `due` has received at least the frames listed
  // for it (per peer incarnation): before the launcher kills a node, the
  // frames it sent, which would otherwise die in its queues, and those sent
  // to it, which its journal must hold. Bounded; false with *error naming
  // who still waits when they did not all come.
  virtual bool await_frames_delivered(const std::map<std::string, std::vector<v1::FrameCount>>& due,
                                      std::string* error) = 0;
  // The calls below name processes: a node's own, or a centre's standby.
  // SIGKILL, SIGSTOP or SIGCONT to `process`.
  virtual void signal(const std::string& process, int signal) = 0;
  // Waits until `process`, which was sent SIGKILL or a crash, has ended (a
  // process that has not within 5 s is killed).
  virtual void await_end(const std::string& process) = 0;
  // Processes that ended since the last call, in name order.
  virtual std::vector<NodeExit> collect_exits() = 0;
  virtual bool running(const std::string& process) const = 0;
  // Has every running node record what it holds and end; ends those that
  // do not (their names go to *failures).
  virtual void stop_all(std::vector<std::string>* failures) = 0;
  // Waits up to `timeout`, answering live requests meanwhile.
  virtual void idle(std::chrono::milliseconds timeout) = 0;
  // Writes <mode>/nodes.json: the nodes, plus `extra` fields.
  virtual void publish(bool live, const nlohmann::json& extra) = 0;
  // The last lines `process` wrote to its stderr, to say why it died; empty
  // where nodes have no stderr of their own (in this process).
  virtual std::string stderr_tail(const std::string& /*process*/) const { return ""; }
};

}  // namespace tearline
