#include "bench/hop_sockets.h"

#include <stdexcept>
#include <string>

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
