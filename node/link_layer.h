// The sender's side of every link: transit delay, loss, acknowledgements and
// resends, all decided in scenario time (docs/MODEL.md, "Handoffs"; the guide's
// reliable request-reply; sync/DESIGN.md for why arrival hours travel with
// the message).
//
// A message handed to the link at hour t gets its loss and transit delay
// drawn from the seed; if it is not lost, it leaves at once stamped with its
// arrival hour t + delay, and the receiver takes it in at exactly that hour.
// The receiver acknowledges it; the acknowledgement carries the hour it
// reaches the sender. Without resend a lost message is lost for good (traced
// "lost", reason from the link's loss model); with resend (delivery
// tracking), an attempt not acknowledged resend_interval_h after it started
// is retried, until deadline_h: a message not acknowledged by then is traced
// "lost" with reason "deadline:unacknowledged". (A receiver takes in a
// tracked message only if its acknowledgement can arrive before the
// deadline, so a message never has two fates.)
//
// The link layer never reads a clock: its owner calls advance(now_h) and
// on_ack() in scenario-time order.
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "model/random.h"
#include "node/role.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

namespace tearline {

// The least transit time of any frame between two processes, in scenario
// hours: one scenario minute. It keeps every link's lookahead above zero, so
// the time authority can always grant a window (sync/DESIGN.md).
inline constexpr double kMinTransitH = 1.0 / 60;

// Transit time of a frame on the link `from` -> `to`: the link's delay drawn
// on `stream` for (key, draw), at least kMinTransitH.
double transit_h(const Scenario& scenario, const Random& random, const std::string& from,
                 const std::string& to, const std::string& stream, const std::string& key,
                 uint64_t draw);

// The least transit time the link `from` -> `to` can draw: its lookahead.
double least_transit_h(const Scenario& scenario, const std::string& from, const std::string& to);

// Puts one frame on the wire to a peer. Never refuses: a transport that
// cannot send at once queues the frame.
class Transmitter {
 public:
  virtual ~Transmitter() = default;
  virtual void transmit(const std::string& peer, const v1::Frame& frame) = 0;
};

// What a fault command injects into one link (control.proto SetLink).
struct LinkFault {
  double extra_delay_h = 0;
  double jitter_h = 0;                     // Uniform extra delay in [0, jitter_h).
  std::optional<double> loss_probability;  // Replaces the model's when set.
  double duplicate_probability = 0;        // A transmission sent twice.
  double reorder_probability = 0;          // Held back by up to reorder_window_h.
  double reorder_window_h = 0;
  std::optional<double> bandwidth_msgs_per_h;  // At most this many a scenario hour.
};

class LinkLayer {
 public:
  using TraceFn = std::function<void(TraceEvent)>;

  LinkLayer(std::string node, const Scenario& scenario, const Random& random,
            Transmitter& transmitter, TraceFn trace);

  void send(const std::string& peer, v1::Envelope envelope, double at_h,
            const SendOptions& options);
  // Hands a poll to the link to `peer`. It leaves at poll.at_h(), or at the
  // send floor if later, with the link's delay and its fault's extra delay,
  // jitter, reordering and bandwidth. A poll is not an accounted message
  // (no sequence, no acknowledgement, no resend, no trace): when the peer is
  // partitioned or down, or the fault's loss takes it, it is dropped and
  // goes unanswered; the unit polls again at its next hour. The scenario's
  // loss model is for messages only.
  void send_poll(const std::string& peer, const v1::PollRequest& poll);
  // An acknowledgement taken in at now_h (its arrival hour).
  void on_ack(const std::string& from, const v1::Ack& ack, double now_h);
  // Resends what is unacknowledged and gives up at deadlines, for
  // everything due at or before now_h, in time order.
  void advance(double now_h);
  std::optional<double> next_wake_h() const;
  // Traces in_flight for every message not yet acknowledged, except those
  // that reached their receiver less than a return transit before now_h:
  // their receiver accounts for them (NodeCore::stop).
  void record_in_flight(double now_h);
  uint32_t pending_msgs() const { return static_cast<uint32_t>(pending_.size()); }

  // Applies `fault` to the link to `peer`, or with "*" to every link that
  // has no fault of its own. Decisions it adds are drawn from the seed too.
  void set_fault(const std::string& peer, const LinkFault& fault);
  // Restores the scenario's model on the link to `peer` ("*": on all).
  void reset_fault(const std::string& peer);
  // Everything sent to these peers from now on is dropped (reason
  // "partition") until healed with an empty set.
  void set_partitioned(std::set<std::string> peers) { partitioned_ = std::move(peers); }
  bool partitioned(const std::string& peer) const { return partitioned_.contains(peer); }

  // `peer` died at at_h: every message whose current attempt reaches it at
  // or after at_h is lost with it (reason "crash:<peer>"; only the attempt
  // when tracked), and so is what is sent to it until peer_up().
  void peer_down(const std::string& peer, double at_h);
  // `peer` is up again from at_h: tracked messages to it that wait for an
  // acknowledgement are resent at at_h rather than at their resend time.
  void peer_up(const std::string& peer, double at_h);
  // Forgets every untracked message waiting for its acknowledgement: its
  // receiver took it in or lost it, and the acknowledgement died with this
  // node's previous process (NodeCore::recover).
  void forget_untracked();
  // Nothing leaves before this hour (never lowered): after a pause, what the
  // node does while catching up is sent when it resumes.
  void raise_send_floor_h(double floor_h) { send_floor_h_ = std::max(send_floor_h_, floor_h); }

  // least_transit_h() of the link from this node to `peer` and back, looked
  // up once per peer (acknowledgements take them on every transfer).
  double least_transit_to_h(const std::string& peer);
  double least_transit_from_h(const std::string& peer);

 private:
  struct Pending {
    std::string peer;
    v1::Envelope envelope;
    SendOptions options;
    // Arrival hour of the current attempt; none when it was lost.
    std::optional<double> arrival_h;
    // Set while a resend is possible (tracked, before the deadline).
    std::optional<double> resend_due_h;
  };

  // Starts attempt envelope.attempt() at at_h: draws loss and delay and
  // transmits. Returns false when the message is done with (lost for good).
  bool start_attempt(Pending& pending, double at_h);
  // Why this attempt is lost on the link, or empty if it is not.
  std::string attempt_loss_reason(const Pending& pending) const;
  double attempt_transit_h(const Pending& pending, double at_h);
  // The hour something handed to the link to `peer` at at_h with the
  // model's transit model_transit_h arrives, once the link's fault (if any)
  // has added its delays; its draws are keyed by (handoff, key, attempt).
  double faulted_arrival_h(const std::string& peer, double at_h, double model_transit_h,
                           const std::string& handoff, const std::string& key, uint32_t attempt);
  void transmit(const Pending& pending);
  // Traces the loss of the current attempt: terminal without resend.
  void trace_attempt_loss(const Pending& pending, const std::string& reason, double at_h);
  const LinkFault* fault_for(const std::string& peer) const;
  const std::pair<double, double>& least_transits_h(const std::string& peer);
  TraceEvent link_event(std::string_view kind, const Pending& pending, double t_h) const;
  // The next hour something is due for this message, if any.
  static std::optional<double> due_h(const Pending& pending);
  void index(const std::string& id, const Pending& pending);
  void unindex(const std::string& id, const Pending& pending);
  void erase(std::map<std::string, Pending>::iterator it);

  std::string node_;
  const Scenario& scenario_;
  const Random& random_;
  Transmitter& transmitter_;
  TraceFn trace_;
  std::map<std::string, uint64_t> next_sequence_by_peer_;
  std::map<std::string, LinkFault> faults_by_peer_;  // "*" applies to all.
  std::set<std::string> partitioned_;
  std::set<std::string> peers_down_;
  double send_floor_h_ = 0;
  // Bandwidth limit: the earliest scenario hour the link is free again.
  std::map<std::string, double> link_free_at_h_;
  // Keyed by message id.
  std::map<std::string, Pending> pending_;
  // Per peer: least transit to it and from it.
  std::map<std::string, std::pair<double, double>> least_transit_h_by_peer_;
  // (due hour, message id) of every pending message with something due.
  std::set<std::pair<double, std::string>> due_;
};

}  // namespace tearline
