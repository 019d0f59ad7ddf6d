#include "node/fault_state.h"

#include <algorithm>
#include <utility>

#include "base/invariant.h"
#include "node/fault_commands.h"
#include "node/intake/frame_check.h"

namespace tearline {

FaultState::FaultState(std::string node, NodeLookup is_node, LinkLayer& links, TraceFn trace,
                       std::shared_ptr<spdlog::logger> log)
    : node_(std::move(node)),
      is_node_(std::move(is_node)),
      links_(links),
      trace_(std::move(trace)),
      log_(std::move(log)) {}

bool FaultState::known_peer(const std::string& peer) const {
  return peer != node_ && is_node_(peer);
}

bool FaultState::carry_out(const v1::ControlRequest& request, double at_h, std::string* error) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPause:
      paused_ = true;
      return true;
    case v1::ControlRequest::kResume:
      if (paused_) hold_until(at_h);
      paused_ = false;
      return true;
    case v1::ControlRequest::kLink: {
      const v1::SetLink& link = request.link();
      if (link.peer() != "*" && !known_peer(link.peer())) {
        return *error = "no peer named \"" + link.peer() + "\"", false;
      }
      if (link.reset()) {
        links_.reset_fault(link.peer());
      } else {
        links_.set_fault(link.peer(), link_fault_from(link));
      }
      return true;
    }
    case v1::ControlRequest::kPartition: {
      std::set<std::string> peers = partitioned_;
      for (const std::string& peer : request.partition().peers()) {
        if (!known_peer(peer)) return *error = "no peer named \"" + peer + "\"", false;
        peers.insert(peer);
      }
      partitioned_ = peers;
      links_.set_partitioned(std::move(peers));
      return true;
    }
    case v1::ControlRequest::kHeal:
      partitioned_.clear();
      links_.set_partitioned({});
      return true;
    case v1::ControlRequest::kCrash:
      crash_requested_ = true;
      return true;
    default:
      return *error = "not a fault command: " + describe_command(request), false;
  }
}

void FaultState::trace_fault(const v1::ControlRequest& request, const std::string& issuer,
                             double at_h) const {
  const std::string description = describe_command(request);
  log_->warn("fault: {} at {:.2f} h (by {}, key of {})", description, at_h, request.issued_by(),
             issuer);
  TraceEvent event;
  event.kind = "fault";
  event.t_h = at_h;
  event.fault = description;
  event.by = request.issued_by().substr(0, kIdBytesMax);
  event.issuer = issuer;
  trace_(std::move(event));
}

void FaultState::change_peer(const v1::PeerState& state, double at_h) {
  if (state.node() == node_) return;
  PeerState& peer = peers_[state.node()];
  const bool was_up = peer.up;
  peer.up = state.up();
  peer.incarnation = state.incarnation();
  if (was_up == peer.up) return;
  TraceEvent event;
  event.kind = peer.up ? "peer_up" : "peer_down";
  event.t_h = at_h;
  event.peer = state.node();
  trace_(std::move(event));
  if (peer.up) {
    links_.peer_up(state.node(), at_h);
  } else {
    links_.peer_down(state.node(), at_h);
  }
}

void FaultState::hold_until(double resume_h) {
  // Never lowered: a pause that ends while the node is held (SIGSTOP) must
  // not let anything leave before the hold ends.
  links_.raise_send_floor_h(resume_h);
  intake_floor_h_ = std::max(intake_floor_h_, resume_h);
}

bool FaultState::peer_down(const std::string& peer) const {
  const auto state = peers_.find(peer);
  return state != peers_.end() && !state->second.up;
}

uint32_t FaultState::peer_incarnation(const std::string& peer) const {
  const auto state = peers_.find(peer);
  return state == peers_.end() ? 1 : state->second.incarnation;
}

}  // namespace tearline
