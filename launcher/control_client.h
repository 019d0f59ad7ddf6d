// The launcher's side of the nodes' control endpoints: one DEALER per node,
// or on one host the launcher's end of the node's control channel
// (runtime/control_channel.h), requests broadcast with a deadline, replies
// matched by request id.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "base/clock.h"
#include "runtime/control_channel.h"
#include "scenario/endpoints.h"
#include "security/keys.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

class ControlClient {
 public:
  // Connects with CURVE as `own` (the launcher) to each of `nodes`, which it
  // knows by its key in `keys` (a centre's standby in `member_of` by its
  // centre's); nodes reached by a channel need not be among them. Its waits
  // are bounded by `clock`.
  ControlClient(zmq::context_t& context, const std::vector<std::string>& nodes,
                const Endpoints& endpoints, const MemberKey& own, const PublicKeys& keys,
                const WallClock& clock, const std::map<std::string, std::string>& member_of = {});

  // Sends `request` to each of `nodes` and waits until all have replied or
  // `timeout` passes. Every poll step (at most 50 ms) calls `dead_nodes`,
  // whose answer stops the wait for those nodes (taking a reply that came
  // before the end). Returns the replies by node.
  std::map<std::string, v1::ControlReply> broadcast(
      v1::ControlRequest request, const std::vector<std::string>& nodes,
      std::chrono::milliseconds timeout, const std::function<std::set<std::string>()>& dead_nodes);

  // Sends `request` to `node` without waiting for the reply; returns its
  // request id, or 0 if it could not be queued.
  uint64_t send(const std::string& node, v1::ControlRequest request);
  // The reply of `node` to `request_id`, if it has come; replies to other
  // (older) requests are dropped. Never waits.
  std::optional<v1::ControlReply> receive(const std::string& node, uint64_t request_id);
  // From now `node` is reached over `channel` (its process was just spawned
  // with the other end); an earlier process's channel closes.
  void attach(const std::string& node, ControlChannel channel) {
    channels_[node] = std::move(channel);
  }
  // What signals `node`'s replies, to poll beside other events.
  zmq::pollitem_t pollitem(const std::string& node);
  // The largest peak resident memory `node`'s replies reported (every reply
  // carries its status), over all its lives; 0 before any.
  uint64_t peak_rss_kib(const std::string& node) const;

 private:
  const WallClock& clock_;
  // Sends a serialized request to `node`; false if it cannot be queued.
  bool send_payload(const std::string& node, const std::string& payload);
  // Takes one reply of `node`, if one waits; false when none does.
  bool take(const std::string& node, std::string* payload);

  std::map<std::string, zmq::socket_t> sockets_;
  std::map<std::string, ControlChannel> channels_;
  std::map<std::string, uint64_t> peak_rss_kib_;
  uint64_t next_request_id_ = 0;
};

}  // namespace tearline
