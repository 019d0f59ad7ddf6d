// The contract between a node's role (agency, broker, unit: a state machine
// fed time and messages) and the runtime that drives it (sockets, clock,
// trace file). Unit tests drive roles through a fake NodeContext, without
// sockets (docs/STYLE.md, practice 3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/random.h"
#include "tearline/v1/control.pb.h"
#include "tearline/v1/frame.pb.h"
#include "trace/trace.h"

namespace tearline {

class Desk;

// How an outbound message is carried.
struct SendOptions {
  // Resend until acknowledged or until deadline_h (coordinated delivery
  // tracking); otherwise a message lost on the link is lost for good.
  bool resend = false;
  double deadline_h = 0;
};

class NodeContext {
 public:
  virtual ~NodeContext() = default;
  virtual const std::string& node_name() const = 0;
  virtual const Random& random() const = 0;
  // Records a trace event; the runtime fills node, mode and wall time.
  virtual void trace(TraceEvent event) = 0;
  // Hands `envelope` to the outbound link to `peer` at scenario hour at_h.
  // The runtime sets sender, sequence, attempt and handoff ("<node>-><peer>"),
  // traces sent / lost, applies the link's delay and loss, and tracks the
  // acknowledgement.
  virtual void send(const std::string& peer, v1::Envelope envelope, double at_h,
                    const SendOptions& options) = 0;
  // Sends a poll request (not an accounted message) to `peer`.
  virtual void send_poll(const std::string& peer, const v1::PollRequest& poll) = 0;
};

// The id of the copy of `parent` made for `peer`: "<parent>><peer>". Ids
// derive from what a message is, never from the order things happened in,
// so the seeded draws keyed by them replay exactly.
inline std::string copy_message_id(const std::string& parent, const std::string& peer) {
  return parent + ">" + peer;
}

// The copy of message `parent_id` for `peer`, carrying `report` (its report
// id set to the copy's id): traces its creation in `handoff` at at_h and
// returns its envelope, ready for NodeContext::send. `fault`: the fault
// aimed at intelligence that the copy is made under, if any, for the trace.
v1::Envelope make_copy(NodeContext& context, const std::string& parent_id, const std::string& peer,
                       v1::ThreatReport report, const std::string& handoff, double at_h,
                       const std::string& fault = "");

// Traces the copy in `envelope` (made by make_copy for `peer`) withheld in
// `handoff` at at_h for `reason` ("withheld:..."): its one fate, a loss.
void trace_withheld(NodeContext& context, const v1::Envelope& envelope, const std::string& peer,
                    const std::string& handoff, const std::string& reason, double at_h);

class Role {
 public:
  virtual ~Role() = default;
  // The node's clock starts at now_h: a node restarted after a crash skips
  // what its schedules held before now_h (its earlier life produced it).
  virtual void begin_at(double now_h) = 0;
  // Processes everything due at or before now_h, in scenario-time order.
  virtual void advance(NodeContext& context, double now_h) = 0;
  // Scenario hour of the next thing advance() would do, if any.
  virtual std::optional<double> next_wake_h() const = 0;
  // A lower bound on the next hour the role sends anything of its own
  // accord (without new input): the lookahead it gives the time authority.
  // None if it never will. The default, its next wake, is always sound.
  virtual std::optional<double> next_send_bound_h() const { return next_wake_h(); }
  // An accounted message arrived (already traced as received) at now_h.
  virtual void on_envelope(NodeContext& context, const v1::Envelope& envelope, double now_h) = 0;
  // A unit polled this node's database.
  virtual void on_poll(NodeContext& context, const v1::PollRequest& poll, const std::string& from,
                       double now_h) {
    (void)context, (void)poll, (void)from, (void)now_h;
  }
  // At stop: traces an in_flight event for every message the role holds.
  virtual void record_in_flight(NodeContext& context, double now_h) = 0;
  // Queue depths for status replies.
  virtual void fill_status(v1::NodeStatus* status) const = 0;
  // The department called `name` ("database@agency.uk"), or null if this
  // role has none by that name.
  virtual Desk* desk_named(const std::string& name) = 0;
  // A fault aimed at intelligence (node/intel_faults.h), from now on. Only
  // a role with an analysis desk (an agency) takes one.
  virtual bool aim_fault(const v1::IntelFault& fault, std::string* error) {
    (void)fault;
    return *error = "faults aimed at intelligence act at agencies only", false;
  }
};

}  // namespace tearline
