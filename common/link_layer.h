// The sender's side of every link: delay line, loss, acknowledgements and
// resends (MODEL.md, "Handoffs"; the guide's reliable request-reply).
//
// A message handed to the link waits in a delay line for its drawn transit
// delay, then is transmitted; the receiver acknowledges it at once. Loss is
// drawn per attempt from the seed. Without resend a lost message is lost for
// good (traced "lost", reason from the link's loss model); with resend, a lost
// or unacknowledged attempt is retried every resend_interval_h until the
// deadline, then traced "lost" with reason "deadline:unacknowledged".
//
// Thread-safety: none; owned by one node's event loop.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/random.h"
#include "common/role.h"
#include "common/scenario.h"
#include "common/trace.h"

namespace tearline {

// Puts one frame on the wire to a peer. Returns false if it cannot now (the
// peer's high-water mark is reached); the link retries later.
class Transmitter {
 public:
  virtual ~Transmitter() = default;
  virtual bool transmit(const std::string& peer, const v1::Frame& frame) = 0;
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
  void on_ack(const v1::Ack& ack, double now_h);
  // Transmits what is due, resends what is unacknowledged, gives up at
  // deadlines.
  void advance(double now_h);
  std::optional<double> next_wake_h() const;
  // Traces in_flight for every message still in a delay line or unacknowledged.
  void record_in_flight(double now_h);
  uint32_t pending_msgs() const { return static_cast<uint32_t>(pending_.size()); }

  // Applies `fault` to the link to `peer`, or with "*" to every link that
  // has no fault of its own. Decisions it adds are drawn from the seed too.
  void set_fault(const std::string& peer, const LinkFault& fault);
  // Restores the scenario's model on the link to `peer` ("*": on all).
  void reset_fault(const std::string& peer);
  // Everything to these peers is dropped (reason "partition") until healed
  // with an empty set, including messages already in a delay line.
  void set_partitioned(std::set<std::string> peers) { partitioned_ = std::move(peers); }
  bool partitioned(const std::string& peer) const { return partitioned_.contains(peer); }
  // `peer` is back after a silence: tracked messages to it that wait for an
  // acknowledgement are resent at the next advance rather than at their
  // resend time.
  void retry_now(const std::string& peer, double now_h);

 private:
  struct Pending {
    std::string peer;
    v1::Envelope envelope;
    SendOptions options;
    double attempt_started_h = 0;
    std::optional<double> transmit_due_h;  // Set while in the delay line.
    bool refused = false;                  // The transport refused this attempt's frame; retrying.
    std::optional<double> resend_due_h;    // Set while a resend is possible.
  };

  enum class Transmitted { kSent, kRefused, kDropped };

  // Starts attempt envelope.attempt() at at_h: draws loss and delay.
  void start_attempt(Pending& pending, double at_h);
  // Why this attempt is lost on the link, or empty if it is not.
  std::string attempt_loss_reason(const Pending& pending) const;
  double attempt_delay_h(const Pending& pending, double at_h);
  Transmitted transmit(Pending& pending, double now_h);
  // Traces the loss of the current attempt: terminal without resend.
  void trace_attempt_loss(const Pending& pending, const std::string& reason, double at_h);
  const LinkFault* fault_for(const std::string& peer) const;
  TraceEvent link_event(std::string_view kind, const Pending& pending, double t_h) const;

  // Retry interval when the transport refuses a frame (peer's HWM reached).
  static constexpr double kTransmitRetryH = 1.0;

  std::string node_;
  const Scenario& scenario_;
  const Random& random_;
  Transmitter& transmitter_;
  TraceFn trace_;
  std::map<std::string, uint64_t> next_sequence_by_peer_;
  std::map<std::string, LinkFault> faults_by_peer_;  // "*" applies to all.
  std::set<std::string> partitioned_;
  // Bandwidth limit: the earliest scenario hour the link is free again.
  std::map<std::string, double> link_free_at_h_;
  // Keyed by message id.
  std::map<std::string, Pending> pending_;
};

}  // namespace tearline
