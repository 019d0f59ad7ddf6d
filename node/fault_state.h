// A node's fault state machine (proto/tearline/v1/control.proto): paused or
// running, the peers it is partitioned from, the faults on its links, the
// peers it knows to be down, and whether a crash was asked for. NodeCore
// asks it what holds and hands it the fault commands (but the queue
// command, which changes a department of the role) and the peers' changes
// that the time authority's grants bring.
//
// Pause and resume: while paused the node handles only control events. On
// resume at hour C, and at the end of a hold by the time authority (SIGSTOP)
// or a restart, the intake floor and the links' send floor rise to C:
// nothing is taken in or leaves before C. Neither floor is ever lowered.
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "node/link_layer.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

class FaultState {
 public:
  using TraceFn = std::function<void(TraceEvent)>;

  // Whether a name is one of the scenario's nodes, the only peers a command
  // may name.
  using NodeLookup = std::function<bool(const std::string&)>;

  // `links` must outlive the state.
  FaultState(std::string node, NodeLookup is_node, LinkLayer& links, TraceFn trace,
             std::shared_ptr<spdlog::logger> log);

  // Carries out pause, resume, link, partition, heal or crash at at_h. False
  // with *error for a peer it does not know or another command.
  bool carry_out(const v1::ControlRequest& request, double at_h, std::string* error);
  // Traces and logs the fault command carried out at at_h.
  void trace_fault(const v1::ControlRequest& request, const std::string& issuer, double at_h) const;
  // A peer went down or came up (from a grant): traced, and told to the links.
  void change_peer(const v1::PeerState& state, double at_h);
  // Nothing is taken in or sent before resume_h.
  void hold_until(double resume_h);
  // A recovered node's new process was not asked to crash.
  void clear_crash() { crash_requested_ = false; }

  bool paused() const { return paused_; }
  bool crash_requested() const { return crash_requested_; }
  double intake_floor_h() const { return intake_floor_h_; }
  bool partitioned(const std::string& peer) const { return partitioned_.contains(peer); }
  const std::set<std::string>& partitioned_peers() const { return partitioned_; }
  bool peer_down(const std::string& peer) const;
  // The incarnation of `peer` that frames go to: 1 until a grant says more.
  uint32_t peer_incarnation(const std::string& peer) const;

 private:
  struct PeerState {
    bool up = true;
    uint32_t incarnation = 1;
  };

  bool known_peer(const std::string& peer) const;

  std::string node_;
  NodeLookup is_node_;
  LinkLayer& links_;
  TraceFn trace_;
  std::shared_ptr<spdlog::logger> log_;
  bool paused_ = false;
  bool crash_requested_ = false;
  double intake_floor_h_ = 0;
  std::set<std::string> partitioned_;
  std::map<std::string, PeerState> peers_;
};

}  // namespace tearline
