// A node without its process: the role, its links, its inbox and its fault
// state, advanced only by grants of scenario time (sync/DESIGN.md). The
// node process (runtime/node_process.h) wraps it in sockets; the in-process
// run (launcher/in_process_host.h) drives several in one process.
// Both feed it the same frames and grants, so both write the same trace.
//
// Within a grant the core handles its events one at a time in scenario-time
// order, whatever window they fall in (the order at equal hours:
// node/scheduler.h). Its parts: the link layer (what it sends, polls
// included), the fault state (node/fault_state.h), the receiver
// (node/receiver.h: what comes in) and the role.
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

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model/random.h"
#include "node/fault_state.h"
#include "node/intake/frame_check.h"
#include "node/link_layer.h"
#include "node/receiver.h"
#include "node/role.h"
#include "node/scheduler.h"
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
  // ...) or the role rules (node/intake/role_rules.h: what `from` may say to this
  // node, a report its origin did not sign) is traced "rejected" and
  // dropped. Returns true if it counts toward a grant's expected frames: it
  // is accepted, for this incarnation.
  bool take_frame(const std::string& from, const v1::Frame& frame);

  // Handles every event before grant.until_h(); returns the report.
  v1::RoundReport run_window(const v1::Grant& grant);

  // Carries out a fault command (pause, resume, link, partition, heal,
  // queue, crash, intel) at the current hour, or at request.at_h() if later. False
  // with *error when it cannot. After a crash, crash_requested() is true and
  // the owner must end the node at once.
  // `issuer` is the member whose key sent it (the launcher, the operator).
  bool apply_fault(const v1::ControlRequest& request, const std::string& issuer,
                   std::string* error);
  bool crash_requested() const { return faults_.crash_requested(); }

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
  struct SentSummary {
    uint32_t incarnation = 0;
    uint64_t frames = 0;
    double min_arrival_h = 0;
  };

  // Transmitter (the link layer's frames).
  void transmit(const std::string& peer, const v1::Frame& frame) override;
  // Every frame leaves through here, stamped with the incarnations.
  void deliver(const std::string& peer, v1::Frame frame);

  // When each part next has something due; `role_h` is the role's next wake
  // or its bound on its next send.
  DueHours due_hours(std::optional<double> role_h) const;
  std::optional<DueEvent> next_event() const;
  std::optional<double> next_event_h() const;
  void handle(const DueEvent& event);
  void take_in(const InboxEntry& entry, double at_h);
  void handle_control(const ControlEvent& event, double at_h);
  bool carry_out(const v1::ControlRequest& request, const std::string& issuer, double at_h,
                 std::string* error);
  // The queue command: a department of the role reconfigured from at_h.
  bool reconfigure_desk(const v1::SetQueue& change, double at_h, std::string* error);

  NodeIdentity identity_;
  const Scenario& scenario_;
  Random random_;
  TraceSink& trace_sink_;
  FrameSink& frames_;
  std::shared_ptr<spdlog::logger> log_;
  LinkLayer links_;
  FaultState faults_;
  Receiver receiver_;
  std::unique_ptr<Role> role_;
  ControlQueue control_;

  uint32_t incarnation_ = 0;
  double end_h_ = 0;
  double reached_h_ = 0;
  bool replaying_ = false;
  std::map<std::string, SentSummary> sent_in_window_;
  std::map<std::string, uint64_t> events_by_kind_;
  uint64_t events_written_ = 0;
};

}  // namespace tearline
