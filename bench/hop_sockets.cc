#include "bench/hop_sockets.h"

#include <stdexcept>
#include <string>

#include "security/curve.h"
#include "security/zap_handler.h"

namespace tearline::bench {
namespace {

constexpr int kHighWaterMarkMsgs = 100 * kProducerWindowMsgs;
constexpr int kStallTimeoutMs = 10000;

}  // namespace

void configure(zmq::socket_t& socket) {
  // A sender's thread ends right after its last send: closing must deliver
  // what is still queued, not drop it (linger 0, as in the runtime, would).
  socket.set(zmq::sockopt::linger, kStallTimeoutMs);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMarkMsgs);
  socket.set(zmq::sockopt::rcvhwm, kHighWaterMarkMsgs);
  socket.set(zmq::sockopt::rcvtimeo, kStallTimeoutMs);
  socket.set(zmq::sockopt::sndtimeo, kStallTimeoutMs);
}

HopSockets open_hop_sockets(zmq::context_t& context, const HopEndpoints& endpoints,
                            const CurveKeys* curve) {
  HopSockets sockets{zmq::socket_t(context, zmq::socket_type::router),
                     zmq::socket_t(context, zmq::socket_type::dealer)};
  configure(sockets.inbound);
  if (curve) make_curve_server(sockets.inbound, curve->hop, kDataDomain);
  // As the runtime: a reply to a peer that is gone fails instead of vanishing.
  sockets.inbound.set(zmq::sockopt::router_mandatory, true);
  sockets.inbound.bind(endpoints.inbound);
  configure(sockets.outbound);
  sockets.outbound.set(zmq::sockopt::routing_id, kCentreNode);
  if (curve) make_curve_client(sockets.outbound, curve->hop, curve->consumer.curve_public_z85);
  sockets.outbound.connect(endpoints.outbound);
  return sockets;
}

void receive(zmq::socket_t& socket, zmq::message_t& message, const char* what) {
  if (!socket.recv(message)) throw std::runtime_error(std::string("stalled waiting for ") + what);
}

void receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload) {
  receive(socket, from, "a routed frame");
  if (!from.more()) throw std::runtime_error("routed frame without payload");
  receive(socket, payload, "a routed frame");
  if (payload.more()) throw std::runtime_error("routed frame of more than two parts");
}

bool try_receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload) {
  if (!socket.recv(from, zmq::recv_flags::dontwait)) return false;
  if (!from.more()) throw std::runtime_error("routed frame without payload");
  receive(socket, payload, "a routed frame");
  if (payload.more()) throw std::runtime_error("routed frame of more than two parts");
  return true;
}

void send_routed(zmq::socket_t& socket, std::string_view to, std::string_view payload) {
  const auto flags = zmq::send_flags::dontwait;
  if (!socket.send(zmq::buffer(to), flags | zmq::send_flags::sndmore) ||
      !socket.send(zmq::buffer(payload), flags)) {
    throw std::runtime_error("acknowledgement not sent");
  }
}

void send(zmq::socket_t& socket, std::string_view payload) {
  if (!socket.send(zmq::buffer(payload), zmq::send_flags::none)) {
    throw std::runtime_error("stalled sending");
  }
}

}  // namespace tearline::bench
