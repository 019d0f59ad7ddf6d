// What became of each message: delivered, lost with a reason, still in flight,
// or unaccounted (a fault of the tracing or of a node). Internal to
// tearline_report.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/read/run_info.h"
#include "analysis/read/trace_reader.h"

namespace tearline::report {

enum class Fate { kDelivered, kLost, kInFlight, kUnaccounted };

// What a message's events show about its fate.
struct FateEvidence {
  bool created = false;        // It has a "created" event.
  size_t terminal_events = 0;  // delivered, withheld, lost, expired.
  bool delivered = false;      // The terminal event that decides is "delivered".
  bool in_flight = false;      // It has an "in_flight" event.
  // Its two terminal events are one service and its repeat by a centre
  // without a journal (served_again_without_journal()).
  bool served_again_without_journal = false;
};

// A centre without a journal remembers nothing across a restart
// (docs/DURABILITY.md): an acknowledgement it had handed to ZeroMQ may die
// with its process, the agency resends the report, and the new process
// serves it again. That is what such a centre does, not a fault of the
// accounting: the message is delivered once, and the repeat is counted
// apart. Whether a message's two terminal events (kind and node of each, in
// time order) are such a service and its repeat: both deliveries by the
// centre of `run_info` (is_centre()), and `restarted_between` (the centre
// started without a journal between them, starts_without_journal()).
// Anything else with two terminal events stays unaccounted.
struct TerminalEvent {
  std::string_view kind, node;
};
bool served_again_without_journal(TerminalEvent first, TerminalEvent second,
                                  const v1::RunInfo* run_info, bool restarted_between);
// Whether an event is a start that recovered nothing (a first start, or a
// restart without a journal).
bool starts_without_journal(std::string_view kind, std::string_view reason);
// Whether `starts` (sorted time keys of one node's starts without a
// journal; null for none) holds one after `first` and before `second`.
template <typename Key>
bool started_between(const std::vector<Key>* starts, const Key& first, const Key& second) {
  if (starts == nullptr) return false;
  const auto start = std::upper_bound(starts->begin(), starts->end(), first);
  return start != starts->end() && *start < second;
}

// The fate those events decide. The event that decides it is the terminal
// event for kDelivered and kLost, the first in_flight event for kInFlight,
// and the last event for kUnaccounted, whose reason goes to *reason.
Fate decide_fate(const FateEvidence& evidence, std::string* unaccounted_reason);

struct Message {
  std::string id;
  std::vector<const Event*> events;  // In time order.
  const Event* created = nullptr;    // Its first "created" event, if any.
  // The event deciding the fate: its terminal event, its in_flight event, or
  // (unaccounted) its last event.
  const Event* end = nullptr;
  Fate fate = Fate::kUnaccounted;
  std::string unaccounted_reason;  // Set when fate is kUnaccounted.
  // Delivered, and served again by a centre without a journal after a
  // restart (served_again_without_journal()).
  bool served_again_without_journal = false;
  std::string parent;  // From its created event.
  std::string trace;   // First trace id among its events.
};

// Every message id of one mode, with its events and fate. Holds pointers into
// the events it was built from, which must outlive it.
class MessageIndex {
 public:
  // `events` in time order, as ModeTraces::events; the centre and its
  // restarts are read from them (the "run" event's RunInfo).
  explicit MessageIndex(const std::vector<Event>& events);
  explicit MessageIndex(std::vector<Event>&& events) = delete;  // Would dangle.

  // Null if no event names `id`.
  const Message* find(const std::string& id) const;
  const std::map<std::string, Message>& messages() const { return messages_; }
  // The trace id of `id`, from its own events or else from its ancestors'.
  std::string trace_of(const std::string& id) const;

 private:
  std::map<std::string, Message> messages_;
};

// delivered, withheld, lost, expired.
bool is_terminal(std::string_view kind);
// withheld, lost, expired.
bool is_loss(std::string_view kind);
// The reason of a loss event, or its kind when it gives none.
std::string loss_reason(const Event& event);
std::string_view loss_reason(std::string_view kind, std::string_view reason);

}  // namespace tearline::report
