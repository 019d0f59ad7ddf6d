// The sockets of the broker hop benchmark's threads (bench/hop_round.h):
// their options, routed receives and sends as the node runtime makes them,
// the members' CURVE keys, and a thread's readiness.
#pragma once

#include <cstddef>
#include <latch>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "bench/hop_traffic.h"
#include "security/keys.h"

namespace tearline::bench {

// Unacknowledged messages the producer allows: enough to keep the hop busy,
// few enough that queues stay far below the high-water marks.
inline constexpr size_t kProducerWindowMsgs = 1000;

// The members' keys of a round with CURVE.
struct CurveKeys {
  MemberKey producer = generate_member_key(kSenderNode);
  MemberKey hop = generate_member_key(kCentreNode);
  MemberKey consumer = generate_member_key("unit.manchester");
  PublicKeys public_keys{{{producer.name, producer.curve_public_z85},
                          {hop.name, hop.curve_public_z85},
                          {consumer.name, consumer.curve_public_z85}}};
};

struct HopEndpoints {
  std::string inbound;   // The hop's ROUTER, bound.
  std::string outbound;  // The consumer's ROUTER.
  std::string standby;   // The standby's PULL for chunks; "<it>.acks" the hop's PULL for acks.
};

// The hop's data sockets: a ROUTER bound at endpoints.inbound, over which
// acks go back, and a DEALER "broker" connected to the consumer; with
// CURVE when `curve` is not null.
struct HopSockets {
  zmq::socket_t inbound;
  zmq::socket_t outbound;
};
HopSockets open_hop_sockets(zmq::context_t& context, const HopEndpoints& endpoints,
                            const CurveKeys* curve);

// High-water marks far above any queue the window allows, so no send
// blocks or drops; a wait of kStallTimeoutMs means a peer has failed.
void configure(zmq::socket_t& socket);
// Throws std::runtime_error naming `what` when nothing comes in time.
void receive(zmq::socket_t& socket, zmq::message_t& message, const char* what);
// A ROUTER's [sender][payload], as the node runtime receives data frames.
void receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload);
// Like receive_routed, but false at once when nothing has come.
bool try_receive_routed(zmq::socket_t& socket, zmq::message_t& from, zmq::message_t& payload);
// A ROUTER's reply to peer `to`, as the node runtime sends acks: never
// waiting (the producer's window keeps its queue short).
void send_routed(zmq::socket_t& socket, std::string_view to, std::string_view payload);
// Sends `payload`, waiting at most kStallTimeoutMs.
void send(zmq::socket_t& socket, std::string_view payload);

// Signals readiness once, at the latest when the thread's setup fails, so
// the producer never waits for a thread that is gone.
class ReadySignal {
 public:
  explicit ReadySignal(std::latch& latch) : latch_(latch) {}
  ~ReadySignal() { signal(); }
  ReadySignal(const ReadySignal&) = delete;
  ReadySignal& operator=(const ReadySignal&) = delete;
  void signal() {
    if (!signalled_) latch_.count_down();
    signalled_ = true;
  }

 private:
  std::latch& latch_;
  bool signalled_ = false;
};

}  // namespace tearline::bench
