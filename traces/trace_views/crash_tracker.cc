#include "traces/trace_views/crash_tracker.h"

#include <algorithm>

#include "traces/report/message_fates.h"

namespace tearline::trace_views {

EventRef EventRef::of(const report::EventFields& fields, Interner* names) {
  EventRef event;
  event.key = TimeKey::of(fields);
  event.has_wall_ms = fields.wall_ms.has_value();
  event.node = names->id(fields.node);
  event.kind = names->id(fields.kind);
  event.peer = names->id(fields.peer);
  event.handoff = names->id(fields.handoff);
  event.reason = names->id(fields.reason);
  event.trace = fields.trace;
  return event;
}

void LastSeen::add(const EventRef& event, std::string_view kind) {
  const bool acked = kind == "acked";
  if (!seen_ || last_.key < event.key) {
    last_ = event;
    last_acked_ = acked;
    last_sent_ = kind == "sent" || kind == "resent";
  }
  if (!acked && (!last_not_acked_ || last_not_acked_->key < event.key)) {
    last_not_acked_ = Place{event.key, event.has_wall_ms, event.node};
  }
  seen_ = true;
  settled_ |= report::is_terminal(kind) || kind == "in_flight";
}

void Deaths::add(const report::EventFields& fields) {
  if (!report::is_death(fields.kind, fields.reason, fields.fault)) return;
  const std::string reason = fields.reason == report::kLauncherDiedReason
                                 ? std::string(report::kLauncherDiedReason)
                                 : "crash:" + std::string(fields.node);
  as_read_[names_->id(fields.node)].push_back(
      {TimeKey::of(fields), {fields.t_h, fields.wall_ms.value_or(0), reason}});
}

void Deaths::finish() {
  in_order_.clear();
  for (auto& [node, deaths] : as_read_) {
    std::sort(deaths.begin(), deaths.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    auto& in_order = in_order_[node];
    for (const auto& [key, death] : deaths) in_order.push_back(death);
  }
}

const report::Death* Deaths::after(uint32_t node, const TimeKey& key, bool has_wall_ms) const {
  const auto deaths = in_order_.find(node);
  if (deaths == in_order_.end()) return nullptr;
  return report::first_death_after(deaths->second, key.t_h,
                                   has_wall_ms ? std::optional(key.wall_ms) : std::nullopt);
}

std::optional<CrashLoss> Deaths::loss_of(const LastSeen& seen) const {
  if (!seen.seen() || seen.settled() || in_order_.empty()) return std::nullopt;
  const EventRef& last = seen.last();
  // As report::holder_of: with the receiver once the sender saw it
  // acknowledged.
  const uint32_t holder = seen.last_acked_ && last.peer != Interner::kEmpty ? last.peer : last.node;
  // An acknowledged message got to its receiver when the receiver last did
  // something with it (the acknowledgement may come after the receiver died).
  const report::Death* death = nullptr;
  if (seen.last_acked_ && seen.last_not_acked_ && seen.last_not_acked_->node == holder) {
    death = after(holder, seen.last_not_acked_->key, seen.last_not_acked_->has_wall_ms);
  } else {
    death = after(holder, last.key, last.has_wall_ms);
  }
  uint32_t dead_node = holder;
  if (death == nullptr && seen.last_sent_ && last.peer != Interner::kEmpty) {
    // On its way, left by its sender to a receiver that died before taking
    // it in.
    death = after(last.peer, last.key, last.has_wall_ms);
    dead_node = last.peer;
  }
  if (death == nullptr) return std::nullopt;
  return CrashLoss{
      {std::max(death->t_h, last.key.t_h), death->wall_ms, last.key.file, last.key.line},
      dead_node,
      death->loss_reason};
}

void CrashTracker::add(const report::EventFields& fields) {
  deaths_.add(fields);
  if (!fields.msg.empty()) messages_[fields.msg].add(EventRef::of(fields, names_), fields.kind);
}

std::vector<DerivedLoss> CrashTracker::losses() {
  deaths_.finish();
  std::vector<DerivedLoss> losses;
  if (deaths_.empty()) return losses;
  for (const auto& [id, seen] : messages_) {
    if (const auto loss = deaths_.loss_of(seen)) losses.push_back({*loss, id, seen.last()});
  }
  std::sort(losses.begin(), losses.end(),
            [](const DerivedLoss& a, const DerivedLoss& b) { return a.msg < b.msg; });
  return losses;
}

}  // namespace tearline::trace_views
