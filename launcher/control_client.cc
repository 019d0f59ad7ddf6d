#include "launcher/control_client.h"

#include <algorithm>

#include "scenario/endpoints.h"
#include "security/curve.h"

namespace tearline {

ControlClient::ControlClient(zmq::context_t& context, const std::vector<std::string>& nodes,
                             const Endpoints& endpoints, const MemberKey& own,
                             const PublicKeys& keys, const WallClock& clock,
                             const std::map<std::string, std::string>& member_of)
    : clock_(clock) {
  for (const std::string& node : nodes) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    const auto member = member_of.find(node);
    make_curve_client(socket, own, keys.of(member == member_of.end() ? node : member->second));
    socket.set(zmq::sockopt::linger, 0);
    socket.connect(endpoints.of(node).control);
    sockets_.emplace(node, std::move(socket));
  }
}

std::map<std::string, v1::ControlReply> ControlClient::broadcast(
    v1::ControlRequest request, const std::vector<std::string>& nodes,
    std::chrono::milliseconds timeout, const std::function<std::set<std::string>()>& dead_nodes) {
  request.set_request_id(++next_request_id_);
  const std::string payload = request.SerializeAsString();
  std::set<std::string> awaiting;
  for (const std::string& node : nodes) {
    if (send_payload(node, payload)) awaiting.insert(node);
  }
  std::map<std::string, v1::ControlReply> replies;
  const WallClock::Time deadline = clock_.now() + timeout;
  while (!awaiting.empty() && clock_.now() < deadline) {
    // A node that answered and then ended (a stop) still answered.
    for (const std::string& dead : dead_nodes()) {
      if (!awaiting.erase(dead)) continue;
      if (auto reply = receive(dead, request.request_id())) replies[dead] = std::move(*reply);
    }
    std::vector<zmq::pollitem_t> items;
    std::vector<std::string> order(awaiting.begin(), awaiting.end());
    for (const std::string& node : order) items.push_back(pollitem(node));
    if (items.empty()) break;
    try {
      zmq::poll(items, std::chrono::milliseconds(50));
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;
    }
    for (size_t i = 0; i < order.size(); ++i) {
      if (!items[i].revents) continue;
      if (auto reply = receive(order[i], request.request_id())) {
        replies[order[i]] = std::move(*reply);
        awaiting.erase(order[i]);
      }
    }
  }
  return replies;
}

uint64_t ControlClient::send(const std::string& node, v1::ControlRequest request) {
  request.set_request_id(++next_request_id_);
  const std::string payload = request.SerializeAsString();
  return send_payload(node, payload) ? request.request_id() : 0;
}

zmq::pollitem_t ControlClient::pollitem(const std::string& node) {
  if (const auto channel = channels_.find(node); channel != channels_.end()) {
    return {nullptr, channel->second.fd(), ZMQ_POLLIN, 0};
  }
  return {sockets_.at(node).handle(), 0, ZMQ_POLLIN, 0};
}

bool ControlClient::send_payload(const std::string& node, const std::string& payload) {
  if (const auto channel = channels_.find(node); channel != channels_.end()) {
    return channel->second.send(payload);
  }
  return sockets_.at(node).send(zmq::buffer(payload), zmq::send_flags::dontwait).has_value();
}

bool ControlClient::take(const std::string& node, std::string* payload) {
  if (const auto channel = channels_.find(node); channel != channels_.end()) {
    // A reply too large, which no node sends, is dropped; a closed channel
    // (the node died) has nothing more: its exit is the supervisor's news.
    ControlChannel::Received received;
    while ((received = channel->second.receive(payload)) == ControlChannel::Received::kOversized) {
    }
    return received == ControlChannel::Received::kPacket;
  }
  zmq::message_t message;
  if (!sockets_.at(node).recv(message, zmq::recv_flags::dontwait)) return false;
  *payload = message.to_string();
  return true;
}

std::optional<v1::ControlReply> ControlClient::receive(const std::string& node,
                                                       uint64_t request_id) {
  std::string payload;
  while (take(node, &payload)) {
    v1::ControlReply reply;
    if (!reply.ParseFromString(payload)) continue;
    uint64_t& peak_kib = peak_rss_kib_[node];
    peak_kib = std::max(peak_kib, reply.status().peak_rss_kib());
    if (reply.request_id() != request_id) continue;  // A late reply to an old request.
    return reply;
  }
  return std::nullopt;
}

uint64_t ControlClient::peak_rss_kib(const std::string& node) const {
  const auto found = peak_rss_kib_.find(node);
  return found == peak_rss_kib_.end() ? 0 : found->second;
}

}  // namespace tearline
