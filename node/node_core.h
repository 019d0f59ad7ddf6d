// A node without its process: the role, its links, its inbox and its fault
// state, advanced only by grants of scenario time (sync/DESIGN.md). The
// multi-process runtime (node_runtime.cc) wraps it in sockets; the
// in-process run (launcher/in_process_run.cc) drives several in one process.
// Both feed it the same frames and grants, so both write the same trace.
//
// Within a grant the core handles its events one at a time in scenario-time
// order, whatever window they fall in; at equal hours in this order: control
// (scheduled fault commands, peers going down or up), acknowledgements, the
// role's own events, the links' resends and deadlines, then envelopes and
// polls taken in. So the trace depends on the scenario, the seed and the
// faults, never on how time was cut into windows.
//
// Pause (or a hold by the time authority, for SIGSTOP): while paused, only
// control events are handled; what arrives waits. On resume at hour C the
// core catches up: its own events before C happen at their hours, but
// nothing it sends leaves before C and what waited is taken in at C.
//
// Never reads a clock, except for the wall_ms of trace events.
//
// Thread-safety: none; owned by one event loop.
#pragma once

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/random.h"
#include "node/frame_check.h"
#include "node/inbox.h"
#include "node/link_layer.h"
#include "node/role.h"
#include "node/role_rules.h"
#include "node/seen_ids.h"
#include "scenario/scenario.h"
#include "tearline/v1/control.pb.h"

namespace tearline {

// Where a core's outbound frames go, stamped with the receiver's incarnation.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void deliver(const std::string& peer, const v1::Frame& frame) = 0;
};

struct NodeIdentity {
  std::string name;  // e.g. "agency.uk".
  std::string mode;  // "bilateral" or "coordinated".
  uint64_t seed = 1;
};

class NodeCore final : public NodeContext, private Transmitter {
 public:
  using RoleMaker = std::function<std::unique_ptr<Role>(const Random&)>;

  // `trace`, `frames` and `origins` (the members' public signing keys) must
  // outlive the core.
  NodeCore(NodeIdentity identity, const Scenario& scenario, const RoleMaker& make_role,
           TraceSink& trace, FrameSink& frames, const OriginVerifier& origins,
           std::shared_ptr<spdlog::logger> log);

  // Starts this incarnation at begin_h; it ends at end_h.
  // `issuer`: the member that asked (the launcher), for the trace.
  void start(double begin_h, uint32_t incarnation, double end_h, const std::string& issuer);
  // Starts incarnation start.incarnation() of a node whose journal was just
  // replayed into this core (docs/DURABILITY.md): it holds what its previous
  // process held when it died at start.died_at_h(). Envelopes and polls
  // reaching that process at or after died_at_h were lost with it (their
  // senders traced so); acknowledgements it had received count at their
  // hours (the launcher lets everything sent to a node arrive before it
  // kills it). Untracked messages stop waiting for theirs: their receivers
  // account for them. The downtime is then caught up like
  // a hold: events before begin_h happen at their hours, nothing leaves or
  // is taken in before begin_h, and the role skips the inputs its schedules
  // held before begin_h, as at any restart.
  void recover(const v1::Start& start, const std::string& issuer);
  // While replaying a journal the core writes no trace and sends no frames:
  // its earlier process did both.
  void set_replaying(bool replaying) { replaying_ = replaying; }
  bool started() const { return incarnation_ != 0; }
  uint32_t incarnation() const { return incarnation_; }

  // Takes in a frame from `from`, the node its connection authenticated.
  // A frame for another incarnation of this node, or that fails
  // check_frame() (a claimed identity not `from`'s, an hour out of range,
  // ...) or the role rules (node/role_rules.h: what `from` may say to this
  // node, a report its origin did not sign) is traced "rejected" and
  // dropped. Returns true if it counts toward a grant's expected frames: it
  // is accepted, for this incarnation.
  bool take_frame(const std::string& from, const v1::Frame& frame);

  // Handles every event before grant.until_h(); returns the report.
  v1::RoundReport run_window(const v1::Grant& grant);

  // Carries out a fault command (pause, resume, link, partition, heal,
  // queue, crash) at the current hour, or at request.at_h() if later. False
  // with *error when it cannot. After a crash, crash_requested() is true and
  // the owner must end the node at once.
  // `issuer` is the member whose key sent it (the launcher, the operator).
  bool apply_fault(const v1::ControlRequest& request, const std::string& issuer,
                   std::string* error);
  bool crash_requested() const { return crash_requested_; }

  // Records what the node holds as in_flight and traces node_stopped.
  void stop(const std::string& issuer);

  // Traces a frame from `from` refused before it was taken in.
  void reject_frame(const std::string& from, const FrameRejection& rejection);

  // Every event before this hour is handled.
  double reached_h() const { return reached_h_; }
  void fill_status(v1::NodeStatus* status) const;
  uint64_t events_written() const { return events_written_; }

  // NodeContext.
  const std::string& node_name() const override { return identity_.name; }
  const Random& random() const override { return random_; }
  void trace(TraceEvent event) override;
  void send(const std::string& peer, v1::Envelope envelope, double at_h,
            const SendOptions& options) override;
  void send_poll(const std::string& peer, const v1::PollRequest& poll) override;

 private:
  struct PeerState {
    bool up = true;
    uint32_t incarnation = 1;
  };
  // A control event: a scheduled fault command or a peer's change.
  struct ControlEvent {
    std::optional<v1::ControlRequest> request;
    std::string issuer;  // Of the request.
    std::optional<v1::PeerState> peer;
  };
  struct SentSummary {
    uint32_t incarnation = 0;
    uint64_t frames = 0;
    double min_arrival_h = 0;
  };

  // Transmitter (the link layer's frames).
  void transmit(const std::string& peer, const v1::Frame& frame) override;
  void deliver(const std::string& peer, v1::Frame frame);

  std::optional<double> next_event_h() const;
  // A lower bound on the next hour this node sends anything of its own
  // accord, for the time authority.
  std::optional<double> next_send_bound_h() const;
  void handle_next(double until_h);
  void handle_control(const ControlEvent& event, double at_h);
  void change_peer(const v1::PeerState& state, double at_h);
  bool carry_out(const v1::ControlRequest& request, const std::string& issuer, double at_h,
                 std::string* error);
  void trace_fault(const v1::ControlRequest& request, const std::string& issuer, double at_h);
  void hold_until(double resume_h);
  // Forgets seen ids and refused attempts no copy of which can still come.
  void forget_settled(double now_h);
  void handle_envelope(const std::string& from, const v1::Envelope& envelope, double arrival_h,
                       double at_h);
  void drop_partitioned(const std::string& from, const v1::Envelope& envelope, double arrival_h,
                        double at_h);
  void acknowledge(const std::string& from, const v1::Envelope& envelope, double at_h);
  // Whether `from` is down and keeps a journal: an acknowledgement would be
  // lost, yet its restarted process would still hold the message.
  bool sender_cannot_learn_of_it(const std::string& from) const;
  // At stop: in_flight for what reached this node less than a return
  // transit ago and was not taken in (its sender leaves those to us).
  void record_arrived_not_taken_in(double now_h);

  NodeIdentity identity_;
  const Scenario& scenario_;
  Random random_;
  TraceSink& trace_sink_;
  FrameSink& frames_;
  std::shared_ptr<spdlog::logger> log_;
  LinkLayer links_;
  RoleRules rules_;
  std::unique_ptr<Role> role_;
  std::set<std::string> known_nodes_;
  Inbox inbox_;

  uint32_t incarnation_ = 0;
  double end_h_ = 0;
  double reached_h_ = 0;
  bool paused_ = false;
  bool crash_requested_ = false;
  bool replaying_ = false;
  // Nothing is taken in before this hour (after a pause or hold).
  double intake_floor_h_ = 0;
  std::set<std::string> partitioned_;
  std::map<std::string, PeerState> peers_;
  std::multimap<double, ControlEvent> control_;
  SeenIds seen_;
  // Tracked attempts this node did not take in (partition, too late), by
  // (sender, message id): the last one, and the hour it arrived. Kept to its
  // deadline.
  std::map<std::pair<std::string, std::string>, std::pair<v1::Envelope, double>> refused_attempts_;
  std::map<std::string, SentSummary> sent_in_window_;
  std::map<std::string, uint64_t> events_by_kind_;
  uint64_t events_written_ = 0;
};

}  // namespace tearline
