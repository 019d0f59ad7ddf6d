// The process around a role: one single-threaded poll loop over the node's
// control socket, its data socket and its connections to peers, whose
// timeout is the time to the next deadline (docs/STYLE.md, practice 6).
//
// Sockets, all CURVE (docs/SECURITY.md; runtime/node_sockets.h): each node
// binds a PULL for data, which admits the scenario's other nodes and knows
// each frame's sender by the key that sent it, and a ROUTER for control,
// which admits only the launcher and the operator (runtime/control_server.h),
// and on one host the launcher's control channel beside it
// (runtime/control_channel.h).
// It connects one PUSH to each peer it sends to (acknowledgements included),
// created on first use. Sends never block: a peer at its high-water mark is
// retried later. A centre with a standby streams its journal to it
// (runtime/standby_link.h).
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "durability/node_journal.h"
#include "node/node_core.h"
#include "runtime/control_server.h"
#include "runtime/node_runtime.h"
#include "runtime/node_sockets.h"
#include "runtime/standby_link.h"
#include "scenario/endpoints.h"
#include "trace/trace.h"

namespace tearline {

class NodeProcess final : public FrameSink, private ControlledNode {
 public:
  // Binds the node's sockets and makes its role (runtime/make_role.h);
  // throws what they throw (zmq::error_t, TraceWriteError, JournalError).
  // `channel`, if open, is the launcher's control channel.
  NodeProcess(const NodeOptions& options, const std::string& role, const Scenario& scenario,
              std::shared_ptr<spdlog::logger> log, MemberKey key, PublicKeys public_keys,
              Endpoints endpoints, ControlChannel channel = {});

  // Runs the loop until a stop; 0, or 1 if the launcher's channel closed.
  int run();
  // One turn of the loop: waits up to `max_wait` for a request or a frame
  // (less while something waits to be sent), and handles what came.
  void step(std::chrono::milliseconds max_wait);
  bool stopped() const { return control_server_.stopped(); }

  // FrameSink: frames wait here until the window's trace is durable.
  void deliver(const std::string& peer, const v1::Frame& frame) override {
    sockets_.queue(peer, frame.SerializeAsString());
  }

 private:
  // ControlledNode.
  std::string start(const v1::Start& start, const std::string& issuer) override;
  void stop(const std::string& issuer) override;
  std::string replicate(const std::string& member) override;
  std::string apply_fault(const v1::ControlRequest& request, const std::string& issuer) override;
  void peer_gone(const std::string& node) override;
  std::string grant_refusal(const v1::Grant& grant) override;
  v1::RoundReport run_window(const v1::Grant& grant) override;
  // What the node did (its trace, and its journal if it keeps one) is
  // durable before anything it sent can be seen.
  void make_durable() override;
  void fill_status(v1::NodeStatus* status) override;
  bool holding() const override { return standby_.holding(); }
  void replied() override;

  void handle_data();
  // Sends held replies and frames once the standby holds what they follow.
  void release_held();
  // Sends what the outbox holds, as far as the peers' sockets take it.
  void flush_outbox();
  // The journal bytes written since the last chunk, to the standby.
  void pump_stream();
  bool journal_active() const { return journal_ && core_.started(); }
  [[noreturn]] void crash_now();

  NodeOptions options_;
  const std::string member_;  // This process's name: the node's, or its standby's.
  const std::string role_;    // "agency", "broker" or "unit" (runtime/make_role.h).
  const Scenario& scenario_;
  std::shared_ptr<spdlog::logger> log_;
  MemberKey key_;
  OriginVerifier origins_;  // The members' public signing keys.
  JsonlTraceWriter trace_writer_;
  NodeCore core_;
  std::optional<NodeJournal> journal_;
  std::set<std::string> known_nodes_;  // Those whose keys it holds: who may send to it.
  // Declared in this order: the standby's socket closes before the others
  // and their context.
  NodeSockets sockets_;
  StandbyLink standby_;
  ControlServer control_server_;
};

}  // namespace tearline
