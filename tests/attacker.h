// An attacker's tools for the attack tests (attack_test.cc,
// insider_attack_test.cc): sockets to a live run's nodes, with or without a
// member's CURVE key, each with a monitor that tells how its handshake went;
// and readers of the run's nodes.json and traces.
#pragma once

#include <gtest/gtest.h>
#include <zmq.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "security/curve.h"
#include "security/keys.h"
#include "tests/child.h"

namespace tearline::testing {

// A handshake's outcome, as the connecting socket's monitor reports it.
enum class Handshake { kSucceeded, kRefused, kNoAnswer };

class Attacker {
 public:
  // A socket of `type` to `endpoint`: with CURVE as `own` if given (the
  // server known by `server_key`), else without any security.
  zmq::socket_t& connect(zmq::socket_type type, const std::string& endpoint,
                         const std::optional<MemberKey>& own = std::nullopt,
                         const std::string& server_key = "", const std::string& routing_id = "") {
    zmq::socket_t& socket = sockets_.emplace_back(context_, type);
    socket.set(zmq::sockopt::linger, 0);
    if (!routing_id.empty()) socket.set(zmq::sockopt::routing_id, routing_id);
    if (own) make_curve_client(socket, *own, server_key);
    const std::string monitor = "inproc://attack-monitor-" + std::to_string(sockets_.size());
    zmq_socket_monitor(socket.handle(), monitor.c_str(),
                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    monitors_.emplace_back(context_, zmq::socket_type::pair).connect(monitor);
    socket.connect(endpoint);
    return socket;
  }

  // The last socket's first handshake event, waited for at most 10 s.
  Handshake handshake() {
    using namespace std::chrono_literals;
    zmq::socket_t& monitor = monitors_.back();
    std::vector<zmq::pollitem_t> items = {{monitor.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 10s);
    if (!(items[0].revents & ZMQ_POLLIN)) return Handshake::kNoAnswer;
    std::vector<zmq::message_t> event;
    (void)zmq::recv_multipart(monitor, std::back_inserter(event));
    uint16_t id = 0;
    std::memcpy(&id, event.at(0).data(), sizeof id);
    return id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? Handshake::kSucceeded : Handshake::kRefused;
  }

  ~Attacker() {
    for (zmq::socket_t& socket : sockets_) socket.close();
    for (zmq::socket_t& monitor : monitors_) monitor.close();
  }

 private:
  zmq::context_t context_;
  std::deque<zmq::socket_t> sockets_;
  std::deque<zmq::socket_t> monitors_;
};

inline std::string serialised(const google::protobuf::Message& message) {
  return message.SerializeAsString();
}

// The entry of node `name` in a run's nodes.json (null if none).
inline nlohmann::json node_entry(const nlohmann::json& nodes, const std::string& name) {
  for (const auto& node : nodes["nodes"]) {
    if (node["name"] == name) return node;
  }
  return {};
}

// The events of `kind` in a trace file.
inline std::vector<nlohmann::json> events_of(const std::filesystem::path& trace,
                                             const std::string& kind) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(slurp(trace));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["kind"] == kind) events.push_back(event);
  }
  return events;
}

}  // namespace tearline::testing
