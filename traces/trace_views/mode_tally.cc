#include "traces/trace_views/mode_tally.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <future>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "traces/report/crash_losses.h"
#include "traces/report/message_fates.h"

namespace tearline::trace_views {
namespace {

using report::EventFields;

// An event that may decide its message's fate, with what the views need of it.
struct FateEvent {
  TimeKey key;
  bool has_wall_ms = false;  // Else key.wall_ms is 0 for want of one.
  std::string_view node, kind, reason, trace, handoff, peer;
};

struct MessageTally {
  size_t events = 0;
  Lineage lineage;
  size_t terminal_events = 0;
  FateEvent terminal;                       // One of them: the one, when there is just one.
  std::optional<FateEvent> other_terminal;  // Another, when there are two or more.
  std::optional<FateEvent> in_flight;       // The first.
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
    if (report::is_death(fields.kind, fields.reason, fields.fault)) {
      deaths_by_node_[fields.node].push_back(
          {TimeKey::of(fields), {fields.t_h, fields.wall_ms.value_or(0)}});
    }
    if (report::starts_without_journal(fields.kind, fields.reason)) {
      starts_without_journal_[fields.node].push_back(TimeKey::of(fields));
    }
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

  ModeTally finish() {
    for (const DeferredEvent& event : deferred_) {
      if (passes_plot(filter_, info_, trace_of(event.msg))) {
        count(event.node, event.kind, event.t_h, event.wall_ms);
      }
    }
    for (const auto& [key, count] : count_by_node_kind_) {
      tally_.nodes.emplace(key.node);
      tally_.count_by_kind_node[std::string(key.kind)][std::string(key.node)] += count;
    }
    for (auto& [node, deaths] : deaths_by_node_) {
      std::sort(deaths.begin(), deaths.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      crash_reasons_by_node_[node] = "crash:" + std::string(node);
      for (const auto& [key, death] : deaths) deaths_in_order_[node].push_back(death);
    }
    for (auto& [node, starts] : starts_without_journal_) std::sort(starts.begin(), starts.end());
    for (const auto& [id, message] : messages_) add_fate(id, message);
    std::sort(tally_.lost_messages.begin(), tally_.lost_messages.end(),
              [](const LostMessage& a, const LostMessage& b) { return a.key < b.key; });
    return std::move(tally_);
  }

 private:
  void add_to_message(const EventFields& fields) {
    MessageTally& message = messages_[fields.msg];
    const TimeKey key = TimeKey::of(fields);
    message.lineage.add(fields, key);
    const FateEvent event{key,
                          fields.wall_ms.has_value(),
                          fields.node,
                          fields.kind,
                          fields.reason,
                          fields.trace,
                          fields.handoff,
                          fields.peer};
    if (report::is_terminal(fields.kind)) {
      if (message.terminal_events++ == 0) {
        message.terminal = event;
      } else if (!message.other_terminal) {
        message.other_terminal = event;
      }
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

  // As report::add_crash_losses: a message with no terminal or in_flight
  // event, last seen at a node that died afterwards, is lost to the crash.
  std::optional<FateEvent> crash_loss_of(const MessageTally& message) const {
    if (message.terminal_events > 0 || message.in_flight) return std::nullopt;
    const FateEvent& last = message.last;
    const auto deaths = deaths_in_order_.find(report::holder_of(last.kind, last.peer, last.node));
    if (deaths == deaths_in_order_.end()) return std::nullopt;
    const report::Death* death = report::first_death_after(
        deaths->second, last.key.t_h,
        last.has_wall_ms ? std::optional(last.key.wall_ms) : std::nullopt);
    if (death == nullptr) return std::nullopt;
    FateEvent loss = last;
    loss.key.t_h = std::max(death->t_h, last.key.t_h);
    loss.key.wall_ms = death->wall_ms;
    loss.node = deaths->first;
    loss.kind = "lost";
    loss.reason = crash_reasons_by_node_.at(deaths->first);
    return loss;
  }

  // As report::MessageIndex: whether the message's two terminal events are
  // a service and its repeat by a centre without a journal; if so, the first.
  std::optional<FateEvent> served_first_of(const MessageTally& message) const {
    if (message.terminal_events != 2) return std::nullopt;
    const bool in_order = message.terminal.key < message.other_terminal->key;
    const FateEvent& first = in_order ? message.terminal : *message.other_terminal;
    const FateEvent& second = in_order ? *message.other_terminal : message.terminal;
    const auto starts = starts_without_journal_.find(first.node);
    const bool restarted_between = report::started_between(
        starts == starts_without_journal_.end() ? nullptr : &starts->second, first.key, second.key);
    if (!report::served_again_without_journal({first.kind, first.node}, {second.kind, second.node},
                                              info_.run_info, restarted_between)) {
      return std::nullopt;
    }
    return first;
  }

  void add_fate(std::string_view id, const MessageTally& message) {
    const std::optional<FateEvent> crash_loss = crash_loss_of(message);
    const std::optional<FateEvent> served_first = served_first_of(message);
    const FateEvent& terminal = crash_loss     ? *crash_loss
                                : served_first ? *served_first
                                               : message.terminal;
    report::FateEvidence evidence;
    evidence.created = message.lineage.created.has_value();
    evidence.terminal_events = message.terminal_events + (crash_loss ? 1 : 0);
    evidence.served_again_without_journal = served_first.has_value();
    evidence.delivered = terminal.kind == "delivered";
    evidence.in_flight = message.in_flight.has_value();
    std::string unaccounted_reason;
    const report::Fate fate = report::decide_fate(evidence, &unaccounted_reason);
    const FateEvent& end = fate == report::Fate::kInFlight      ? *message.in_flight
                           : fate == report::Fate::kUnaccounted ? message.last
                                                                : terminal;
    if (!passes_node_and_window(filter_, end.node, end.key.t_h)) return;
    if (!filter_.plot.empty() &&
        !passes_plot(filter_, info_, end.trace.empty() ? trace_of(id) : end.trace)) {
      return;
    }
    const std::string_view reason = report::loss_reason(end.kind, end.reason);
    switch (fate) {
      case report::Fate::kDelivered:
        ++tally_.delivered;
        tally_.served_again_without_journal += served_first ? 1 : 0;
        break;
      case report::Fate::kLost:
        ++tally_.lost;
        ++tally_.lost_by_reason[std::string(reason)];
        tally_.lost_messages.push_back({end.key, std::string(id), std::string(trace_of(id)),
                                        std::string(end.node), std::string(end.kind),
                                        std::string(end.handoff), std::string(reason)});
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
  // Deaths by node, as read and then in time order; "crash:<node>".
  std::unordered_map<std::string_view, std::vector<std::pair<TimeKey, report::Death>>>
      deaths_by_node_;
  std::unordered_map<std::string_view, std::vector<report::Death>> deaths_in_order_;
  std::unordered_map<std::string_view, std::string> crash_reasons_by_node_;
  // Each node's starts that recovered nothing (report::starts_without_journal).
  std::unordered_map<std::string_view, std::vector<TimeKey>> starts_without_journal_;
  ModeTally tally_;
};

}  // namespace

ModeTally tally_mode(report::ModeScan* scan, const TraceFilter& filter, const ModeInfo& info,
                     std::vector<std::string>* warnings) {
  Tally tally(filter, info);
  scan->read([&tally](const EventFields& fields) { tally.add(fields); }, warnings);
  return tally.finish();
}

std::vector<TalliedMode> tally_run(const std::string& run_dir, const TraceFilter& filter,
                                   std::vector<std::string>* warnings) {
  // The modes share nothing, so each is read in a thread of its own.
  struct Pending {
    std::future<TalliedMode> mode;
    std::vector<std::string> warnings;
  };
  std::deque<Pending> pending;
  for (const auto& dir : select_mode_dirs(run_dir, filter)) {
    Pending& mode = pending.emplace_back();
    mode.mode = std::async(std::launch::async, [dir, &filter, &mode] {
      report::ModeScan scan(dir);
      TalliedMode result;
      result.info = mode_info(scan.mode(), scan.run_info(), filter);
      result.tally = tally_mode(&scan, filter, result.info, &mode.warnings);
      return result;
    });
  }
  std::vector<TalliedMode> modes;
  std::vector<const ModeInfo*> infos;
  for (Pending& mode : pending) modes.push_back(mode.mode.get());
  for (size_t i = 0; i < modes.size(); ++i) {
    infos.push_back(&modes[i].info);
    if (warnings != nullptr) {
      warnings->insert(warnings->end(), pending[i].warnings.begin(), pending[i].warnings.end());
    }
  }
  check_plot_known(run_dir, filter, infos);
  return modes;
}

}  // namespace tearline::trace_views
