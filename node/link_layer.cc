#include "node/link_layer.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/invariant.h"
#include "trace/report_fields.h"

namespace tearline {

double transit_h(const Scenario& scenario, const Random& random, const std::string& from,
                 const std::string& to, const std::string& stream, const std::string& key,
                 uint64_t draw) {
  const double drawn_h = scenario.link(from, to).delay.sample_h(random, stream, key, draw);
  return std::max(kMinTransitH, drawn_h);
}

double least_transit_h(const Scenario& scenario, const std::string& from, const std::string& to) {
  return std::max(kMinTransitH, scenario.link(from, to).delay.least_h());
}

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

std::optional<double> LinkLayer::due_h(const Pending& pending) {
  if (!pending.options.resend) return std::nullopt;
  if (pending.resend_due_h) return std::min(*pending.resend_due_h, pending.options.deadline_h);
  return pending.options.deadline_h;
}

void LinkLayer::index(const std::string& id, const Pending& pending) {
  if (const std::optional<double> due = due_h(pending)) due_.emplace(*due, id);
}

void LinkLayer::unindex(const std::string& id, const Pending& pending) {
  if (const std::optional<double> due = due_h(pending)) due_.erase({*due, id});
}

void LinkLayer::erase(std::map<std::string, Pending>::iterator it) {
  unindex(it->first, it->second);
  pending_.erase(it);
}

const std::pair<double, double>& LinkLayer::least_transits_h(const std::string& peer) {
  auto it = least_transit_h_by_peer_.find(peer);
  if (it == least_transit_h_by_peer_.end()) {
    it = least_transit_h_by_peer_
             .emplace(peer, std::pair{least_transit_h(scenario_, node_, peer),
                                      least_transit_h(scenario_, peer, node_)})
             .first;
  }
  return it->second;
}

double LinkLayer::least_transit_to_h(const std::string& peer) {
  return least_transits_h(peer).first;
}

double LinkLayer::least_transit_from_h(const std::string& peer) {
  return least_transits_h(peer).second;
}

void LinkLayer::send(const std::string& peer, v1::Envelope envelope, double at_h,
                     const SendOptions& options) {
  at_h = std::max(at_h, send_floor_h_);
  envelope.set_sender(node_);
  envelope.set_sequence(++next_sequence_by_peer_[peer]);
  envelope.set_deadline_h(options.resend ? options.deadline_h : 0);
  envelope.set_handoff(node_ + "->" + peer);
  envelope.set_attempt(1);
  envelope.set_trace_id(envelope.report().trace_id());

  const std::string message_id = envelope.message_id();
  Pending pending;
  pending.peer = peer;
  pending.envelope = std::move(envelope);
  pending.options = options;
  trace_(link_event("sent", pending, at_h));
  if (!start_attempt(pending, at_h)) return;
  auto [it, inserted] = pending_.insert_or_assign(message_id, std::move(pending));
  (void)inserted;
  index(message_id, it->second);
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

std::string LinkLayer::attempt_loss_reason(const Pending& pending) const {
  if (peers_down_.contains(pending.peer)) return "crash:" + pending.peer;
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

double LinkLayer::attempt_transit_h(const Pending& pending, double at_h) {
  const std::string& handoff = pending.envelope.handoff();
  const std::string& message_id = pending.envelope.message_id();
  const uint32_t attempt = pending.envelope.attempt();
  const double model_transit_h =
      transit_h(scenario_, random_, node_, pending.peer, "delay:" + handoff, message_id, attempt);
  return faulted_arrival_h(pending.peer, at_h, model_transit_h, handoff, message_id, attempt) -
         at_h;
}

double LinkLayer::faulted_arrival_h(const std::string& peer, double at_h, double model_transit_h,
                                    const std::string& handoff, const std::string& key,
                                    uint32_t attempt) {
  double arrival_h = at_h + model_transit_h;
  const LinkFault* fault = fault_for(peer);
  if (!fault) return arrival_h;
  arrival_h += fault->extra_delay_h +
               fault->jitter_h * random_.uniform("fault-jitter:" + handoff, key, attempt);
  if (random_.uniform("fault-reorder:" + handoff, key, attempt) < fault->reorder_probability) {
    arrival_h +=
        fault->reorder_window_h * random_.uniform("fault-reorder-delay:" + handoff, key, attempt);
  }
  if (fault->bandwidth_msgs_per_h && *fault->bandwidth_msgs_per_h > 0) {
    double& free_at_h = link_free_at_h_[peer];
    arrival_h = std::max(arrival_h, free_at_h);
    free_at_h = arrival_h + 1.0 / *fault->bandwidth_msgs_per_h;
  }
  return arrival_h;
}

void LinkLayer::send_poll(const std::string& peer, const v1::PollRequest& poll) {
  if (peers_down_.contains(peer) || partitioned(peer)) return;
  const double at_h = std::max(poll.at_h(), send_floor_h_);
  // Drawn as before polls went through the link layer, so that a link
  // without a fault delays them exactly as it did.
  const std::string key = fmt::format("{}", poll.at_h());
  const double model_transit_h =
      transit_h(scenario_, random_, node_, peer, "poll:" + node_, key, 0);
  const std::string handoff = "poll:" + node_ + "->" + peer;
  const LinkFault* fault = fault_for(peer);
  if (fault && fault->loss_probability &&
      random_.uniform("fault-loss:" + handoff, key, 0) < *fault->loss_probability) {
    return;
  }
  v1::Frame frame;
  frame.set_version(1);
  *frame.mutable_poll() = poll;
  frame.set_arrival_h(faulted_arrival_h(peer, at_h, model_transit_h, handoff, key, 0));
  TEARLINE_ASSERT(frame.arrival_h() >= at_h + kMinTransitH);
  transmitter_.transmit(peer, frame);
}

void LinkLayer::trace_attempt_loss(const Pending& pending, const std::string& reason, double at_h) {
  TraceEvent event = link_event(pending.options.resend ? "attempt_lost" : "lost", pending, at_h);
  event.reason = reason;
  trace_(std::move(event));
}

bool LinkLayer::start_attempt(Pending& pending, double at_h) {
  pending.arrival_h.reset();
  pending.resend_due_h.reset();
  if (pending.options.resend &&
      at_h + scenario_.broker.resend_interval_h < pending.options.deadline_h) {
    pending.resend_due_h = at_h + scenario_.broker.resend_interval_h;
  }
  const std::string loss_reason = attempt_loss_reason(pending);
  if (!loss_reason.empty()) {
    trace_attempt_loss(pending, loss_reason, at_h);
    return pending.options.resend;
  }
  pending.arrival_h = at_h + attempt_transit_h(pending, at_h);
  pending.envelope.set_sent_at_h(at_h);
  transmit(pending);
  return true;
}

void LinkLayer::transmit(const Pending& pending) {
  v1::Frame frame;
  frame.set_version(1);
  *frame.mutable_envelope() = pending.envelope;
  frame.set_arrival_h(*pending.arrival_h);
  transmitter_.transmit(pending.peer, frame);
  const LinkFault* fault = fault_for(pending.peer);
  if (fault && random_.uniform("fault-duplicate:" + pending.envelope.handoff(),
                               pending.envelope.message_id(),
                               pending.envelope.attempt()) < fault->duplicate_probability) {
    transmitter_.transmit(pending.peer, frame);  // The receiver traces and drops the copy.
  }
}

void LinkLayer::on_ack(const std::string& from, const v1::Ack& ack, double now_h) {
  auto it = pending_.find(ack.message_id());
  // A duplicate's ack, acked already, or (ignored) an ack from another
  // node than the message went to.
  if (it == pending_.end() || it->second.peer != from) return;
  trace_(link_event("acked", it->second, now_h));
  erase(it);
}

void LinkLayer::advance(double now_h) {
  while (!due_.empty() && due_.begin()->first <= now_h) {
    const auto [at_h, id] = *due_.begin();
    auto it = pending_.find(id);
    Pending& pending = it->second;
    if (at_h >= pending.options.deadline_h) {
      TraceEvent event = link_event("lost", pending, pending.options.deadline_h);
      event.reason = "deadline:unacknowledged";
      trace_(std::move(event));
      erase(it);
      continue;
    }
    unindex(id, pending);
    const double ack_due_h =
        pending.arrival_h ? *pending.arrival_h + least_transit_from_h(pending.peer) : 0;
    if (pending.arrival_h && ack_due_h > at_h) {
      // Its acknowledgement may still come: resend only once it is overdue.
      pending.resend_due_h.reset();
      if (ack_due_h < pending.options.deadline_h) pending.resend_due_h = ack_due_h;
    } else {
      const double start_h = std::max(at_h, send_floor_h_);
      pending.envelope.set_attempt(pending.envelope.attempt() + 1);
      trace_(link_event("resent", pending, start_h));
      start_attempt(pending, start_h);
    }
    index(id, pending);
  }
}

std::optional<double> LinkLayer::next_wake_h() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

void LinkLayer::peer_down(const std::string& peer, double at_h) {
  peers_down_.insert(peer);
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& pending = it->second;
    if (pending.peer != peer || !pending.arrival_h || *pending.arrival_h < at_h) {
      ++it;
      continue;
    }
    trace_attempt_loss(pending, "crash:" + peer, at_h);
    if (!pending.options.resend) {
      it = pending_.erase(it);  // Untracked: nothing indexed.
      continue;
    }
    pending.arrival_h.reset();
    ++it;
  }
}

void LinkLayer::peer_up(const std::string& peer, double at_h) {
  peers_down_.erase(peer);
  for (auto& [id, pending] : pending_) {
    if (pending.peer != peer || pending.arrival_h || !pending.resend_due_h) continue;
    unindex(id, pending);
    pending.resend_due_h = std::min(*pending.resend_due_h, at_h);
    index(id, pending);
  }
}

void LinkLayer::forget_untracked() {
  std::erase_if(pending_, [](const auto& entry) { return !entry.second.options.resend; });
}

void LinkLayer::record_in_flight(double now_h) {
  for (const auto& [id, pending] : pending_) {
    // Arrived, with its acknowledgement possibly on the way: the receiver
    // accounts for it (taken in, or recorded there as in flight).
    if (pending.arrival_h && *pending.arrival_h <= now_h &&
        *pending.arrival_h + least_transit_from_h(pending.peer) > now_h) {
      continue;
    }
    TraceEvent event = link_event("in_flight", pending, now_h);
    event.reason =
        pending.arrival_h && *pending.arrival_h > now_h ? "in transit" : "awaiting resend";
    trace_(std::move(event));
  }
}

}  // namespace tearline
