#include "launcher/trace_views/summary_tally.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "launcher/report/message_fates.h"
#include "launcher/trace_views/lineage.h"

namespace tearline::trace_views {
namespace {

using report::EventFields;

// An event that may decide its message's fate, with what the summary needs of it.
struct FateEvent {
  TimeKey key;
  std::string_view node, kind, reason, trace;
};

struct MessageTally {
  size_t events = 0;
  Lineage lineage;
  size_t terminal_events = 0;
  FateEvent terminal;                  // One of them: the one, when there is just one.
  std::optional<FateEvent> in_flight;  // The first.
  FateEvent last;
};

// An event whose trace id (for the plot filter) comes from its message's
// ancestors, known only once every file is read.
struct DeferredEvent {
  std::string_view node, kind, msg;
  double t_h = 0;
  std::optional<int64_t> wall_ms;
};

struct NodeKind {
  std::string_view node, kind;
  bool operator==(const NodeKind&) const = default;
};

struct NodeKindHash {
  size_t operator()(const NodeKind& key) const {
    const std::hash<std::string_view> hash;
    return hash(key.node) * 31 + hash(key.kind);
  }
};

class Tally {
 public:
  Tally(const TraceFilter& filter, const ModeInfo& info) : filter_(filter), info_(info) {}

  void add(const EventFields& fields) {
    if (!fields.msg.empty()) add_to_message(fields);
    if (!passes_node_and_window(filter_, fields.node, fields.t_h)) return;
    if (!filter_.plot.empty()) {
      if (fields.trace.empty() && !fields.msg.empty()) {
        deferred_.push_back({fields.node, fields.kind, fields.msg, fields.t_h, fields.wall_ms});
        return;
      }
      if (!passes_plot(filter_, info_, fields.trace)) return;
    }
    count(fields.node, fields.kind, fields.t_h, fields.wall_ms);
  }

  SummaryTally finish() {
    for (const DeferredEvent& event : deferred_) {
      if (passes_plot(filter_, info_, trace_of(event.msg))) {
        count(event.node, event.kind, event.t_h, event.wall_ms);
      }
    }
    for (const auto& [key, count] : count_by_node_kind_) {
      tally_.nodes.emplace(key.node);
      tally_.count_by_kind_node[std::string(key.kind)][std::string(key.node)] += count;
    }
    for (const auto& [id, message] : messages_) add_fate(id, message);
    return std::move(tally_);
  }

 private:
  void add_to_message(const EventFields& fields) {
    MessageTally& message = messages_[fields.msg];
    const TimeKey key = TimeKey::of(fields);
    message.lineage.add(fields, key);
    const FateEvent event{key, fields.node, fields.kind, fields.reason, fields.trace};
    if (report::is_terminal(fields.kind) && message.terminal_events++ == 0) {
      message.terminal = event;
    }
    if (fields.kind == "in_flight" && (!message.in_flight || key < message.in_flight->key)) {
      message.in_flight = event;
    }
    if (message.events++ == 0 || message.last.key < key) message.last = event;
  }

  void count(std::string_view node, std::string_view kind, double t_h,
             std::optional<int64_t> wall_ms) {
    ++count_by_node_kind_[{node, kind}];
    if (tally_.events++ == 0) {
      tally_.first_t_h = tally_.last_t_h = t_h;
    } else {
      tally_.first_t_h = std::min(tally_.first_t_h, t_h);
      tally_.last_t_h = std::max(tally_.last_t_h, t_h);
    }
    if (wall_ms) {
      tally_.wall_first_ms = std::min(tally_.wall_first_ms.value_or(*wall_ms), *wall_ms);
      tally_.wall_last_ms = std::max(tally_.wall_last_ms.value_or(*wall_ms), *wall_ms);
    }
  }

  std::string_view trace_of(std::string_view id) const {
    return trace_views::trace_of(messages_, id);
  }

  void add_fate(std::string_view id, const MessageTally& message) {
    report::FateEvidence evidence;
    evidence.created = message.lineage.created.has_value();
    evidence.terminal_events = message.terminal_events;
    evidence.delivered = message.terminal.kind == "delivered";
    evidence.in_flight = message.in_flight.has_value();
    std::string unaccounted_reason;
    const report::Fate fate = report::decide_fate(evidence, &unaccounted_reason);
    const FateEvent& end = fate == report::Fate::kInFlight      ? *message.in_flight
                           : fate == report::Fate::kUnaccounted ? message.last
                                                                : message.terminal;
    if (!passes_node_and_window(filter_, end.node, end.key.t_h)) return;
    if (!filter_.plot.empty() &&
        !passes_plot(filter_, info_, end.trace.empty() ? trace_of(id) : end.trace)) {
      return;
    }
    switch (fate) {
      case report::Fate::kDelivered:
        ++tally_.delivered;
        break;
      case report::Fate::kLost:
        ++tally_.lost;
        ++tally_.lost_by_reason[std::string(report::loss_reason(end.kind, end.reason))];
        break;
      case report::Fate::kInFlight:
        ++tally_.in_flight;
        break;
      case report::Fate::kUnaccounted:
        ++tally_.unaccounted;
        break;
    }
  }

  const TraceFilter& filter_;
  const ModeInfo& info_;
  std::unordered_map<std::string_view, MessageTally> messages_;
  std::unordered_map<NodeKind, size_t, NodeKindHash> count_by_node_kind_;
  std::vector<DeferredEvent> deferred_;
  SummaryTally tally_;
};

}  // namespace

SummaryTally tally_mode(report::ModeScan* scan, const TraceFilter& filter, const ModeInfo& info,
                        std::vector<std::string>* warnings) {
  Tally tally(filter, info);
  scan->read([&tally](const EventFields& fields) { tally.add(fields); }, warnings);
  return tally.finish();
}

}  // namespace tearline::trace_views
