#include "analysis/views/mode_tally.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <future>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "analysis/read/crash_losses.h"
#include "analysis/read/message_fates.h"
#include "analysis/views/crash_tracker.h"
#include "analysis/views/interner.h"
#include "base/invariant.h"

namespace tearline::trace_views {
namespace {

using report::EventFields;

// Per message, in a few hundred bytes: names interned, views into its
// lines. What few messages have (a second terminal event, an in_flight
// event) is kept apart (Tally::rare_).
struct MessageTally {
  Lineage lineage;
  LastSeen seen;  // Its last event, and what a crash would have lost.
  uint32_t terminal_events = 0;
  bool in_flight = false;
  EventRef terminal;  // One of them: the one, when there is just one.
};

// Of a message with a second terminal event or an in_flight event.
struct RareEvents {
  std::optional<EventRef> other_terminal;  // Another, when there are two or more.
  std::optional<EventRef> in_flight;       // The first.
};

// An event whose trace id (for the plot filter) comes from its message's
// ancestors, known only once every file is read.
struct DeferredEvent {
  uint32_t node = Interner::kEmpty, kind = Interner::kEmpty;
  std::string_view msg;
  double t_h = 0;
  std::optional<int64_t> wall_ms;
};

class Tally {
 public:
  Tally(const TraceFilter& filter, const ModeInfo& info, const LostList& list)
      : filter_(filter), info_(info), list_(list), deaths_(&names_) {}

  void add(const EventFields& fields) {
    if (!fields.msg.empty()) add_to_message(fields);
    deaths_.add(fields);
    if (report::starts_without_journal(fields.kind, fields.reason)) {
      starts_without_journal_[names_.id(fields.node)].push_back(TimeKey::of(fields));
    }
    if (!passes_node_and_window(filter_, fields.node, fields.t_h)) return;
    const uint32_t node = names_.id(fields.node), kind = names_.id(fields.kind);
    if (!filter_.plot.empty()) {
      if (fields.trace.empty() && !fields.msg.empty()) {
        deferred_.push_back({node, kind, fields.msg, fields.t_h, fields.wall_ms});
        return;
      }
      if (!passes_plot(filter_, info_, fields.trace)) return;
    }
    count(node, kind, fields.t_h, fields.wall_ms);
  }

  ModeTally finish() {
    for (const DeferredEvent& event : deferred_) {
      if (passes_plot(filter_, info_, trace_of(event.msg))) {
        count(event.node, event.kind, event.t_h, event.wall_ms);
      }
    }
    size_t counted = 0;
    for (const auto& [node_kind, count] : count_by_node_kind_) {
      const std::string node(names_.text(static_cast<uint32_t>(node_kind >> 32)));
      const std::string kind(names_.text(static_cast<uint32_t>(node_kind)));
      tally_.nodes.insert(node);
      tally_.count_by_kind_node[kind][node] += count;
      counted += count;
    }
    TEARLINE_ASSERT(counted == tally_.events);  // Each event counted once, by node and kind.
    deaths_.finish();
    lost_kind_ = names_.id("lost");
    for (auto& [node, starts] : starts_without_journal_) std::sort(starts.begin(), starts.end());
    for (const auto& [id, message] : messages_) add_fate(id, message);
    std::sort(tally_.lost_messages.begin(), tally_.lost_messages.end(),
              [](const LostMessage& a, const LostMessage& b) { return a.key < b.key; });
    // One fate per message (or none shown, when the filter leaves it out).
    TEARLINE_ASSERT(tally_.delivered + tally_.lost + tally_.in_flight + tally_.unaccounted <=
                    messages_.size());
    TEARLINE_ASSERT(tally_.served_again_without_journal <= tally_.delivered);
    size_t lost_by_reason = 0;
    for (const auto& [reason, count] : tally_.lost_by_reason) lost_by_reason += count;
    TEARLINE_ASSERT(lost_by_reason == tally_.lost && tally_.lost_messages.size() <= tally_.lost);
    return std::move(tally_);
  }

 private:
  void add_to_message(const EventFields& fields) {
    MessageTally& message = messages_[fields.msg];
    const EventRef event = EventRef::of(fields, &names_);
    message.lineage.add(fields, event.key);
    message.seen.add(event, fields.kind);
    if (report::is_terminal(fields.kind)) {
      if (message.terminal_events++ == 0) {
        message.terminal = event;
      } else if (RareEvents& rare = rare_[fields.msg]; !rare.other_terminal) {
        rare.other_terminal = event;
      }
    }
    if (fields.kind == "in_flight") {
      RareEvents& rare = rare_[fields.msg];
      if (!rare.in_flight || event.key < rare.in_flight->key) rare.in_flight = event;
      message.in_flight = true;
    }
  }

  void count(uint32_t node, uint32_t kind, double t_h, std::optional<int64_t> wall_ms) {
    ++count_by_node_kind_[(uint64_t{node} << 32) | kind];
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

  // As report::add_crash_losses (Deaths): the loss event a crash caused.
  std::optional<EventRef> crash_loss_of(const MessageTally& message) {
    if (message.terminal_events > 0 || message.in_flight) return std::nullopt;
    const std::optional<CrashLoss> loss = deaths_.loss_of(message.seen);
    if (!loss) return std::nullopt;
    EventRef event = message.seen.last();
    event.key = loss->key;
    event.has_wall_ms = true;  // As the derived event: the death's, 0 when it had none.
    event.node = loss->node;
    event.handoff = loss->handoff;
    event.kind = lost_kind_;
    event.reason = names_.id(loss->reason);
    return event;
  }

  // As report::MessageIndex: whether the message's two terminal events are
  // a service and its repeat by a centre without a journal; if so, the first.
  std::optional<EventRef> served_first_of(std::string_view id, const MessageTally& message) const {
    if (message.terminal_events != 2) return std::nullopt;
    const RareEvents& rare = rare_.at(id);
    TEARLINE_ASSERT(rare.other_terminal.has_value());  // Kept at its second terminal event.
    const EventRef& other = *rare.other_terminal;
    const bool in_order = message.terminal.key < other.key;
    const EventRef& first = in_order ? message.terminal : other;
    const EventRef& second = in_order ? other : message.terminal;
    const auto starts = starts_without_journal_.find(first.node);
    const bool restarted_between = report::started_between(
        starts == starts_without_journal_.end() ? nullptr : &starts->second, first.key, second.key);
    if (!report::served_again_without_journal({names_.text(first.kind), names_.text(first.node)},
                                              {names_.text(second.kind), names_.text(second.node)},
                                              info_.run_info ? &*info_.run_info : nullptr,
                                              restarted_between)) {
      return std::nullopt;
    }
    return first;
  }

  void add_fate(std::string_view id, const MessageTally& message) {
    const std::optional<EventRef> crash_loss = crash_loss_of(message);
    const std::optional<EventRef> served_first = served_first_of(id, message);
    const EventRef& terminal = crash_loss     ? *crash_loss
                               : served_first ? *served_first
                                              : message.terminal;
    report::FateEvidence evidence;
    evidence.created = message.lineage.created.has_value();
    evidence.terminal_events = message.terminal_events + (crash_loss ? 1 : 0);
    evidence.served_again_without_journal = served_first.has_value();
    evidence.delivered = names_.text(terminal.kind) == "delivered";
    evidence.in_flight = message.in_flight;
    std::string unaccounted_reason;
    const report::Fate fate = report::decide_fate(evidence, &unaccounted_reason);
    const EventRef& end = fate == report::Fate::kInFlight      ? *rare_.at(id).in_flight
                          : fate == report::Fate::kUnaccounted ? message.seen.last()
                                                               : terminal;
    const std::string_view node = names_.text(end.node);
    if (!passes_node_and_window(filter_, node, end.key.t_h)) return;
    if (!filter_.plot.empty() &&
        !passes_plot(filter_, info_, end.trace.empty() ? trace_of(id) : end.trace)) {
      return;
    }
    const std::string_view kind = names_.text(end.kind);
    const std::string_view reason = report::loss_reason(kind, names_.text(end.reason));
    switch (fate) {
      case report::Fate::kDelivered:
        ++tally_.delivered;
        tally_.served_again_without_journal += served_first ? 1 : 0;
        break;
      case report::Fate::kLost:
        ++tally_.lost;
        ++tally_.lost_by_reason[std::string(reason)];
        if (!list_.listed || !(list_.reason.empty() || reason == list_.reason)) break;
        // A crash's reason is no line's: copied, as each reason once.
        tally_.lost_messages.push_back({end.key, id, trace_of(id), node, kind,
                                        names_.text(end.handoff),
                                        *tally_.texts.emplace(reason).first});
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
  const LostList& list_;
  Interner names_;
  std::unordered_map<std::string_view, MessageTally> messages_;
  std::unordered_map<std::string_view, RareEvents> rare_;
  // By node and kind, each interned: node << 32 | kind.
  std::unordered_map<uint64_t, size_t> count_by_node_kind_;
  std::vector<DeferredEvent> deferred_;
  Deaths deaths_;
  uint32_t lost_kind_ = Interner::kEmpty;
  // Each node's starts that recovered nothing (report::starts_without_journal).
  std::unordered_map<uint32_t, std::vector<TimeKey>> starts_without_journal_;
  ModeTally tally_;
};

}  // namespace

ModeTally tally_mode(report::ModeScan* scan, const TraceFilter& filter, const ModeInfo& info,
                     std::vector<std::string>* warnings, const LostList& list) {
  Tally tally(filter, info, list);
  scan->read([&tally](const EventFields& fields) { tally.add(fields); }, warnings);
  return tally.finish();
}

std::vector<TalliedMode> tally_run(const std::string& run_dir, const TraceFilter& filter,
                                   std::vector<std::string>* warnings, const LostList& list) {
  // The modes share nothing, so each is read in a thread of its own.
  struct Pending {
    std::future<TalliedMode> mode;
    std::vector<std::string> warnings;
  };
  std::deque<Pending> pending;
  for (const auto& dir : select_mode_dirs(run_dir, filter)) {
    Pending& mode = pending.emplace_back();
    mode.mode = std::async(std::launch::async, [dir, &filter, &mode, &list] {
      TalliedMode result;
      result.scan = std::make_unique<report::ModeScan>(dir);
      result.info = mode_info(result.scan->mode(), result.scan->run_info(), filter);
      result.tally = tally_mode(result.scan.get(), filter, result.info, &mode.warnings, list);
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
