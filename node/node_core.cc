#include "node/node_core.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "base/clock.h"
#include "node/desk.h"
#include "node/fault_commands.h"
#include "node/frame_check.h"
#include "trace/report_fields.h"

namespace tearline {
namespace {

// Fault commands a node holds for later hours; beyond, more are refused.
constexpr size_t kMaxScheduledCommands = 10'000;

std::optional<double> earliest(std::initializer_list<std::optional<double>> times) {
  std::optional<double> result;
  for (const auto& time : times) {
    if (time && (!result || *time < *result)) result = time;
  }
  return result;
}

}  // namespace

NodeCore::NodeCore(NodeIdentity identity, const Scenario& scenario, const RoleMaker& make_role,
                   TraceSink& trace, FrameSink& frames, const OriginVerifier& origins,
                   std::shared_ptr<spdlog::logger> log)
    : identity_(std::move(identity)),
      scenario_(scenario),
      random_(identity_.seed),
      trace_sink_(trace),
      frames_(frames),
      log_(std::move(log)),
      links_(identity_.name, scenario_, random_, *this,
             [this](TraceEvent event) { this->trace(std::move(event)); }),
      rules_(scenario_, identity_.name, identity_.mode, origins),
      role_(make_role(random_)) {
  for (const std::string& name : scenario.node_names()) known_nodes_.insert(name);
}

void NodeCore::trace(TraceEvent event) {
  if (replaying_) return;
  event.node = identity_.name;
  event.mode = identity_.mode;
  event.wall_ms = unix_now_ms();
  ++events_by_kind_[std::string(event.kind)];
  ++events_written_;
  trace_sink_.write(event);
}

void NodeCore::start(double begin_h, uint32_t incarnation, double end_h,
                     const std::string& issuer) {
  incarnation_ = incarnation;
  end_h_ = end_h;
  reached_h_ = begin_h;
  role_->begin_at(begin_h);
  links_.raise_send_floor_h(begin_h);
  intake_floor_h_ = begin_h;
  log_->info("started at {} h (incarnation {}), ends at {} h", begin_h, incarnation, end_h);
  TraceEvent event;
  event.kind = "node_started";
  event.t_h = begin_h;
  event.issuer = issuer;
  trace(std::move(event));
}

void NodeCore::recover(const v1::Start& start, const std::string& issuer) {
  const double died_at_h = start.died_at_h();
  crash_requested_ = false;
  inbox_.drop_intake_arriving_from(died_at_h);
  links_.forget_untracked();
  incarnation_ = start.incarnation();
  end_h_ = start.end_h();
  role_->begin_at(start.begin_h());
  hold_until(start.begin_h());
  log_->info("recovered from its journal: died at {} h, restarted at {} h (incarnation {})",
             died_at_h, start.begin_h(), incarnation_);
  TraceEvent event;
  event.kind = "node_started";
  event.t_h = start.begin_h();
  event.reason = "recovered";
  event.issuer = issuer;
  trace(std::move(event));
}

bool NodeCore::take_frame(const std::string& from, const v1::Frame& frame) {
  if (frame.version() == 1 && frame.receiver_incarnation() != incarnation_) {
    // Meant for an earlier process of this node, which died; its sender has
    // accounted for it as lost with that process. Whether such a frame
    // reaches the new process depends on when the old one died, so this
    // event, like every rejection, is a fact of the wire, not of the run.
    reject_frame(from, FrameRejection{"rejected:stale-incarnation", ""});
    return false;
  }
  std::optional<FrameRejection> rejection = check_frame(frame, from, scenario_);
  if (!rejection) rejection = rules_.check(frame, from);
  if (rejection) {
    // Not counted: it may be a frame its sender's reports never counted
    // either (a member's key used outside the protocol), and counting it
    // would let a window run before a frame it waits for.
    reject_frame(from, *rejection);
    return false;
  }
  // Later than its hour only when its sender died mid-window (sync/DESIGN.md).
  inbox_.put(from, frame, reached_h_);
  return true;
}

void NodeCore::reject_frame(const std::string& from, const FrameRejection& rejection) {
  log_->error("frame from {}{} rejected: {}", from,
              rejection.claimed.empty() ? "" : " claiming to be \"" + rejection.claimed + "\"",
              rejection.reason);
  TraceEvent event;
  event.kind = "rejected";
  event.t_h = reached_h_;
  event.peer = from;
  event.claimed = rejection.claimed.substr(0, kMaxIdBytes);
  event.reason = rejection.reason;
  trace(std::move(event));
}

std::optional<double> NodeCore::next_event_h() const {
  std::optional<double> control;
  if (!control_.empty()) control = control_.begin()->first;
  if (paused_) return control;
  std::optional<double> intake = inbox_.next_intake_h();
  if (intake) intake = std::max(*intake, intake_floor_h_);
  return earliest(
      {control, inbox_.next_ack_h(), role_->next_wake_h(), links_.next_wake_h(), intake});
}

std::optional<double> NodeCore::next_send_bound_h() const {
  // A paused node may be resumed at any moment and catch up at once.
  if (paused_) return reached_h_;
  std::optional<double> control;
  if (!control_.empty()) control = control_.begin()->first;
  // Taking in an envelope or poll sends an acknowledgement or an answer;
  // taking in an acknowledgement sends nothing.
  std::optional<double> intake = inbox_.next_intake_h();
  if (intake) intake = std::max(*intake, intake_floor_h_);
  return earliest({control, role_->next_send_bound_h(), links_.next_wake_h(), intake});
}

v1::RoundReport NodeCore::run_window(const v1::Grant& grant) {
  for (const v1::PeerState& peer : grant.peers()) {
    control_.emplace(std::max(peer.at_h(), reached_h_), ControlEvent{std::nullopt, "", peer});
  }
  if (grant.has_resumed_at_h()) hold_until(grant.resumed_at_h());
  const double until_h = std::min(grant.until_h(), end_h_);
  while (!crash_requested_) {
    const std::optional<double> next = next_event_h();
    if (!next || *next >= until_h) break;
    handle_next(*next);
  }
  reached_h_ = std::max(reached_h_, until_h);

  v1::RoundReport report;
  report.set_round(grant.round());
  report.set_reached_h(reached_h_);
  if (const std::optional<double> next = next_send_bound_h()) {
    report.set_next_send_h(std::max(*next, reached_h_));
  }
  if (const std::optional<double> next = paused_ ? reached_h_ : next_event_h()) {
    report.set_next_event_h(std::max(*next, reached_h_));
  }
  for (const auto& [peer, sent] : sent_in_window_) {
    v1::SentFrames* out = report.add_sent();
    out->set_peer(peer);
    out->set_peer_incarnation(sent.incarnation);
    out->set_frames(sent.frames);
    out->set_min_arrival_h(sent.min_arrival_h);
  }
  sent_in_window_.clear();
  return report;
}

void NodeCore::handle_next(double at_h) {
  if (!control_.empty() && control_.begin()->first == at_h) {
    const ControlEvent event = control_.begin()->second;
    control_.erase(control_.begin());
    return handle_control(event, at_h);
  }
  if (inbox_.next_ack_h() == at_h) {
    const InboxEntry entry = inbox_.pop_ack();
    return links_.on_ack(entry.from, entry.frame.ack(), at_h);
  }
  if (role_->next_wake_h() == at_h) return role_->advance(*this, at_h);
  if (links_.next_wake_h() == at_h) return links_.advance(at_h);
  const InboxEntry entry = inbox_.pop_intake();
  if (entry.frame.has_envelope()) {
    return handle_envelope(entry.from, entry.frame.envelope(), entry.frame.arrival_h(), at_h);
  }
  if (partitioned_.contains(entry.from)) return;  // Polls go unanswered.
  role_->on_poll(*this, entry.frame.poll(), entry.from, at_h);
}

void NodeCore::handle_control(const ControlEvent& event, double at_h) {
  if (event.peer) return change_peer(*event.peer, at_h);
  std::string error;
  if (!carry_out(*event.request, event.issuer, at_h, &error)) {
    log_->warn("scheduled {} at {} h refused: {}", describe_command(*event.request), at_h, error);
  }
}

void NodeCore::change_peer(const v1::PeerState& state, double at_h) {
  if (state.node() == identity_.name) return;
  PeerState& peer = peers_[state.node()];
  const bool was_up = peer.up;
  peer.up = state.up();
  peer.incarnation = state.incarnation();
  if (was_up == peer.up) return;
  TraceEvent event;
  event.kind = peer.up ? "peer_up" : "peer_down";
  event.t_h = at_h;
  event.peer = state.node();
  trace(std::move(event));
  if (peer.up) {
    links_.peer_up(state.node(), at_h);
  } else {
    links_.peer_down(state.node(), at_h);
  }
}

void NodeCore::hold_until(double resume_h) {
  // Never lowered: a pause that ends while the node is held (SIGSTOP) must
  // not let anything leave before the hold ends.
  links_.raise_send_floor_h(resume_h);
  intake_floor_h_ = std::max(intake_floor_h_, resume_h);
}

bool NodeCore::apply_fault(const v1::ControlRequest& request, const std::string& issuer,
                           std::string* error) {
  if (!started()) return *error = "the node has not started", false;
  if (*error = fault_values_error(request); !error->empty()) return false;
  if (request.has_at_h()) {
    if (!hour_in_range(request.at_h(), scenario_)) {
      return *error = "at_h must be a finite hour within the scenario", false;
    }
    if (request.at_h() > reached_h_) {
      if (control_.size() >= kMaxScheduledCommands) {
        return *error = fmt::format("{} commands are scheduled already; no more are taken",
                                    kMaxScheduledCommands),
               false;
      }
      control_.emplace(request.at_h(), ControlEvent{request, issuer, std::nullopt});
      return true;
    }
  }
  return carry_out(request, issuer, reached_h_, error);
}

bool NodeCore::carry_out(const v1::ControlRequest& request, const std::string& issuer, double at_h,
                         std::string* error) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPause:
      paused_ = true;
      break;
    case v1::ControlRequest::kResume:
      if (paused_) hold_until(at_h);
      paused_ = false;
      break;
    case v1::ControlRequest::kLink: {
      const v1::SetLink& link = request.link();
      if (link.peer() != "*" &&
          (!known_nodes_.contains(link.peer()) || link.peer() == identity_.name)) {
        return *error = "no peer named \"" + link.peer() + "\"", false;
      }
      if (link.reset()) {
        links_.reset_fault(link.peer());
      } else {
        links_.set_fault(link.peer(), link_fault_from(link));
      }
      break;
    }
    case v1::ControlRequest::kPartition: {
      std::set<std::string> peers = partitioned_;
      for (const std::string& peer : request.partition().peers()) {
        if (!known_nodes_.contains(peer) || peer == identity_.name) {
          return *error = "no peer named \"" + peer + "\"", false;
        }
        peers.insert(peer);
      }
      partitioned_ = peers;
      links_.set_partitioned(std::move(peers));
      break;
    }
    case v1::ControlRequest::kHeal:
      partitioned_.clear();
      links_.set_partitioned({});
      break;
    case v1::ControlRequest::kQueue: {
      Desk* desk = role_->desk_named(request.queue().name());
      if (!desk) return *error = "no department named \"" + request.queue().name() + "\"", false;
      // The change holds from at_h: the department's own clock must be there.
      if (!paused_) desk->advance(*this, at_h);
      if (request.queue().reset()) {
        desk->reset_config();
      } else {
        desk->reconfigure(queue_config_with(desk->config(), request.queue()));
      }
      break;
    }
    case v1::ControlRequest::kCrash:
      crash_requested_ = true;
      break;
    default:
      return *error = "not a fault command: " + describe_command(request), false;
  }
  trace_fault(request, issuer, at_h);
  return true;
}

void NodeCore::trace_fault(const v1::ControlRequest& request, const std::string& issuer,
                           double at_h) {
  const std::string description = describe_command(request);
  log_->warn("fault: {} at {:.2f} h (by {}, key of {})", description, at_h, request.issued_by(),
             issuer);
  TraceEvent event;
  event.kind = "fault";
  event.t_h = at_h;
  event.fault = description;
  event.by = request.issued_by().substr(0, kMaxIdBytes);
  event.issuer = issuer;
  trace(std::move(event));
}

void NodeCore::send(const std::string& peer, v1::Envelope envelope, double at_h,
                    const SendOptions& options) {
  links_.send(peer, std::move(envelope), at_h, options);
}

void NodeCore::send_poll(const std::string& peer, const v1::PollRequest& poll) {
  links_.send_poll(peer, poll);
}

void NodeCore::transmit(const std::string& peer, const v1::Frame& frame) { deliver(peer, frame); }

void NodeCore::deliver(const std::string& peer, v1::Frame frame) {
  if (replaying_) return;
  const double arrival_h = frame.arrival_h();
  const uint32_t incarnation = peers_.contains(peer) ? peers_.at(peer).incarnation : 1;
  frame.set_receiver_incarnation(incarnation);
  frame.set_sender_incarnation(incarnation_);
  SentSummary& sent = sent_in_window_[peer];
  if (sent.frames == 0 || sent.incarnation != incarnation) {
    sent = SentSummary{incarnation, 0, arrival_h};
  }
  ++sent.frames;
  sent.min_arrival_h = std::min(sent.min_arrival_h, arrival_h);
  frames_.deliver(peer, frame);
}

void NodeCore::acknowledge(const std::string& from, const v1::Envelope& envelope, double at_h) {
  v1::Frame frame;
  frame.set_version(1);
  v1::Ack* ack = frame.mutable_ack();
  ack->set_message_id(envelope.message_id());
  ack->set_receiver(identity_.name);
  ack->set_sequence(envelope.sequence());
  ack->set_attempt(envelope.attempt());
  ack->set_received_at_h(at_h);
  frame.set_arrival_h(at_h + links_.least_transit_to_h(from));
  deliver(from, std::move(frame));
}

void NodeCore::forget_settled(double now_h) {
  seen_.forget_before(now_h);
  // A refused attempt matters only until its deadline (see stop()).
  std::erase_if(refused_attempts_,
                [now_h](const auto& entry) { return entry.second.first.deadline_h() < now_h; });
}

void NodeCore::drop_partitioned(const std::string& from, const v1::Envelope& envelope,
                                double arrival_h, double at_h) {
  if (seen_.contains(from, envelope.message_id())) return;
  // The sender resends a tracked message, so only this attempt is lost.
  const bool tracked = envelope.deadline_h() > 0;
  if (tracked) {
    refused_attempts_[{from, envelope.message_id()}] = {envelope, arrival_h};
  } else {
    seen_.insert(from, envelope.message_id(), at_h);  // Its copies come at this hour.
  }
  TraceEvent event = report_event(tracked ? "attempt_lost" : "lost", envelope.message_id(),
                                  envelope.report(), at_h, envelope.handoff());
  event.peer = from;
  event.attempt = envelope.attempt();
  event.reason = "partition";
  trace(std::move(event));
}

void NodeCore::handle_envelope(const std::string& from, const v1::Envelope& envelope,
                               double arrival_h, double at_h) {
  const std::string& id = envelope.message_id();
  forget_settled(at_h);
  if (partitioned_.contains(from)) return drop_partitioned(from, envelope, arrival_h, at_h);
  const bool seen = seen_.contains(from, id);
  const bool tracked = envelope.deadline_h() > 0;
  if (!seen && tracked && sender_cannot_learn_of_it(from)) {
    // Its acknowledgement would die with the sender, which keeps a journal:
    // restarted, it would give the message up at its deadline while we held
    // it. Refused; the sender resends it once it is back.
    refused_attempts_[{from, id}] = {envelope, arrival_h};
    TraceEvent refused =
        report_event("attempt_lost", id, envelope.report(), at_h, envelope.handoff());
    refused.peer = from;
    refused.attempt = envelope.attempt();
    refused.reason = "sender-down";
    trace(std::move(refused));
    return;
  }
  if (!seen && tracked && at_h + links_.least_transit_to_h(from) > envelope.deadline_h()) {
    // Its acknowledgement could not reach the sender before the deadline, by
    // which the sender gives the message up as lost: not taken in, so the
    // message keeps that one fate.
    refused_attempts_[{from, id}] = {envelope, arrival_h};
    TraceEvent late = report_event("attempt_lost", id, envelope.report(), at_h, envelope.handoff());
    late.peer = from;
    late.attempt = envelope.attempt();
    late.reason = "arrived-after-deadline";
    trace(std::move(late));
    return;
  }
  acknowledge(from, envelope, at_h);
  if (seen) {
    // A resend, or a duplicate made by the link: acknowledged again, not
    // taken in twice.
    TraceEvent duplicate =
        report_event("duplicate", id, envelope.report(), at_h, envelope.handoff());
    duplicate.peer = from;
    duplicate.attempt = envelope.attempt();
    trace(std::move(duplicate));
    return;
  }
  // Resent until its deadline, if tracked; else every copy comes now.
  seen_.insert(from, id, tracked ? envelope.deadline_h() : at_h);
  TraceEvent received = report_event("received", id, envelope.report(), at_h, envelope.handoff());
  received.peer = from;
  received.attempt = envelope.attempt();
  trace(std::move(received));
  if (envelope.report().severity() == v1::SEVERITY_UNSPECIFIED ||
      envelope.report().tlp() == v1::TLP_UNSPECIFIED) {
    TraceEvent lost = report_event("lost", id, envelope.report(), at_h, envelope.handoff());
    lost.peer = from;
    lost.reason = "rejected:unspecified-severity-or-tlp";
    log_->error("{} from {}: severity or TLP unspecified; rejected", id, from);
    trace(std::move(lost));
    return;
  }
  role_->on_envelope(*this, envelope, at_h);
}

bool NodeCore::sender_cannot_learn_of_it(const std::string& from) const {
  const auto state = peers_.find(from);
  return state != peers_.end() && !state->second.up && scenario_.journaled(from);
}

void NodeCore::record_arrived_not_taken_in(double now_h) {
  const auto returns_after_now = [&](const std::string& from, double arrival_h) {
    return arrival_h <= now_h && arrival_h + links_.least_transit_to_h(from) > now_h;
  };
  const auto record = [&](const std::string& from, const v1::Envelope& envelope,
                          std::string_view reason) {
    TraceEvent event = report_event("in_flight", envelope.message_id(), envelope.report(), now_h,
                                    envelope.handoff());
    event.peer = from;
    event.attempt = envelope.attempt();
    event.reason = reason;
    trace(std::move(event));
  };
  inbox_.for_each_intake([&](const InboxEntry& entry) {
    if (entry.frame.has_envelope() && returns_after_now(entry.from, entry.intake_h) &&
        !seen_.contains(entry.from, entry.frame.envelope().message_id())) {
      record(entry.from, entry.frame.envelope(), "arrived, not yet taken in");
    }
  });
  for (const auto& [key, refused] : refused_attempts_) {
    const auto& [sender, id] = key;
    const auto& [envelope, arrival_h] = refused;
    if (!seen_.contains(sender, id) && returns_after_now(envelope.sender(), arrival_h) &&
        envelope.deadline_h() > now_h) {
      record(envelope.sender(), envelope, "awaiting resend");
    }
  }
}

void NodeCore::stop(const std::string& issuer) {
  const double now_h = std::min(reached_h_, end_h_);
  role_->record_in_flight(*this, now_h);
  links_.record_in_flight(now_h);
  record_arrived_not_taken_in(now_h);
  TraceEvent event;
  event.kind = "node_stopped";
  event.t_h = now_h;
  event.issuer = issuer;
  trace(std::move(event));
}

void NodeCore::fill_status(v1::NodeStatus* status) const {
  status->set_now_h(reached_h_);
  for (const auto& [kind, count] : events_by_kind_)
    (*status->mutable_events_by_kind())[kind] = count;
  role_->fill_status(status);
  status->set_outbound_pending_msgs(links_.pending_msgs());
  status->set_paused(paused_);
  for (const std::string& peer : partitioned_) status->add_partitioned_peers(peer);
}

}  // namespace tearline
