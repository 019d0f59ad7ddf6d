#include "analysis/ledger/message_ledger.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "analysis/read/crash_losses.h"
#include "base/invariant.h"

namespace tearline::report {
namespace {

EventRef ref_of(const Step& step) {
  EventRef ref;
  ref.order = step.order;
  ref.t_h = step.t_h;
  ref.wall_ms = step.wall_ms;
  ref.node = step.node;
  ref.handoff = step.handoff;
  ref.reason = step.reason;
  ref.loss_reason = step.loss_reason;
  ref.peer = step.peer;
  ref.kind_name = step.kind_name;
  ref.kind = step.kind;
  return ref;
}

bool has_events(const MessageState& message) { return message.last.kind_name != 0; }

}  // namespace

const EventRef& MessageState::end() const {
  switch (fate) {
    case Fate::kDelivered:
    case Fate::kLost:
      return served_again_without_journal ? first_terminal : last_terminal;
    case Fate::kInFlight:
      return in_flight;
    case Fate::kUnaccounted:
      break;
  }
  return last;
}

MessageState& MessageLedger::state(uint32_t msg) {
  if (messages_.size() < context_->msgs.size()) messages_.resize(context_->msgs.size());
  return messages_[msg];
}

uint32_t MessageLedger::detail_id(const std::vector<std::string_view>& detail) {
  if (detail.empty()) return 0;
  std::string key;
  for (const std::string_view field : detail) {
    key += field;
    key += '\n';
  }
  const auto [found, added] = detail_ids_.emplace(key, static_cast<uint32_t>(details_.size()));
  if (added) details_.emplace_back(detail.begin(), detail.end());
  return found->second;
}

void MessageLedger::add(const Step& step, const EventFields& fields) {
  const std::string& reason = context_->names.name(step.reason);
  if (step.kind == Kind::kNodeStarted && starts_without_journal("node_started", reason)) {
    restarts_[step.node].push_back(step.order);
  }
  if (is_death(fields.kind, fields.reason, fields.fault)) {
    const std::string loss_reason = reason == kLauncherDiedReason
                                        ? std::string(kLauncherDiedReason)
                                        : "crash:" + context_->names.name(step.node);
    deaths_[step.node].push_back(
        {step.t_h, step.wall_ms.value_or(0), context_->names.id(loss_reason)});
  }
  const bool launcher_file = context_->is_launcher_file(step.file);
  if (step.kind == Kind::kNodeStarted && !launcher_file) ++lives_unended_[step.node];
  if (step.kind == Kind::kNodeStopped && launcher_file) --lives_unended_[step.node];
  if (!launcher_file && step.node != 0) last_event_[step.node] = ref_of(step);
  if (step.msg == 0) return;

  MessageState& message = state(step.msg);
  const EventRef ref = ref_of(step);
  // Events come in time order, each with the next order (ModeBuilder::add()).
  TEARLINE_ASSERT(!has_events(message) || message.last.order < ref.order);
  message.last = ref;
  const bool retransmission = (step.kind == Kind::kResent || step.kind == Kind::kAttemptLost ||
                               step.kind == Kind::kAcked || step.kind == Kind::kDuplicate) &&
                              message.received_on != 0 && step.handoff == message.received_on;
  if (step.kind == Kind::kReceived) message.received_on = step.handoff;
  if (!retransmission) message.last_move = ref;
  if (!retransmission && step.kind != Kind::kAcked && step.kind != Kind::kDuplicate) {
    message.last_placed = ref;
    message.has_last_placed = true;
  }
  if (message.trace == 0) message.trace = step.trace;
  if (step.kind == Kind::kCreated && !message.created) {
    message.created = true;
    message.parent = step.parent;
    message.created_order = step.order;
    message.created_detail = detail_id(fields.detail);
  }
  if (!fields.detail.empty()) {
    // Most events of a message repeat its detail: no key to build then.
    const std::vector<std::string>& latest = details_[message.latest_detail];
    if (!std::equal(latest.begin(), latest.end(), fields.detail.begin(), fields.detail.end())) {
      message.latest_detail = detail_id(fields.detail);
    }
  }
  if (step.kind == Kind::kActed && message.acted < 0) message.acted = fields.actionable ? 1 : 0;
  if (is_terminal(step.kind)) {
    if (message.terminals++ == 0) message.first_terminal = ref;
    message.last_terminal = ref;
  }
  if (step.kind == Kind::kInFlight && !message.has_in_flight) {
    message.has_in_flight = true;
    message.in_flight = ref;
  }
}

const MessageLedger::Death* MessageLedger::first_death_after(uint32_t node,
                                                             const EventRef& at) const {
  const auto deaths = deaths_.find(node);
  if (deaths == deaths_.end()) return nullptr;
  for (const Death& death : deaths->second) {
    if (at.wall_ms && death.wall_ms ? death.wall_ms >= *at.wall_ms : death.t_h >= at.t_h) {
      return &death;
    }
  }
  return nullptr;
}

void MessageLedger::add_launcher_deaths() {
  const uint32_t reason = context_->names.id(kLauncherDiedReason);
  for (const auto& [node, unended] : lives_unended_) {
    const auto last = last_event_.find(node);
    if (unended <= 0 || last == last_event_.end()) continue;
    const Death death{last->second.t_h, last->second.wall_ms.value_or(0), reason};
    std::vector<Death>& deaths = deaths_[node];
    // At the node's last event, in time order among its other deaths.
    const auto at =
        std::upper_bound(deaths.begin(), deaths.end(), death, [](const Death& a, const Death& b) {
          return std::tie(a.t_h, a.wall_ms) < std::tie(b.t_h, b.wall_ms);
        });
    deaths.insert(at, death);
    died_with_launcher_.push_back(node);
  }
  std::sort(died_with_launcher_.begin(), died_with_launcher_.end(), [this](uint32_t a, uint32_t b) {
    return context_->names.name(a) < context_->names.name(b);
  });
}

std::vector<DerivedLoss> MessageLedger::add_crash_losses() {
  std::vector<DerivedLoss> losses;
  if (deaths_.empty()) return losses;
  const uint32_t lost_kind = context_->names.id("lost");
  for (uint32_t msg = 1; msg < messages_.size(); ++msg) {
    MessageState& message = messages_[msg];
    if (!has_events(message) || message.terminals > 0 || message.has_in_flight) continue;
    const EventRef& last = message.last_move;
    const uint32_t holder = last.kind == Kind::kAcked && last.peer != 0 ? last.peer : last.node;
    // Where and when the holder got it: for an acknowledged message, when
    // its receiver last did something with it (the acknowledgement may
    // reach the sender after the receiver died).
    const EventRef& got_there =
        message.has_last_placed && message.last_placed.node == holder ? message.last_placed : last;
    const Death* death = first_death_after(holder, got_there);
    uint32_t dead_node = holder;
    // Lost where the holder had it: the receiver's intake, say, not the link
    // it came out of (counted out there already).
    uint32_t handoff = got_there.handoff;
    if (death == nullptr && is_send(last.kind) && last.peer != 0) {
      // On its way, left by its live sender to a receiver that died
      // before taking it in (crash_losses.h).
      death = first_death_after(last.peer, last);
      dead_node = last.peer;
      handoff = last.handoff;
    }
    if (death == nullptr) continue;
    EventRef lost;
    lost.order = std::numeric_limits<uint64_t>::max();
    lost.t_h = std::max(death->t_h, message.last.t_h);  // Never before its last event.
    lost.wall_ms = death->wall_ms;
    lost.node = dead_node;
    lost.handoff = handoff;
    lost.reason = lost.loss_reason = death->loss_reason;
    lost.kind_name = lost_kind;
    lost.kind = Kind::kLost;
    TEARLINE_ASSERT(lost.t_h >= message.last.t_h);
    message.terminals = 1;
    message.first_terminal = message.last_terminal = message.last = lost;
    losses.push_back({msg, lost});
  }
  return losses;
}

void MessageLedger::decide(MessageState* message) {
  FateEvidence evidence;
  evidence.created = message->created;
  evidence.terminal_events = message->terminals;
  evidence.in_flight = message->has_in_flight;
  if (message->terminals == 2) {
    const EventRef& first = message->first_terminal;
    const EventRef& second = message->last_terminal;
    const auto restarts = restarts_.find(first.node);
    const bool restarted = started_between(
        restarts == restarts_.end() ? nullptr : &restarts->second, first.order, second.order);
    evidence.served_again_without_journal =
        restarted && first.kind == Kind::kDelivered && second.kind == Kind::kDelivered &&
        first.node == second.node && context_->is_centre(first.node);
  }
  const EventRef& terminal =
      evidence.served_again_without_journal ? message->first_terminal : message->last_terminal;
  evidence.delivered = message->terminals > 0 && terminal.kind == Kind::kDelivered;
  TEARLINE_ASSERT(!evidence.served_again_without_journal || message->terminals == 2);
  std::string reason;
  message->fate = decide_fate(evidence, &reason);
  // A message without a fate says why; one with a fate was created.
  TEARLINE_ASSERT((message->fate == Fate::kUnaccounted) == !reason.empty());
  TEARLINE_ASSERT(message->fate == Fate::kUnaccounted || message->created);
  message->served_again_without_journal = evidence.served_again_without_journal;
  if (message->fate == Fate::kUnaccounted) message->unaccounted_reason = context_->names.id(reason);
}

std::vector<DerivedLoss> MessageLedger::finish(bool run_over) {
  if (messages_.size() < context_->msgs.size()) messages_.resize(context_->msgs.size());
  if (run_over) add_launcher_deaths();
  std::vector<DerivedLoss> losses = add_crash_losses();
  for (uint32_t msg = 1; msg < messages_.size(); ++msg) {
    if (has_events(messages_[msg])) decide(&messages_[msg]);
  }
  for (const DerivedLoss& loss : losses) {
    // Derived only for a message with no fate of its own, and then its one.
    const MessageState& message = messages_[loss.msg];
    TEARLINE_ASSERT(message.terminals == 1 && (message.fate == Fate::kLost || !message.created));
  }
  return losses;
}

uint32_t MessageLedger::trace_of(uint32_t msg) const {
  for (int depth = 0; msg != 0 && msg < messages_.size() && depth <= kLineageDepthMax; ++depth) {
    if (messages_[msg].trace != 0) return messages_[msg].trace;
    msg = messages_[msg].parent;
  }
  return 0;
}

void MessageLedger::fill(v1::ModeReport* mode) const {
  v1::MessageCounts* counts = mode->mutable_messages();
  TEARLINE_ASSERT(counts->created() == 0 && mode->lost_by_reason().empty());  // Filled once.
  std::vector<uint32_t> unaccounted;
  for (uint32_t msg = 1; msg < messages_.size(); ++msg) {
    const MessageState& message = messages_[msg];
    if (!has_events(message)) continue;
    if (message.created) counts->set_created(counts->created() + 1);
    switch (message.fate) {
      case Fate::kDelivered:
        counts->set_delivered(counts->delivered() + 1);
        if (message.served_again_without_journal) {
          counts->set_served_again_without_journal(counts->served_again_without_journal() + 1);
        }
        break;
      case Fate::kLost:
        counts->set_lost(counts->lost() + 1);
        ++(*mode->mutable_lost_by_reason())[context_->names.name(message.end().loss_reason)];
        break;
      case Fate::kInFlight:
        counts->set_in_flight(counts->in_flight() + 1);
        break;
      case Fate::kUnaccounted:
        if (message.created) {
          counts->set_unaccounted(counts->unaccounted() + 1);
        } else {
          counts->set_never_created(counts->never_created() + 1);
        }
        unaccounted.push_back(msg);
        break;
    }
  }
  // Every message has exactly one fate: the counts add up.
  TEARLINE_ASSERT(counts->created() == counts->delivered() + counts->lost() + counts->in_flight() +
                                           counts->unaccounted());
  TEARLINE_ASSERT(unaccounted.size() == size_t{counts->unaccounted()} + counts->never_created());
  TEARLINE_ASSERT(counts->served_again_without_journal() <= counts->delivered());
  uint64_t lost_by_reason = 0;
  for (const auto& [reason, count] : mode->lost_by_reason()) lost_by_reason += count;
  TEARLINE_ASSERT(lost_by_reason == counts->lost());
  std::sort(unaccounted.begin(), unaccounted.end(), [this](uint32_t a, uint32_t b) {
    return context_->msgs.name(a) < context_->msgs.name(b);
  });
  for (const uint32_t msg : unaccounted) {
    const MessageState& message = messages_[msg];
    const EventRef& last = message.end();
    v1::UnaccountedMessage* row = mode->add_unaccounted_messages();
    row->set_msg(context_->msgs.name(msg));
    row->set_reason(context_->names.name(message.unaccounted_reason));
    row->set_node(context_->names.name(last.node));
    row->set_kind(context_->names.name(last.kind_name));
    row->set_handoff(context_->names.name(last.handoff));
    row->set_t_h(last.t_h);
  }
}

}  // namespace tearline::report
