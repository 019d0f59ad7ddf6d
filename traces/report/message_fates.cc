#include "traces/report/message_fates.h"

#include <cstdint>
#include <set>

namespace tearline::report {
namespace {

using nlohmann::json;

void decide_fate(Message* message) {
  FateEvidence evidence;
  const Event* terminal = nullptr;
  const Event* in_flight = nullptr;
  evidence.created = message->created != nullptr;
  for (const Event* event : message->events) {
    if (is_terminal(event->kind)) {
      ++evidence.terminal_events;
      terminal = event;
    }
    if (event->kind == "in_flight" && in_flight == nullptr) in_flight = event;
  }
  evidence.delivered = terminal != nullptr && terminal->kind == "delivered";
  evidence.in_flight = in_flight != nullptr;
  message->fate = decide_fate(evidence, &message->unaccounted_reason);
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
  if (evidence.terminal_events > 1) {
    *unaccounted_reason = "multiple terminal events";
    return Fate::kUnaccounted;
  }
  if (evidence.terminal_events == 1) return evidence.delivered ? Fate::kDelivered : Fate::kLost;
  if (evidence.in_flight) return Fate::kInFlight;
  *unaccounted_reason = "no terminal or in_flight event";
  return Fate::kUnaccounted;
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
  for (auto& [id, message] : messages_) decide_fate(&message);
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

json fates_json(const MessageIndex& index) {
  int64_t created = 0, delivered = 0, lost = 0, in_flight = 0, unaccounted = 0, never_created = 0;
  json lost_by_reason = json::object();
  json unaccounted_messages = json::array();
  for (const auto& [id, message] : index.messages()) {
    if (message.created != nullptr) ++created;
    switch (message.fate) {
      case Fate::kDelivered:
        ++delivered;
        break;
      case Fate::kLost: {
        ++lost;
        json& count = lost_by_reason[loss_reason(*message.end)];
        count = count.is_null() ? 1 : count.get<int64_t>() + 1;
        break;
      }
      case Fate::kInFlight:
        ++in_flight;
        break;
      case Fate::kUnaccounted: {
        ++(message.created != nullptr ? unaccounted : never_created);
        const Event& last = *message.end;
        unaccounted_messages.push_back({{"msg", id},
                                        {"reason", message.unaccounted_reason},
                                        {"node", last.node},
                                        {"kind", last.kind},
                                        {"handoff", last.handoff},
                                        {"t_h", last.t_h}});
        break;
      }
    }
  }
  return {{"messages",
           {{"created", created},
            {"delivered", delivered},
            {"lost", lost},
            {"in_flight", in_flight},
            {"unaccounted", unaccounted},
            {"never_created", never_created}}},
          {"lost_by_reason", lost_by_reason},
          {"unaccounted_messages", unaccounted_messages}};
}

}  // namespace tearline::report
