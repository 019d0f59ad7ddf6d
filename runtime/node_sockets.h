// A node process's ZeroMQ sockets (docs/SECURITY.md): one context, the ZAP
// handler that names each connection by its key, the control ROUTER (the
// launcher and the operator), the data PULL (the scenario's other nodes, and
// a centre's other member), and one PUSH to each peer the node sends to,
// created on first use. Sends never block: frames a peer's socket does not
// take wait in the outbox and are retried.
#pragma once

#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "scenario/endpoints.h"
#include "scenario/scenario.h"
#include "security/keys.h"
#include "security/zap_handler.h"

namespace tearline {

// Frames a peer's socket queues before sends would block; beyond it frames
// wait in the node's own outbox.
inline constexpr int kHighWaterMarkMsgs = 100'000;
inline constexpr int kControlLingerMs = 1000;

// A centre with a hot standby: two member processes, one node.
bool has_two_members(const Scenario& scenario, const std::string& node);

// The member of `node` other than `member`, or empty.
std::string other_member_of(const Scenario& scenario, const std::string& node,
                            const std::string& member);

// Who may connect to node `self`: its peers on data (and a centre's other
// member, which holds the centre's own key), the launcher and the operator
// on control.
ZapPolicy zap_policy(const Scenario& scenario, const std::string& self);

class NodeSockets {
 public:
  // Binds the control and data sockets of process `member` of node `node`
  // (throws zmq::error_t if it cannot).
  NodeSockets(const Scenario& scenario, const std::string& node, const std::string& member,
              MemberKey key, PublicKeys public_keys, Endpoints endpoints,
              std::shared_ptr<spdlog::logger> log);

  zmq::socket_t& control() { return control_; }
  zmq::socket_t& data() { return data_; }

  // Queues a serialized frame for `peer`; flush() sends it.
  void queue(const std::string& peer, std::string payload) {
    outbox_.emplace_back(peer, std::move(payload));
  }
  // Sends what the outbox holds, as far as the peers' sockets take it.
  void flush();
  bool outbox_empty() const { return outbox_.empty(); }

  // Frames for `node` go to the process `member` from now (empty: the
  // node's own), after a centre's failover.
  void route(const std::string& node, const std::string& member);

  // A PUSH socket to the data socket of process `process`, which holds the
  // secret key of `server`.
  zmq::socket_t connect_push(const std::string& server, const std::string& process);

  // Closes every socket, then the context (the ZAP handler's with it).
  // Sockets made by connect_push must be closed first.
  void close();

 private:
  zmq::socket_t& peer_socket(const std::string& peer);

  const MemberKey key_;
  const PublicKeys public_keys_;
  Endpoints endpoints_;
  std::shared_ptr<spdlog::logger> log_;
  // Declared in this order: the sockets close before the ZAP handler stops,
  // and all before their context.
  zmq::context_t context_;
  ZapHandler zap_;
  zmq::socket_t control_;
  zmq::socket_t data_;
  std::map<std::string, zmq::socket_t> peers_;
  std::deque<std::pair<std::string, std::string>> outbox_;  // (peer, frame)
  // Node -> the member process that hosts it now, where not the node's own.
  std::map<std::string, std::string> hosts_;
};

}  // namespace tearline
