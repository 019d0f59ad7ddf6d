// A node's receiving side (NodeCore): checks every frame that comes, keeps
// the accepted ones in the inbox until their hour, and decides for each
// envelope taken in whether the role gets it, with its one fate traced:
// received (and acknowledged), duplicate (acknowledged again), or this
// attempt lost (partitioned from its sender, its sender down with a
// journal, or too late for its acknowledgement to beat the deadline).
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "node/fault_state.h"
#include "node/intake/frame_check.h"
#include "node/intake/inbox.h"
#include "node/intake/role_rules.h"
#include "node/intake/seen_ids.h"
#include "node/link_layer.h"

namespace tearline {

class Receiver {
 public:
  using TraceFn = std::function<void(TraceEvent)>;
  // Sends a frame (an acknowledgement) to a peer.
  using SendFn = std::function<void(const std::string& peer, v1::Frame frame)>;

  // `scenario`, `origins`, `links` and `faults` must outlive the receiver.
  Receiver(std::string node, const std::string& mode, const Scenario& scenario,
           const OriginVerifier& origins, LinkLayer& links, const FaultState& faults, TraceFn trace,
           SendFn send, std::shared_ptr<spdlog::logger> log);

  // Keeps `frame` from `from` in the inbox if it is for `incarnation` and
  // passes check_frame() and the role rules; else traces it "rejected" at
  // now_h. A frame that arrives after its hour (its sender died mid-window,
  // sync/DESIGN.md) is taken in at now_h. True if kept.
  bool take_frame(const std::string& from, const v1::Frame& frame, uint32_t incarnation,
                  double now_h);
  // Traces a frame from `from` refused at now_h.
  void reject_frame(const std::string& from, const FrameRejection& rejection, double now_h);

  // An envelope from `from` that arrived at arrival_h is taken in at at_h:
  // traces its fate and acknowledges it. True if the role is to get it.
  bool take_in(const std::string& from, const v1::Envelope& envelope, double arrival_h,
               double at_h);
  // At stop: in_flight for what reached this node less than a return
  // transit ago and was not taken in (its sender leaves those to us).
  void record_arrived_not_taken_in(double now_h);

  Inbox& inbox() { return inbox_; }
  const Inbox& inbox() const { return inbox_; }

 private:
  // Forgets seen ids and refused attempts no copy of which can still come.
  void forget_settled(double now_h);
  // Traces this attempt of a message not taken in, and keeps it (tracked)
  // till its deadline or marks it seen (untracked: its copies come now).
  void refuse(const std::string& from, const v1::Envelope& envelope, double arrival_h, double at_h,
              std::string_view reason);
  void acknowledge(const std::string& from, const v1::Envelope& envelope, double at_h);
  // Whether `from` is down and keeps a journal: an acknowledgement would be
  // lost, yet its restarted process would still hold the message.
  bool sender_cannot_learn_of_it(const std::string& from) const;
  void trace_envelope(std::string_view kind, const std::string& from, const v1::Envelope& envelope,
                      double t_h, std::string_view reason);

  std::string node_;
  const Scenario& scenario_;
  RoleRules rules_;
  LinkLayer& links_;
  const FaultState& faults_;
  TraceFn trace_;
  SendFn send_;
  std::shared_ptr<spdlog::logger> log_;
  Inbox inbox_;
  SeenIds seen_;
  // A tracked attempt this node did not take in (partition, sender down,
  // too late) and the hour it arrived, by (sender, message id): the last
  // one. Kept to its deadline.
  std::map<std::pair<std::string, std::string>, std::pair<v1::Envelope, double>> refused_attempts_;
};

}  // namespace tearline
