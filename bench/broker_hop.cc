#include "bench/broker_hop.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "bench/report_mix.h"
#include "base/clock.h"
#include "model/intelligence.h"
#include "trace/report_fields.h"
#include "node/role.h"

namespace tearline::bench {

ReceivedIds::ReceivedIds(size_t expected_ids) {
  size_t slots = 64;
  while (slots < 2 * expected_ids) slots *= 2;
  slots_.resize(slots);
  mask_ = slots - 1;
}

bool ReceivedIds::insert(std::string_view id, uint64_t hash) {
  size_t at = hash & mask_;
  for (; slots_[at].id != nullptr; at = (at + 1) & mask_) {
    const Slot& slot = slots_[at];
    if (slot.hash == hash && std::string_view(slot.id, slot.size) == id) return false;
  }
  slots_[at] = {hash, store(id), id.size()};
  if (++size_ * 2 > slots_.size()) grow();
  return true;
}

const char* ReceivedIds::store(std::string_view id) {
  if (id.empty()) return "";  // Not null: null marks an empty slot.
  if (id.size() > block_left_) {
    const size_t bytes = std::max(kBlockBytes, id.size());
    block_free_ = blocks_.emplace_back(std::make_unique<char[]>(bytes)).get();
    block_left_ = bytes;
  }
  char* stored = block_free_;
  std::memcpy(stored, id.data(), id.size());
  block_free_ += id.size();
  block_left_ -= id.size();
  return stored;
}

void ReceivedIds::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(2 * old.size(), Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id == nullptr) continue;
    size_t at = slot.hash & mask_;
    while (slots_[at].id != nullptr) at = (at + 1) & mask_;
    slots_[at] = slot;
  }
}

BrokerHop::BrokerHop(const std::string& trace_path, const SecretKey& centre_key,
                     size_t expected_msgs)
    : cipher_handoff_("cipher@" + spec_.name),
      known_nodes_{kSenderNode},
      trace_writer_(trace_path),
      pseudonyms_(centre_key, kPseudonymCacheEntries),
      correlator_(spec_.correlation_window_h),
      received_ids_(expected_msgs),
      arena_(arena_block_.data(), arena_block_.size()) {
  for (const CoveredArea& covered : kCoveredAreas) {
    routes_.push_back({covered.area, covered.unit, spec_.name + "->" + covered.unit,
                       &next_sequence_by_peer_[covered.unit]});
    known_nodes_.insert(covered.unit);
  }
  event_.node = spec_.name;
  event_.mode = "coordinated";
}

TraceEvent& BrokerHop::event(std::string_view kind, const v1::ThreatReport& report,
                             std::string_view handoff) {
  fill_report_fields(report, &event_);
  return next_event(kind, handoff);
}

TraceEvent& BrokerHop::next_event(std::string_view kind, std::string_view handoff) {
  event_.kind = kind;
  event_.msg = inbound_id_;
  event_.t_h = now_h_;
  event_.handoff = handoff;
  event_.peer.clear();
  event_.reason.clear();
  event_.attempt = 0;
  event_.priority = 0;
  return event_;
}

void BrokerHop::trace() {
  event_.wall_ms = unix_now_ms();
  trace_writer_.write(event_);
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
  const uint64_t id_hash = ReceivedIds::hash(id);
  received_ids_.prefetch(id_hash);  // Loaded while the ack is built.
  // The benchmark's scenario clock: the sender's time, as if transit took
  // none; it never goes back, though a resend carries an earlier time.
  now_h_ = std::max(now_h_, envelope->sent_at_h());

  ack_frame_.set_version(1);
  v1::Ack* ack = ack_frame_.mutable_ack();
  ack->set_message_id(id);
  ack->set_receiver(spec_.name);
  ack->set_sequence(envelope->sequence());
  ack->set_received_at_h(now_h_);
  ack_frame_.SerializeToString(&ack_payload_);
  forward_count_ = 0;
  if (!received_ids_.insert(id, id_hash)) return;  // A resend of what we have.

  TraceEvent& received = event("received", envelope->report(), envelope->handoff());
  received.peer = from;
  received.attempt = envelope->attempt();
  trace();

  // The report is changed in place (the broker role copies it): the inbound
  // frame is ours and becomes the outbound one.
  v1::ThreatReport* report = envelope->mutable_report();
  if (report->source().has_sealed()) {
    report->mutable_source()->set_pseudonym(pseudonyms_.pseudonym(report->source().sealed()));
    fill_source_fields(*report, &next_event("pseudonymised", cipher_handoff_));
    trace();
  }
  int boost = 0;
  int others = 0;
  if (report->has_subject()) {
    others = correlator_.observe(report->subject(), report->origin_agency(), now_h_);
    boost = others * spec_.correlation_boost;
  }
  const int priority = relevance(*report, boost);
  if (others > 0) {
    ++correlated_;
    TraceEvent& correlated = next_event("correlated", cipher_handoff_);
    correlated.reason = correlation_reason(others);
    correlated.priority = priority;
    trace();
  }
  if (!report->has_area()) return;
  for (const Route& route : routes_) {
    if (route.area == report->area()) forward(route, *inbound, priority);
  }
}

// Turns the inbound frame (version 1, an envelope) into the copy for
// route.unit: every envelope field is set here, so nothing of the inbound
// transfer leaks into it.
void BrokerHop::forward(const Route& route, v1::Frame& frame, int priority) {
  v1::Envelope* envelope = frame.mutable_envelope();
  // copy_message_id(inbound_id_, route.unit), in a reused string.
  outbound_id_.assign(inbound_id_).append(">").append(route.unit);
  const std::string& id = outbound_id_;
  envelope->set_message_id(id);
  envelope->set_trace_id(envelope->report().trace_id());
  envelope->set_sender(spec_.name);
  envelope->set_sequence(++*route.next_sequence);
  envelope->set_sent_at_h(now_h_);
  envelope->set_deadline_h(now_h_ + spec_.delivery_deadline_h);
  envelope->set_handoff(route.handoff);
  envelope->set_attempt(1);
  envelope->set_parent_message_id(inbound_id_);
  envelope->mutable_report()->set_report_id(id);

  // Only the report id has changed since the last event, and no event
  // carries it.
  TraceEvent& sent = next_event("sent", route.handoff);
  sent.msg = id;
  sent.peer = route.unit;
  sent.attempt = envelope->attempt();
  sent.priority = priority;
  trace();

  if (forward_count_ == forwards_.size()) forwards_.emplace_back();
  frame.SerializeToString(&forwards_[forward_count_++]);
}

}  // namespace tearline::bench
