#include "common/link_layer.h"

#include <algorithm>
#include <limits>

#include "common/report_fields.h"

namespace tearline {

LinkLayer::LinkLayer(std::string node, const Scenario& scenario, const Random& random,
                     Transmitter& transmitter, TraceFn trace)
    : node_(std::move(node)),
      scenario_(scenario),
      random_(random),
      transmitter_(transmitter),
      trace_(std::move(trace)) {}

TraceEvent LinkLayer::link_event(std::string_view kind, const Pending& pending, double t_h) const {
  TraceEvent event = report_event(kind, pending.envelope.message_id(), pending.envelope.report(),
                                  t_h, pending.envelope.handoff());
  event.peer = pending.peer;
  event.attempt = pending.envelope.attempt();
  return event;
}

void LinkLayer::send(const std::string& peer, v1::Envelope envelope, double at_h,
                     const SendOptions& options) {
  envelope.set_sender(node_);
  envelope.set_sequence(++next_sequence_by_peer_[peer]);
  envelope.set_sent_at_h(at_h);
  envelope.set_deadline_h(options.resend ? options.deadline_h : 0);
  envelope.set_handoff(node_ + "->" + peer);
  envelope.set_attempt(1);
  envelope.set_trace_id(envelope.report().trace_id());

  const std::string message_id = envelope.message_id();
  Pending& pending = pending_[message_id];
  pending.peer = peer;
  pending.envelope = std::move(envelope);
  pending.options = options;
  trace_(link_event("sent", pending, at_h));
  start_attempt(pending, at_h);
  if (!pending.transmit_due_h && !pending.resend_due_h) pending_.erase(message_id);
}

const LinkFault* LinkLayer::fault_for(const std::string& peer) const {
  auto it = faults_by_peer_.find(peer);
  if (it == faults_by_peer_.end()) it = faults_by_peer_.find("*");
  return it == faults_by_peer_.end() ? nullptr : &it->second;
}

void LinkLayer::set_fault(const std::string& peer, const LinkFault& fault) {
  faults_by_peer_[peer] = fault;
}

void LinkLayer::reset_fault(const std::string& peer) {
  if (peer == "*") {
    faults_by_peer_.clear();
  } else {
    faults_by_peer_.erase(peer);
  }
}

void LinkLayer::retry_now(const std::string& peer, double now_h) {
  for (auto& [id, pending] : pending_) {
    if (pending.peer == peer && pending.resend_due_h && !pending.transmit_due_h) {
      pending.resend_due_h = std::min(*pending.resend_due_h, now_h);
    }
  }
}

std::string LinkLayer::attempt_loss_reason(const Pending& pending) const {
  if (partitioned(pending.peer)) return "partition";
  const std::string& handoff = pending.envelope.handoff();
  const std::string& message_id = pending.envelope.message_id();
  const uint32_t attempt = pending.envelope.attempt();
  if (const LinkFault* fault = fault_for(pending.peer); fault && fault->loss_probability) {
    const bool lost =
        random_.uniform("fault-loss:" + handoff, message_id, attempt) < *fault->loss_probability;
    return lost ? "link-loss:injected" : "";
  }
  const LossModel& loss = scenario_.link(node_, pending.peer).loss;
  return loss.lost(random_, "loss:" + handoff, message_id, attempt) ? loss.reason : "";
}

double LinkLayer::attempt_delay_h(const Pending& pending, double at_h) {
  const std::string& handoff = pending.envelope.handoff();
  const std::string& message_id = pending.envelope.message_id();
  const uint32_t attempt = pending.envelope.attempt();
  double due_h = at_h + scenario_.link(node_, pending.peer)
                            .delay.sample_h(random_, "delay:" + handoff, message_id, attempt);
  const LinkFault* fault = fault_for(pending.peer);
  if (!fault) return due_h;
  due_h += fault->extra_delay_h +
           fault->jitter_h * random_.uniform("fault-jitter:" + handoff, message_id, attempt);
  if (random_.uniform("fault-reorder:" + handoff, message_id, attempt) <
      fault->reorder_probability) {
    due_h += fault->reorder_window_h *
             random_.uniform("fault-reorder-delay:" + handoff, message_id, attempt);
  }
  if (fault->bandwidth_msgs_per_h && *fault->bandwidth_msgs_per_h > 0) {
    double& free_at_h = link_free_at_h_[pending.peer];
    due_h = std::max(due_h, free_at_h);
    free_at_h = due_h + 1.0 / *fault->bandwidth_msgs_per_h;
  }
  return due_h;
}

void LinkLayer::trace_attempt_loss(const Pending& pending, const std::string& reason, double at_h) {
  TraceEvent event = link_event(pending.options.resend ? "attempt_lost" : "lost", pending, at_h);
  event.reason = reason;
  trace_(std::move(event));
}

void LinkLayer::start_attempt(Pending& pending, double at_h) {
  pending.attempt_started_h = at_h;
  pending.refused = false;
  pending.transmit_due_h.reset();
  pending.resend_due_h.reset();

  const std::string loss_reason = attempt_loss_reason(pending);
  if (!loss_reason.empty()) {
    trace_attempt_loss(pending, loss_reason, at_h);
    if (!pending.options.resend) return;  // The caller erases it.
  } else {
    pending.transmit_due_h = attempt_delay_h(pending, at_h);
  }
  if (pending.options.resend) {
    pending.resend_due_h = at_h + scenario_.broker.resend_interval_h;
  }
}

LinkLayer::Transmitted LinkLayer::transmit(Pending& pending, double now_h) {
  if (partitioned(pending.peer)) {
    // Partitioned while it waited in the delay line.
    trace_attempt_loss(pending, "partition", now_h);
    pending.transmit_due_h.reset();
    return Transmitted::kDropped;
  }
  v1::Frame frame;
  frame.set_version(1);
  *frame.mutable_envelope() = pending.envelope;
  pending.refused = !transmitter_.transmit(pending.peer, frame);
  if (pending.refused) {
    pending.transmit_due_h = now_h + kTransmitRetryH;
    return Transmitted::kRefused;
  }
  pending.transmit_due_h.reset();
  const LinkFault* fault = fault_for(pending.peer);
  if (fault && random_.uniform("fault-duplicate:" + pending.envelope.handoff(),
                               pending.envelope.message_id(),
                               pending.envelope.attempt()) < fault->duplicate_probability) {
    transmitter_.transmit(pending.peer, frame);  // The receiver traces and drops the copy.
  }
  return Transmitted::kSent;
}

void LinkLayer::on_ack(const v1::Ack& ack, double now_h) {
  auto it = pending_.find(ack.message_id());
  if (it == pending_.end()) return;  // A duplicate's ack, or acked already.
  TraceEvent event = link_event("acked", it->second, now_h);
  trace_(std::move(event));
  pending_.erase(it);
}

void LinkLayer::advance(double now_h) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& pending = it->second;
    if (pending.transmit_due_h && *pending.transmit_due_h <= now_h &&
        transmit(pending, now_h) == Transmitted::kDropped && !pending.options.resend) {
      it = pending_.erase(it);
      continue;
    }
    if (pending.resend_due_h && *pending.resend_due_h <= now_h) {
      if (pending.transmit_due_h && !pending.refused) {
        // This attempt is still in transit: give it a full interval once sent.
        pending.resend_due_h = *pending.transmit_due_h + scenario_.broker.resend_interval_h;
      } else if (*pending.resend_due_h >= pending.options.deadline_h) {
        TraceEvent event = link_event("lost", pending, *pending.resend_due_h);
        event.reason = "deadline:unacknowledged";
        trace_(std::move(event));
        it = pending_.erase(it);
        continue;
      } else if (pending.refused) {
        // The transport still refuses this attempt (the peer's high-water
        // mark): keep retrying it, but only until the deadline.
        *pending.resend_due_h += scenario_.broker.resend_interval_h;
      } else {
        const double at_h = *pending.resend_due_h;
        pending.envelope.set_attempt(pending.envelope.attempt() + 1);
        trace_(link_event("resent", pending, at_h));
        start_attempt(pending, at_h);
        if (pending.transmit_due_h && *pending.transmit_due_h <= now_h) transmit(pending, now_h);
      }
    }
    ++it;
  }
}

std::optional<double> LinkLayer::next_wake_h() const {
  std::optional<double> next;
  for (const auto& [id, pending] : pending_) {
    for (const auto& due : {pending.transmit_due_h, pending.resend_due_h}) {
      if (due && (!next || *due < *next)) next = due;
    }
  }
  return next;
}

void LinkLayer::record_in_flight(double now_h) {
  for (const auto& [id, pending] : pending_) {
    TraceEvent event = link_event("in_flight", pending, now_h);
    event.reason = pending.transmit_due_h ? "in transit" : "awaiting acknowledgement";
    trace_(std::move(event));
  }
}

}  // namespace tearline
