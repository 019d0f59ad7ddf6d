#include "node/receiver.h"

#include <algorithm>

#include "base/invariant.h"
#include "trace/report_fields.h"

namespace tearline {

Receiver::Receiver(std::string node, const std::string& mode, const Scenario& scenario,
                   const OriginVerifier& origins, LinkLayer& links, const FaultState& faults,
                   TraceFn trace, SendFn send, std::shared_ptr<spdlog::logger> log)
    : node_(std::move(node)),
      scenario_(scenario),
      rules_(scenario, node_, mode, origins),
      links_(links),
      faults_(faults),
      trace_(std::move(trace)),
      send_(std::move(send)),
      log_(std::move(log)) {}

bool Receiver::take_frame(const std::string& from, const v1::Frame& frame, uint32_t incarnation,
                          double now_h) {
  if (frame.version() == 1 && frame.receiver_incarnation() != incarnation) {
    // Meant for an earlier process of this node, which died; its sender has
    // accounted for it as lost with that process. Whether such a frame
    // reaches the new process depends on when the old one died, so this
    // event, like every rejection, is a fact of the wire, not of the run.
    reject_frame(from, FrameRejection{"rejected:stale-incarnation", ""}, now_h);
    return false;
  }
  std::optional<FrameRejection> rejection = check_frame(frame, from, scenario_);
  if (!rejection) rejection = rules_.check(frame, from);
  if (rejection) {
    // Not counted: it may be a frame its sender's reports never counted
    // either (a member's key used outside the protocol), and counting it
    // would let a window run before a frame it waits for.
    reject_frame(from, *rejection, now_h);
    return false;
  }
  inbox_.put(from, frame, now_h);
  return true;
}

void Receiver::reject_frame(const std::string& from, const FrameRejection& rejection,
                            double now_h) {
  log_->error("frame from {}{} rejected: {}", from,
              rejection.claimed.empty() ? "" : " claiming to be \"" + rejection.claimed + "\"",
              rejection.reason);
  TraceEvent event;
  event.kind = "rejected";
  event.t_h = now_h;
  event.peer = from;
  event.claimed = rejection.claimed.substr(0, kIdBytesMax);
  event.reason = rejection.reason;
  trace_(std::move(event));
}

void Receiver::trace_envelope(std::string_view kind, const std::string& from,
                              const v1::Envelope& envelope, double t_h, std::string_view reason) {
  TraceEvent event =
      report_event(kind, envelope.message_id(), envelope.report(), t_h, envelope.handoff());
  event.peer = from;
  event.attempt = envelope.attempt();
  event.reason = reason;
  trace_(std::move(event));
}

void Receiver::forget_settled(double now_h) {
  seen_.forget_before(now_h);
  // A refused attempt matters only until its deadline
  // (record_arrived_not_taken_in).
  std::erase_if(refused_attempts_,
                [now_h](const auto& entry) { return entry.second.first.deadline_h() < now_h; });
}

void Receiver::refuse(const std::string& from, const v1::Envelope& envelope, double arrival_h,
                      double at_h, std::string_view reason) {
  const bool tracked = envelope.deadline_h() > 0;
  // A message taken in has its fate here already; only an attempt of one
  // not taken in may be refused.
  TEARLINE_ASSERT(!seen_.contains(from, envelope.message_id()));
  if (tracked) {
    // The sender resends it, so only this attempt is lost.
    refused_attempts_[{from, envelope.message_id()}] = {envelope, arrival_h};
  } else {
    seen_.insert(from, envelope.message_id(), at_h);  // Its copies come at this hour.
  }
  trace_envelope(tracked ? "attempt_lost" : "lost", from, envelope, at_h, reason);
}

bool Receiver::take_in(const std::string& from, const v1::Envelope& envelope, double arrival_h,
                       double at_h) {
  const std::string& id = envelope.message_id();
  forget_settled(at_h);
  const bool seen = seen_.contains(from, id);
  if (faults_.partitioned(from)) {
    if (!seen) refuse(from, envelope, arrival_h, at_h, "partition");
    return false;
  }
  const bool tracked = envelope.deadline_h() > 0;
  if (!seen && tracked && sender_cannot_learn_of_it(from)) {
    // Its acknowledgement would die with the sender, which keeps a journal:
    // restarted, it would give the message up at its deadline while we held
    // it. Refused; the sender resends it once it is back.
    refuse(from, envelope, arrival_h, at_h, "sender-down");
    return false;
  }
  if (!seen && tracked && at_h + links_.least_transit_to_h(from) > envelope.deadline_h()) {
    // Its acknowledgement could not reach the sender before the deadline, by
    // which the sender gives the message up as lost: not taken in, so the
    // message keeps that one fate.
    refuse(from, envelope, arrival_h, at_h, "arrived-after-deadline");
    return false;
  }
  acknowledge(from, envelope, at_h);
  if (seen) {
    // A resend, or a duplicate made by the link: acknowledged again, not
    // taken in twice.
    trace_envelope("duplicate", from, envelope, at_h, "");
    return false;
  }
  // Resent until its deadline, if tracked; else every copy comes now.
  seen_.insert(from, id, tracked ? envelope.deadline_h() : at_h);
  trace_envelope("received", from, envelope, at_h, "");
  if (envelope.report().severity() == v1::SEVERITY_UNSPECIFIED ||
      envelope.report().tlp() == v1::TLP_UNSPECIFIED) {
    TraceEvent lost = report_event("lost", id, envelope.report(), at_h, envelope.handoff());
    lost.peer = from;
    lost.reason = "rejected:unspecified-severity-or-tlp";
    log_->error("{} from {}: severity or TLP unspecified; rejected", id, from);
    trace_(std::move(lost));
    return false;
  }
  return true;
}

void Receiver::acknowledge(const std::string& from, const v1::Envelope& envelope, double at_h) {
  v1::Frame frame;
  frame.set_version(1);
  v1::Ack* ack = frame.mutable_ack();
  ack->set_message_id(envelope.message_id());
  ack->set_receiver(node_);
  ack->set_sequence(envelope.sequence());
  ack->set_attempt(envelope.attempt());
  ack->set_received_at_h(at_h);
  frame.set_arrival_h(at_h + links_.least_transit_to_h(from));
  TEARLINE_ASSERT(frame.arrival_h() > at_h);
  send_(from, std::move(frame));
}

bool Receiver::sender_cannot_learn_of_it(const std::string& from) const {
  return faults_.peer_down(from) && scenario_.journaled(from);
}

void Receiver::record_arrived_not_taken_in(double now_h) {
  const auto returns_after_now = [&](const std::string& from, double arrival_h) {
    return arrival_h <= now_h && arrival_h + links_.least_transit_to_h(from) > now_h;
  };
  inbox_.for_each_intake([&](const InboxEntry& entry) {
    if (entry.frame.has_envelope() && returns_after_now(entry.from, entry.intake_h) &&
        !seen_.contains(entry.from, entry.frame.envelope().message_id())) {
      trace_envelope("in_flight", entry.from, entry.frame.envelope(), now_h,
                     "arrived, not yet taken in");
    }
  });
  for (const auto& [key, refused] : refused_attempts_) {
    const auto& [sender, id] = key;
    const auto& [envelope, arrival_h] = refused;
    if (!seen_.contains(sender, id) && returns_after_now(envelope.sender(), arrival_h) &&
        envelope.deadline_h() > now_h) {
      trace_envelope("in_flight", envelope.sender(), envelope, now_h, "awaiting resend");
    }
  }
}

}  // namespace tearline
