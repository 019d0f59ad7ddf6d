#include "bench/broker_hop.h"

#include <stdexcept>

#include "bench/report_mix.h"
#include "common/clock.h"
#include "common/intelligence.h"
#include "common/report_fields.h"

namespace tearline::bench {

BrokerHop::BrokerHop(const std::string& trace_path, uint64_t seed, size_t expected_msgs)
    : trace_writer_(trace_path),
      centre_key_(derive_key(seed, spec_.name)),
      correlator_(spec_.correlation_window_h) {
  known_nodes_.insert(kSenderNode);
  for (const CoveredArea& covered : kCoveredAreas) {
    UnitSpec unit;
    unit.name = covered.unit;
    unit.area = covered.area;
    known_nodes_.insert(unit.name);
    units_.push_back(std::move(unit));
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
  if (!inbound_.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
      inbound_.version() != 1 || !inbound_.has_envelope()) {
    throw std::runtime_error("not a version 1 envelope frame");
  }
  const v1::Envelope& envelope = inbound_.envelope();
  const std::string& id = envelope.message_id();
  if (id.empty()) throw std::runtime_error("envelope without message id");
  if (envelope.report().severity() == v1::SEVERITY_UNSPECIFIED ||
      envelope.report().tlp() == v1::TLP_UNSPECIFIED) {
    throw std::runtime_error(id + ": severity or TLP unspecified");
  }
  // The benchmark's scenario clock: the sender's time, as if transit took none.
  const double now_h = envelope.sent_at_h();

  ack_frame_.set_version(1);
  v1::Ack* ack = ack_frame_.mutable_ack();
  ack->set_message_id(id);
  ack->set_receiver(spec_.name);
  ack->set_sequence(envelope.sequence());
  ack->set_received_at_h(now_h);
  ack_frame_.SerializeToString(&ack_payload_);
  forwards_.clear();
  if (!received_ids_.insert(id).second) return;  // A resend of what we have.

  TraceEvent received = report_event("received", id, envelope.report(), now_h, envelope.handoff());
  received.peer = from;
  received.attempt = envelope.attempt();
  trace(std::move(received));

  v1::ThreatReport report = envelope.report();
  if (report.source().has_sealed()) {
    report.mutable_source()->set_pseudonym(pseudonymise(centre_key_, report.source().sealed()));
    trace(report_event("pseudonymised", id, report, now_h, "cipher@" + spec_.name));
  }
  int boost = 0;
  if (report.has_subject()) {
    const int others = correlator_.observe(report.subject(), report.origin_agency(), now_h);
    if (others > 0) {
      boost = others * spec_.correlation_boost;
      TraceEvent correlated = report_event("correlated", id, report, now_h, "cipher@" + spec_.name);
      correlated.reason = std::to_string(others) + " other agencies reported this subject";
      correlated.priority = relevance(report, boost);
      trace(std::move(correlated));
    }
  }
  const int priority = relevance(report, boost);
  if (!report.has_area()) return;
  for (const UnitSpec& unit : units_) {
    if (unit.area == report.area()) forward(unit.name, report, id, priority, now_h);
  }
}

void BrokerHop::forward(const std::string& unit, const v1::ThreatReport& report,
                        const std::string& parent_id, int priority, double now_h) {
  const std::string id = spec_.name + "#" + std::to_string(++message_counter_);
  outbound_.Clear();
  outbound_.set_version(1);
  v1::Envelope* envelope = outbound_.mutable_envelope();
  envelope->set_message_id(id);
  envelope->set_trace_id(report.trace_id());
  envelope->set_sender(spec_.name);
  envelope->set_sequence(++next_sequence_by_peer_[unit]);
  envelope->set_sent_at_h(now_h);
  envelope->set_deadline_h(now_h + spec_.delivery_deadline_h);
  envelope->set_handoff(spec_.name + "->" + unit);
  envelope->set_attempt(1);
  envelope->set_parent_message_id(parent_id);
  v1::ThreatReport* copy = envelope->mutable_report();
  *copy = report;
  copy->set_report_id(id);

  TraceEvent sent = report_event("sent", id, *copy, now_h, envelope->handoff());
  sent.peer = unit;
  sent.attempt = envelope->attempt();
  sent.priority = priority;
  trace(std::move(sent));
  forwards_.push_back(outbound_.SerializeAsString());
}

}  // namespace tearline::bench
