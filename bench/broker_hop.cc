#include "bench/broker_hop.h"

#include <stdexcept>

#include "bench/report_mix.h"
#include "common/clock.h"
#include "common/intelligence.h"
#include "common/report_fields.h"
#include "common/role.h"

namespace tearline::bench {

BrokerHop::BrokerHop(const std::string& trace_path, uint64_t seed, size_t expected_msgs)
    : cipher_handoff_("cipher@" + spec_.name),
      known_nodes_{kSenderNode},
      trace_writer_(trace_path),
      centre_key_(derive_key(seed, spec_.name)),
      correlator_(spec_.correlation_window_h),
      arena_(arena_block_.data(), arena_block_.size()) {
  for (const CoveredArea& covered : kCoveredAreas) {
    routes_.push_back({covered.area, covered.unit, spec_.name + "->" + covered.unit});
    known_nodes_.insert(covered.unit);
  }
  received_ids_.reserve(expected_msgs);
}

void BrokerHop::trace(TraceEvent event) {
  event.node = spec_.name;
  event.mode = "coordinated";
  event.wall_ms = unix_now_ms();
  trace_writer_.write(event);
}

void BrokerHop::handle(std::string_view from, std::string_view payload) {
  if (!known_nodes_.contains(from)) throw std::runtime_error("frame from an unknown peer");
  arena_.Reset();
  auto* inbound = google::protobuf::Arena::CreateMessage<v1::Frame>(&arena_);
  if (!inbound->ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
      inbound->version() != 1 || !inbound->has_envelope()) {
    throw std::runtime_error("not a version 1 envelope frame");
  }
  v1::Envelope* envelope = inbound->mutable_envelope();
  inbound_id_ = envelope->message_id();
  const std::string& id = inbound_id_;
  if (id.empty()) throw std::runtime_error("envelope without message id");
  if (envelope->report().severity() == v1::SEVERITY_UNSPECIFIED ||
      envelope->report().tlp() == v1::TLP_UNSPECIFIED) {
    throw std::runtime_error(id + ": severity or TLP unspecified");
  }
  // The benchmark's scenario clock: the sender's time, as if transit took none.
  const double now_h = envelope->sent_at_h();

  ack_frame_.set_version(1);
  v1::Ack* ack = ack_frame_.mutable_ack();
  ack->set_message_id(id);
  ack->set_receiver(spec_.name);
  ack->set_sequence(envelope->sequence());
  ack->set_received_at_h(now_h);
  ack_frame_.SerializeToString(&ack_payload_);
  forward_count_ = 0;
  if (!received_ids_.insert(id).second) return;  // A resend of what we have.

  TraceEvent received =
      report_event("received", id, envelope->report(), now_h, envelope->handoff());
  received.peer = from;
  received.attempt = envelope->attempt();
  trace(std::move(received));

  // The report is changed in place (the broker role copies it): the inbound
  // frame is ours and becomes the outbound one.
  v1::ThreatReport* report = envelope->mutable_report();
  if (report->source().has_sealed()) {
    report->mutable_source()->set_pseudonym(pseudonymise(centre_key_, report->source().sealed()));
    trace(report_event("pseudonymised", id, *report, now_h, cipher_handoff_));
  }
  int boost = 0;
  if (report->has_subject()) {
    const int others = correlator_.observe(report->subject(), report->origin_agency(), now_h);
    if (others > 0) {
      boost = others * spec_.correlation_boost;
      TraceEvent correlated = report_event("correlated", id, *report, now_h, cipher_handoff_);
      correlated.reason = std::to_string(others) + " other agencies reported this subject";
      correlated.priority = relevance(*report, boost);
      trace(std::move(correlated));
    }
  }
  const int priority = relevance(*report, boost);
  if (!report->has_area()) return;
  for (const Route& route : routes_) {
    if (route.area == report->area()) forward(route, *inbound, priority, now_h);
  }
}

// Turns the inbound frame (version 1, an envelope) into the copy for
// route.unit: every envelope field is set here, so nothing of the inbound
// transfer leaks into it.
void BrokerHop::forward(const Route& route, v1::Frame& frame, int priority, double now_h) {
  v1::Envelope* envelope = frame.mutable_envelope();
  const std::string id = copy_message_id(inbound_id_, route.unit);
  envelope->set_message_id(id);
  envelope->set_trace_id(envelope->report().trace_id());
  envelope->set_sender(spec_.name);
  envelope->set_sequence(++next_sequence_by_peer_[route.unit]);
  envelope->set_sent_at_h(now_h);
  envelope->set_deadline_h(now_h + spec_.delivery_deadline_h);
  envelope->set_handoff(route.handoff);
  envelope->set_attempt(1);
  envelope->set_parent_message_id(inbound_id_);
  envelope->mutable_report()->set_report_id(id);

  TraceEvent sent = report_event("sent", id, envelope->report(), now_h, route.handoff);
  sent.peer = route.unit;
  sent.attempt = envelope->attempt();
  sent.priority = priority;
  trace(std::move(sent));

  if (forward_count_ == forwards_.size()) forwards_.emplace_back();
  frame.SerializeToString(&forwards_[forward_count_++]);
}

}  // namespace tearline::bench
