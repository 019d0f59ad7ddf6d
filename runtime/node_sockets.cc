#include "runtime/node_sockets.h"

#include "node/intake/frame_check.h"
#include "security/curve.h"

namespace tearline {
namespace {

constexpr int kIoThreads = 1;

// ZeroMQ refuses sockets beyond its limit (1,023 by default): a centre
// holds one per peer, besides its own (control, data, ZAP, a member's).
int zmq_sockets_needed(const Scenario& scenario) {
  constexpr int kOwnSockets = 8;
  return static_cast<int>(scenario.described_node_names().size()) + kOwnSockets;
}

}  // namespace

bool has_two_members(const Scenario& scenario, const std::string& node) {
  return node == scenario.broker.name && !scenario.broker.standby.empty();
}

std::string other_member_of(const Scenario& scenario, const std::string& node,
                            const std::string& member) {
  if (!has_two_members(scenario, node)) return "";
  return member == node ? scenario.broker.standby : node;
}

ZapPolicy zap_policy(const Scenario& scenario, const std::string& self) {
  ZapPolicy policy;
  // Those it holds keys of: a unit's roster names the units it does not
  // deal with only (scenario/scenario_part.h).
  for (const std::string& name : scenario.described_node_names()) {
    if (name != self || has_two_members(scenario, self)) policy[kDataDomain].insert(name);
  }
  policy[kControlDomain] = {kLauncherMember, kOperatorMember};
  return policy;
}

NodeSockets::NodeSockets(const Scenario& scenario, const std::string& node,
                         const std::string& member, MemberKey key, PublicKeys public_keys,
                         Endpoints endpoints, std::shared_ptr<spdlog::logger> log)
    : key_(std::move(key)),
      public_keys_(std::move(public_keys)),
      endpoints_(std::move(endpoints)),
      log_(std::move(log)),
      context_(kIoThreads, zmq_sockets_needed(scenario)),
      zap_(context_, public_keys_, zap_policy(scenario, node), log_),
      control_(context_, zmq::socket_type::router),
      data_(context_, zmq::socket_type::pull) {
  make_curve_server(control_, key_, kControlDomain);
  control_.set(zmq::sockopt::linger, kControlLingerMs);
  control_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kControlRequestBytesMax));
  control_.bind(endpoints_.of(member).control);
  make_curve_server(data_, key_, kDataDomain);
  data_.set(zmq::sockopt::linger, 0);
  data_.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
  data_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kDataFrameBytesMax));
  data_.bind(endpoints_.of(member).data);
}

zmq::socket_t NodeSockets::connect_push(const std::string& server, const std::string& process) {
  zmq::socket_t socket(context_, zmq::socket_type::push);
  make_curve_client(socket, key_, public_keys_.of(server));
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
  socket.connect(endpoints_.of(process).data);
  return socket;
}

zmq::socket_t& NodeSockets::peer_socket(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it != peers_.end()) return it->second;
  const auto host = hosts_.find(peer);
  zmq::socket_t socket = connect_push(peer, host == hosts_.end() ? peer : host->second);
  log_->info("connected to {}{}", peer, host == hosts_.end() ? "" : " at " + host->second);
  return peers_.emplace(peer, std::move(socket)).first->second;
}

void NodeSockets::flush() {
  while (!outbox_.empty()) {
    const auto& [peer, payload] = outbox_.front();
    if (!peer_socket(peer).send(zmq::buffer(payload), zmq::send_flags::dontwait)) return;
    outbox_.pop_front();
  }
}

void NodeSockets::route(const std::string& node, const std::string& member) {
  const std::string host = member.empty() ? node : member;
  const auto now = hosts_.find(node);
  if (host == (now == hosts_.end() ? node : now->second)) return;
  if (host == node) {
    hosts_.erase(node);
  } else {
    hosts_[node] = host;
  }
  peers_.erase(node);  // Reconnects to the new process on the next send.
  log_->info("{} is hosted by {} from now", node, host);
}

void NodeSockets::close() {
  data_.close();
  for (auto& [peer, socket] : peers_) socket.close();
  control_.close();
  zap_.stop();
  context_.close();
}

}  // namespace tearline
