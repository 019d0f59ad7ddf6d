#include "node/node_core.h"

#include <algorithm>
#include <vector>

#include "base/clock.h"
#include "base/invariant.h"
#include "node/desk.h"
#include "node/fault_commands.h"

namespace tearline {

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
      faults_(
          identity_.name, [this](const std::string& name) { return scenario_.has_node(name); },
          links_, [this](TraceEvent event) { this->trace(std::move(event)); }, log_),
      receiver_(
          identity_.name, identity_.mode, scenario_, origins, links_, faults_,
          [this](TraceEvent event) { this->trace(std::move(event)); },
          [this](const std::string& peer, v1::Frame frame) { deliver(peer, std::move(frame)); },
          log_),
      role_(make_role(random_)) {}

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
  faults_.hold_until(begin_h);
  log_->info("started at {} h (incarnation {}), ends at {} h", begin_h, incarnation, end_h);
  TraceEvent event;
  event.kind = "node_started";
  event.t_h = begin_h;
  event.issuer = issuer;
  trace(std::move(event));
}

void NodeCore::recover(const v1::Start& start, const std::string& issuer) {
  const double died_at_h = start.died_at_h();
  faults_.clear_crash();
  receiver_.inbox().drop_intake_arriving_from(died_at_h);
  links_.forget_untracked();
  incarnation_ = start.incarnation();
  end_h_ = start.end_h();
  role_->begin_at(start.begin_h());
  faults_.hold_until(start.begin_h());
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
  return receiver_.take_frame(from, frame, incarnation_, reached_h_);
}

void NodeCore::reject_frame(const std::string& from, const FrameRejection& rejection) {
  receiver_.reject_frame(from, rejection, reached_h_);
}

DueHours NodeCore::due_hours(std::optional<double> role_h) const {
  const Inbox& inbox = receiver_.inbox();
  std::optional<double> intake = inbox.next_intake_h();
  if (intake) intake = std::max(*intake, faults_.intake_floor_h());
  return DueHours{control_.next_h(), inbox.next_ack_h(), role_h, links_.next_wake_h(), intake};
}

std::optional<DueEvent> NodeCore::next_event() const {
  return next_due(due_hours(role_->next_wake_h()), faults_.paused());
}

std::optional<double> NodeCore::next_event_h() const {
  const std::optional<DueEvent> next = next_event();
  if (!next) return std::nullopt;
  return next->at_h;
}

v1::RoundReport NodeCore::run_window(const v1::Grant& grant) {
  for (const v1::PeerState& peer : grant.peers()) {
    control_.schedule(std::max(peer.at_h(), reached_h_), ControlEvent{std::nullopt, "", peer});
  }
  if (grant.has_resumed_at_h()) faults_.hold_until(grant.resumed_at_h());
  const double until_h = std::min(grant.until_h(), end_h_);
  while (!faults_.crash_requested()) {
    const std::optional<DueEvent> next = next_event();
    if (!next || next->at_h >= until_h) break;
    handle(*next);
  }
  reached_h_ = std::max(reached_h_, until_h);

  v1::RoundReport report;
  report.set_round(grant.round());
  report.set_reached_h(reached_h_);
  const bool paused = faults_.paused();
  if (const std::optional<double> next =
          next_send_bound_h(due_hours(role_->next_send_bound_h()), paused, reached_h_)) {
    report.set_next_send_h(std::max(*next, reached_h_));
  }
  if (const std::optional<double> next = paused ? reached_h_ : next_event_h()) {
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

void NodeCore::handle(const DueEvent& event) {
  const double at_h = event.at_h;
  switch (event.source) {
    case EventSource::kControl:
      return handle_control(control_.pop(), at_h);
    case EventSource::kAck: {
      const InboxEntry entry = receiver_.inbox().pop_ack();
      return links_.on_ack(entry.from, entry.frame.ack(), at_h);
    }
    case EventSource::kRole:
      return role_->advance(*this, at_h);
    case EventSource::kLinks:
      return links_.advance(at_h);
    case EventSource::kIntake:
      return take_in(receiver_.inbox().pop_intake(), at_h);
  }
}

void NodeCore::take_in(const InboxEntry& entry, double at_h) {
  if (entry.frame.has_envelope()) {
    const v1::Envelope& envelope = entry.frame.envelope();
    if (receiver_.take_in(entry.from, envelope, entry.frame.arrival_h(), at_h)) {
      role_->on_envelope(*this, envelope, at_h);
    }
    return;
  }
  TEARLINE_ASSERT(entry.frame.has_poll());      // Acknowledgements are kept apart.
  if (faults_.partitioned(entry.from)) return;  // Polls go unanswered.
  role_->on_poll(*this, entry.frame.poll(), entry.from, at_h);
}

void NodeCore::handle_control(const ControlEvent& event, double at_h) {
  if (event.peer) return faults_.change_peer(*event.peer, at_h);
  std::string error;
  if (!carry_out(*event.request, event.issuer, at_h, &error)) {
    log_->warn("scheduled {} at {} h refused: {}", describe_command(*event.request), at_h, error);
  }
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
      if (control_.full()) {
        return *error = fmt::format("{} commands are scheduled already; no more are taken",
                                    ControlQueue::kScheduledCommandsMax),
               false;
      }
      control_.schedule(request.at_h(), ControlEvent{request, issuer, std::nullopt});
      return true;
    }
  }
  return carry_out(request, issuer, reached_h_, error);
}

bool NodeCore::carry_out(const v1::ControlRequest& request, const std::string& issuer, double at_h,
                         std::string* error) {
  const bool done = request.has_queue()   ? reconfigure_desk(request.queue(), at_h, error)
                    : request.has_intel() ? role_->aim_fault(request.intel(), error)
                                          : faults_.carry_out(request, at_h, error);
  if (done) faults_.trace_fault(request, issuer, at_h);
  return done;
}

bool NodeCore::reconfigure_desk(const v1::SetQueue& change, double at_h, std::string* error) {
  Desk* desk = role_->desk_named(change.name());
  if (!desk) return *error = "no department named \"" + change.name() + "\"", false;
  // The change holds from at_h: the department's own clock must be there.
  if (!faults_.paused()) desk->advance(*this, at_h);
  if (change.reset()) {
    desk->reset_config();
  } else {
    desk->reconfigure(queue_config_with(desk->config(), change));
  }
  return true;
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
  const uint32_t incarnation = faults_.peer_incarnation(peer);
  frame.set_receiver_incarnation(incarnation);
  frame.set_sender_incarnation(incarnation_);
  const double arrival_h = frame.arrival_h();
  SentSummary& sent = sent_in_window_[peer];
  if (sent.frames == 0 || sent.incarnation != incarnation) {
    sent = SentSummary{incarnation, 0, arrival_h};
  }
  ++sent.frames;
  sent.min_arrival_h = std::min(sent.min_arrival_h, arrival_h);
  frames_.deliver(peer, frame);
}

void NodeCore::stop(const std::string& issuer) {
  const double now_h = std::min(reached_h_, end_h_);
  role_->record_in_flight(*this, now_h);
  links_.record_in_flight(now_h);
  receiver_.record_arrived_not_taken_in(now_h);
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
  status->set_paused(faults_.paused());
  for (const std::string& peer : faults_.partitioned_peers()) status->add_partitioned_peers(peer);
}

}  // namespace tearline
