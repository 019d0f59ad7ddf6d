// The reference run: every node of a mode as a NodeCore in the launcher's
// own process, frames handed over in memory between rounds, traces and logs
// written to the same files as the real processes'. The same grants and the
// same fault schedule give the same traces (sync/DESIGN.md); a test holds
// the multi-process runtime to it, and bench-sync measures against it.
#pragma once

#include <spdlog/logger.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "node/node_core.h"
#include "durability/node_journal.h"
#include "scenario/scenario.h"
#include "trace/trace.h"
#include "launcher/node_host.h"

namespace tearline {

class InProcessHost final : public NodeHost {
 public:
  // `nodes`: (name, role) of every node of the mode; `keys_dir` holds
  // their keys (security/keys.h), whose secrets the roles use. It idles
  // on `clock`.
  InProcessHost(const Scenario& scenario, std::string mode, uint64_t seed,
                std::filesystem::path mode_dir, std::filesystem::path keys_dir,
                std::vector<std::pair<std::string, std::string>> nodes, WallClock& clock);
  ~InProcessHost() override;

  bool start(const std::string& node, const v1::Start& start, std::string* error) override;
  void set_host(const std::string& node, const std::string& member) override {
    hosts_[node] = member;
  }
  // A passive member holds nothing here: the member that takes over copies
  // the journal of the one before, as the stream would have.
  bool launch_passive(const std::string& member, std::string*) override {
    passive_.insert(member);
    return true;
  }
  bool await_copy(const std::string&, const std::string&, std::string*) override { return true; }
  std::map<std::string, v1::RoundReport> run_round(std::map<std::string, v1::Grant> grants,
                                                   std::vector<std::string>* failures) override;
  bool command(const std::string& node, const v1::ControlRequest& request,
               std::string* error) override;
  // Frames are handed over at the end of every round: nothing to wait for.
  bool await_frames_delivered(const std::map<std::string, std::vector<v1::FrameCount>>&,
                              std::string*) override {
    return true;
  }
  void signal(const std::string& node, int signal) override;
  void await_end(const std::string&) override {}
  std::vector<NodeExit> collect_exits() override;
  bool running(const std::string& process) const override;
  void stop_all(std::vector<std::string>* failures) override;
  void idle(std::chrono::milliseconds timeout) override;
  void publish(bool live, const nlohmann::json& extra) override;

 private:
  // Frames a node sends, kept until the end of the round.
  class Outbox final : public FrameSink {
   public:
    Outbox(std::string from, std::vector<std::tuple<std::string, std::string, v1::Frame>>& frames)
        : from_(std::move(from)), frames_(frames) {}
    void deliver(const std::string& peer, const v1::Frame& frame) override {
      frames_.emplace_back(from_, peer, frame);
    }

   private:
    std::string from_;
    std::vector<std::tuple<std::string, std::string, v1::Frame>>& frames_;
  };
  struct Node {
    std::unique_ptr<JsonlTraceWriter> trace;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<NodeCore> core;
    std::unique_ptr<NodeJournal> journal;  // Null when it keeps none.
    std::string process;                   // The node's, or its standby's.
  };

  // Makes what `node` did durable, as a process does before it answers.
  static void make_durable(Node& node);

  // The node `process` hosts, if it hosts one.
  std::map<std::string, Node>::iterator hosted_by(const std::string& process);
  // Ends `node` as a kill would: nothing more is traced.
  void end(const std::string& node, std::string reason, bool clean);

  const Scenario& scenario_;
  WallClock& clock_;
  std::string mode_;
  std::map<std::string, std::string> hosts_;         // Node -> its process, where set.
  std::set<std::string> passive_;                    // Passive members running.
  std::map<std::string, std::string> last_journal_;  // Node -> its last process's journal.
  uint64_t seed_;
  std::filesystem::path mode_dir_;
  std::filesystem::path keys_dir_;
  std::vector<std::pair<std::string, std::string>> roles_;
  // The members' public signing keys, read at the first start; declared
  // before the nodes, whose cores refer to it.
  std::optional<OriginVerifier> origins_;
  std::map<std::string, std::shared_ptr<spdlog::logger>> logs_;
  std::map<std::string, Node> nodes_;
  // (from, to, frame) sent during the current round.
  std::vector<std::tuple<std::string, std::string, v1::Frame>> frames_;
  std::vector<NodeExit> exits_;
};

}  // namespace tearline
