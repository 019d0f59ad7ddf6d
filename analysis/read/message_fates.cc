#include "analysis/read/message_fates.h"

#include <algorithm>
#include <cstdint>
#include <set>

namespace tearline::report {
namespace {

// Whether one message's `terminals` (its terminal events, at `positions` in
// the mode's time order) are a service and its repeat by a centre without a
// journal; `restarts` holds the positions of the starts without a journal
// of the node of the first (null: none), `run_info` may be null.
bool is_service_repeated(const std::vector<const Event*>& terminals,
                         const std::vector<size_t>& positions, const std::vector<size_t>* restarts,
                         const v1::RunInfo* run_info) {
  if (terminals.size() != 2) return false;
  return served_again_without_journal({terminals[0]->kind, terminals[0]->node},
                                      {terminals[1]->kind, terminals[1]->node}, run_info,
                                      started_between(restarts, positions[0], positions[1]));
}

void decide_fate(Message* message, const std::vector<Event>& events,
                 const std::map<std::string, std::vector<size_t>, std::less<>>& restarts,
                 const v1::RunInfo* run_info) {
  FateEvidence evidence;
  std::vector<const Event*> terminals;
  std::vector<size_t> positions;
  const Event* in_flight = nullptr;
  evidence.created = message->created != nullptr;
  for (const Event* event : message->events) {
    if (is_terminal(event->kind)) {
      terminals.push_back(event);
      positions.push_back(static_cast<size_t>(event - events.data()));
    }
    if (event->kind == "in_flight" && in_flight == nullptr) in_flight = event;
  }
  evidence.terminal_events = terminals.size();
  const Event* terminal = terminals.empty() ? nullptr : terminals.front();
  if (terminals.size() == 2) {
    const auto centre_restarts = restarts.find(terminals[0]->node);
    evidence.served_again_without_journal = is_service_repeated(
        terminals, positions,
        centre_restarts == restarts.end() ? nullptr : &centre_restarts->second, run_info);
  }
  if (!evidence.served_again_without_journal && !terminals.empty()) terminal = terminals.back();
  evidence.delivered = terminal != nullptr && terminal->kind == "delivered";
  evidence.in_flight = in_flight != nullptr;
  message->fate = decide_fate(evidence, &message->unaccounted_reason);
  message->served_again_without_journal = evidence.served_again_without_journal;
  switch (message->fate) {
    case Fate::kDelivered:
    case Fate::kLost:
      message->end = terminal;
      break;
    case Fate::kInFlight:
      message->end = in_flight;
      break;
    case Fate::kUnaccounted:
      message->end = message->events.back();
      break;
  }
}

}  // namespace

Fate decide_fate(const FateEvidence& evidence, std::string* unaccounted_reason) {
  if (!evidence.created) {
    *unaccounted_reason = "never created";
    return Fate::kUnaccounted;
  }
  if (evidence.terminal_events > 1 &&
      !(evidence.terminal_events == 2 && evidence.served_again_without_journal)) {
    *unaccounted_reason = "multiple terminal events";
    return Fate::kUnaccounted;
  }
  if (evidence.terminal_events > 0) return evidence.delivered ? Fate::kDelivered : Fate::kLost;
  if (evidence.in_flight) return Fate::kInFlight;
  *unaccounted_reason = "no terminal or in_flight event";
  return Fate::kUnaccounted;
}

bool served_again_without_journal(TerminalEvent first, TerminalEvent second,
                                  const v1::RunInfo* run_info, bool restarted_between) {
  return restarted_between && first.kind == "delivered" && second.kind == "delivered" &&
         first.node == second.node && is_centre(run_info, first.node);
}

bool starts_without_journal(std::string_view kind, std::string_view reason) {
  return kind == "node_started" && reason != "recovered";
}

bool is_terminal(std::string_view kind) { return kind == "delivered" || is_loss(kind); }

bool is_loss(std::string_view kind) {
  return kind == "withheld" || kind == "lost" || kind == "expired";
}

std::string loss_reason(const Event& event) {
  return std::string(loss_reason(event.kind, event.reason));
}

std::string_view loss_reason(std::string_view kind, std::string_view reason) {
  return reason.empty() ? kind : reason;
}

MessageIndex::MessageIndex(const std::vector<Event>& events) {
  std::optional<v1::RunInfo> run_info;
  // Each node's starts that recovered nothing, by position in time order.
  std::map<std::string, std::vector<size_t>, std::less<>> restarts;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    if (event.kind == "run" && event.run.is_object() && !run_info) {
      run_info = parse_run_info(event.run, nullptr);
    }
    if (starts_without_journal(event.kind, event.reason) && !event.derived) {
      restarts[event.node].push_back(i);
    }
  }
  for (const Event& event : events) {
    if (event.msg.empty()) continue;
    Message& message = messages_[event.msg];
    message.id = event.msg;
    message.events.push_back(&event);
    if (event.kind == "created" && message.created == nullptr) {
      message.created = &event;
      message.parent = event.parent;
    }
    if (message.trace.empty()) message.trace = event.trace;
  }
  const v1::RunInfo* info = run_info ? &*run_info : nullptr;
  for (auto& [id, message] : messages_) decide_fate(&message, events, restarts, info);
}

const Message* MessageIndex::find(const std::string& id) const {
  const auto it = messages_.find(id);
  return it == messages_.end() ? nullptr : &it->second;
}

std::string MessageIndex::trace_of(const std::string& id) const {
  std::set<std::string> seen;  // Guards against a cycle of parents.
  for (const Message* message = find(id); message != nullptr && seen.insert(message->id).second;
       message = find(message->parent)) {
    if (!message->trace.empty()) return message->trace;
  }
  return "";
}

}  // namespace tearline::report
